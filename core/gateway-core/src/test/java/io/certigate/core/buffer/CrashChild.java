package io.certigate.core.buffer;

import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.testing.TestSpine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The process {@link CrashTest} kills: it ingests readings as fast as it can and prints
 * {@code ACK <seq>} for each one only after its future completed, i.e. after the commit; beside
 * it, a thread marks everything committed delivered, as an uplink would, and prints
 * {@code MARKED <watermark>} after each mark.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        try (TestSpine spine = TestSpine.start(dir, RecordBuffer.Options.defaults(TestSpine.DEVICE),
                new Sequencer.Options(256, 64))) {
            RecordBuffer buffer = spine.buffer;
            out.println("READY " + buffer.head().seq() + " " + buffer.deliveredThrough());
            out.flush();
            // an uplink's marks, as fast as the acknowledged head moves: kills land during marks too
            Thread marker = new Thread(() -> {
                try {
                    while (true) {
                        long from = buffer.deliveredThrough() + 1;
                        long to = buffer.head().seq();
                        if (to >= from) {
                            buffer.markDelivered(from, to, System.currentTimeMillis());
                            synchronized (out) {
                                out.println("MARKED " + buffer.deliveredThrough());
                                out.flush();
                            }
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                } catch (BufferException e) {
                    e.printStackTrace();
                }
            }, "marker");
            marker.setDaemon(true);
            marker.start();
            for (long i = 0; ; i++) {
                CompletableFuture<ReadingSink.Committed> f = spine.sequencer.submit(TestSpine.odometer(i));
                f.thenAccept(c -> {
                    synchronized (out) {
                        out.println("ACK " + c.seq());
                        out.flush();
                    }
                });
            }
        }
    }
}
