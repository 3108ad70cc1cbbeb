package io.certigate.anchor.testing;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real device for tests: the testbed's shared test device (Ed25519), an SQLite buffer and the sequencer signing into it. */
public final class TestDevice implements AutoCloseable {
    public final String id;
    public final SoftwareDeviceKey key;
    public final Path bufferFile;
    public RecordBuffer buffer;
    public Sequencer sequencer;
    private final Clock clock;
    private ExecutorService executor;
    private long counter;

    public TestDevice(Path dir, String id, Clock clock) throws Exception {
        this.id = id;
        this.clock = clock;
        this.key = io.certigate.testbed.device.TestDevice.create(dir, id, CoseAlgorithm.EDDSA).key();
        this.bufferFile = dir.resolve(id + ".db");
        open();
    }

    /** Opens (or reopens after {@link #crash()}) the buffer and a sequencer on it. */
    public void open() throws Exception {
        buffer = RecordBuffer.open(bufferFile, RecordBuffer.Options.defaults(id));
        executor = Executors.newSingleThreadExecutor();
        sequencer = new Sequencer(key, buffer, clock, new SecureRandom(), executor, Sequencer.Options.DEFAULT).start();
    }

    /** Commits {@code n} odometer readings and waits for all of them. */
    public List<ReadingSink.Committed> produce(int n) throws Exception {
        List<CompletableFuture<ReadingSink.Committed>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long v = ++counter;
            fs.add(sequencer.submit(new Reading(clock.millis(), TimeQuality.NTP, "obd", "vehicle.odometer",
                    "VF1TESTVIN0000001", new ReadingValue.Int(100_000 + v), "km")));
        }
        List<ReadingSink.Committed> out = new ArrayList<>();
        for (CompletableFuture<ReadingSink.Committed> f : fs) {
            out.add(f.get());
        }
        return out;
    }

    /** Drops the sequencer and the buffer as a process exit would (the file stays). */
    public void crash() throws BufferException {
        try {
            sequencer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        buffer.close();
    }

    @Override
    public void close() throws BufferException {
        crash();
    }
}
