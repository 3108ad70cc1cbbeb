package io.certigate.core.testing;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.SoftwareDeviceKey;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real signing spine in a temp directory for tests of the modules built on the core: a software
 * device key, a buffer file and a running sequencer. Close it to stop the sequencer and the buffer.
 */
public final class TestSpine implements AutoCloseable {
    public static final String DEVICE = "gw-test-0001";
    public static final char[] PASS = io.certigate.testbed.device.TestDevice.passphrase();

    public final SoftwareDeviceKey key;
    public final RecordBuffer buffer;
    public final Sequencer sequencer;
    private final ExecutorService executor;

    private TestSpine(SoftwareDeviceKey key, RecordBuffer buffer, Sequencer sequencer, ExecutorService executor) {
        this.key = key;
        this.buffer = buffer;
        this.sequencer = sequencer;
        this.executor = executor;
    }

    /** Creates (or reopens) the key and buffer under {@code dir} and starts a sequencer. */
    public static TestSpine start(Path dir) throws Exception {
        return start(dir, RecordBuffer.Options.defaults(DEVICE), Sequencer.Options.DEFAULT);
    }

    public static TestSpine start(Path dir, RecordBuffer.Options options, Sequencer.Options seqOptions) throws Exception {
        Path ks = dir.resolve("device.p12");
        SoftwareDeviceKey key = io.certigate.testbed.device.TestDevice.openOrCreate(ks, options.deviceId(),
                CoseAlgorithm.EDDSA).key();
        RecordBuffer buffer = RecordBuffer.open(dir.resolve("buffer.db"), options);
        io.certigate.core.spine.DeviceIdentity.remember(buffer, key);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        Sequencer s = new Sequencer(key, buffer, Clock.systemUTC(), new SecureRandom(), ex, seqOptions).start();
        return new TestSpine(key, buffer, s, ex);
    }

    /** An odometer reading of a test vehicle. */
    public static Reading odometer(long i) {
        return new Reading(1_700_000_000_000L + i * 1000, TimeQuality.GNSS, "obd", "vehicle.odometer",
                "VF1RFB00X57177144", ReadingValue.of(new BigDecimal(120000 + i).movePointLeft(1)), "km");
    }

    @Override
    public void close() throws Exception {
        sequencer.close();
        executor.shutdownNow();
        buffer.close();
    }
}
