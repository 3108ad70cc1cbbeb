package io.certigate.obd;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** A real signing spine (software key, SQLite buffer, sequencer) in a temp directory. */
final class ObdTestSpine implements AutoCloseable {
    static final String DEVICE = "gw-obd-test";

    final RecordBuffer buffer;
    final Sequencer sequencer;
    private final ExecutorService executor;

    private ObdTestSpine(RecordBuffer buffer, Sequencer sequencer, ExecutorService executor) {
        this.buffer = buffer;
        this.sequencer = sequencer;
        this.executor = executor;
    }

    static ObdTestSpine start(Path dir) throws Exception {
        Path ks = dir.resolve("device.p12");
        SoftwareDeviceKey key = io.certigate.testbed.device.TestDevice.openOrCreate(ks, DEVICE, CoseAlgorithm.EDDSA).key();
        RecordBuffer buffer = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults(DEVICE));
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        Sequencer s = new Sequencer(key, buffer, Clock.systemUTC(), new SecureRandom(), ex, Sequencer.Options.DEFAULT).start();
        return new ObdTestSpine(buffer, s, ex);
    }

    /** The readings committed so far, decoded from their signed records. */
    List<Reading> committed() throws Exception {
        List<Reading> out = new ArrayList<>();
        for (StoredRecord r : buffer.range(1, buffer.head().seq())) {
            if (r instanceof StoredRecord.Signed s) {
                ChainedReading c = ReadingCodec.decode(CoseSign1.parse(s.cose()).payload());
                out.add(c.reading());
            }
        }
        return out;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws Exception {
        sequencer.close();
        executor.shutdownNow();
        buffer.close();
    }
}
