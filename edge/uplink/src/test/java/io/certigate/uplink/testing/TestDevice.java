package io.certigate.uplink.testing;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.SigningException;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real device for tests: the testbed's shared test device (a PKCS#12 key), an SQLite record buffer and a sequencer that signs and
 * chains readings, all in a temporary directory. {@link #restart()} closes and reopens buffer and
 * sequencer from the same files, as a gateway restart does.
 */
public final class TestDevice implements AutoCloseable {
    /** The key store's passphrase: the shared test device's. */
    public static final char[] PASSPHRASE = io.certigate.testbed.device.TestDevice.passphrase();

    private final String id;
    private final Path dir;
    private final SoftwareDeviceKey key;
    private RecordBuffer buffer;
    private Sequencer sequencer;
    private ExecutorService executor;
    private long produced;

    private TestDevice(String id, Path dir, SoftwareDeviceKey key) {
        this.id = id;
        this.dir = dir;
        this.key = key;
    }

    public static TestDevice create(Path dir, String id) throws SigningException, BufferException {
        return create(dir, id, CoseAlgorithm.EDDSA);
    }

    public static TestDevice create(Path dir, String id, CoseAlgorithm alg) throws SigningException, BufferException {
        SoftwareDeviceKey key;
        try {
            key = io.certigate.testbed.device.TestDevice.create(dir, id, alg).key();
        } catch (java.io.IOException e) {
            throw new SigningException("test device " + id + ": " + e.getMessage(), e);
        }
        TestDevice d = new TestDevice(id, dir, key);
        d.open();
        return d;
    }

    /** Opens an existing device's buffer again (after its files were replaced). */
    public static TestDevice reopen(Path dir, String id, SoftwareDeviceKey key) throws BufferException {
        TestDevice d = new TestDevice(id, dir, key);
        d.open();
        return d;
    }

    private void open() throws BufferException {
        buffer = RecordBuffer.open(bufferFile(), RecordBuffer.Options.defaults(id));
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer-" + id));
        sequencer = new Sequencer(key, buffer, Clock.systemUTC(), new SecureRandom(), executor,
                Sequencer.Options.DEFAULT).start();
    }

    public Path bufferFile() {
        return dir.resolve(id + ".db");
    }

    public Path keyStore() {
        return dir.resolve(id + ".p12");
    }

    public String id() {
        return id;
    }

    public SoftwareDeviceKey key() {
        return key;
    }

    public RecordBuffer buffer() {
        return buffer;
    }

    public Sequencer sequencer() {
        return sequencer;
    }

    /** Submits {@code n} odometer readings and waits until all are committed. */
    public void produce(int n) throws Exception {
        List<CompletableFuture<ReadingSink.Committed>> done = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            produced++;
            done.add(sequencer.submit(new Reading(1_700_000_000_000L + produced, TimeQuality.NTP, "obd",
                    "vehicle.odometer", "VF1TESTVIN0000001", ReadingValue.of(10_000 + produced), "km")));
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get();
    }

    public long undelivered() throws BufferException {
        return buffer.stats().undelivered();
    }

    /** Closes sequencer and buffer (as a stopping gateway does) and opens them again. */
    public void restart() throws Exception {
        shutdown();
        open();
    }

    private void shutdown() throws Exception {
        sequencer.close();
        executor.shutdownNow();
        buffer.close();
    }

    @Override
    public void close() throws Exception {
        shutdown();
    }
}
