package io.certigate.meter.testing;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real signing chain in a temp directory: PKCS#12 key, SQLite buffer, sequencer. */
public final class TestChain implements AutoCloseable {
    public final SoftwareDeviceKey key;
    public final RecordBuffer buffer;
    public final Sequencer sequencer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    public TestChain(Path dir, String deviceId) throws Exception {
        this(dir, deviceId, null);
    }

    private TestChain(Path dir, String deviceId, Void unused) throws Exception {
        Path p12 = dir.resolve("device.p12");
        this.key = io.certigate.testbed.device.TestDevice.openOrCreate(p12, deviceId, CoseAlgorithm.EDDSA).key();
        this.buffer = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults(deviceId));
        this.sequencer = new Sequencer(key, buffer, Clock.systemUTC(), new SecureRandom(), executor, Sequencer.Options.DEFAULT)
                .start();
    }

    /** Every committed reading, after checking its signature. */
    public List<Reading> readings() throws Exception {
        List<Reading> out = new ArrayList<>();
        long head = buffer.head().seq();
        if (head == 0) {
            return out;
        }
        for (StoredRecord r : buffer.range(1, head)) {
            if (r instanceof StoredRecord.Signed s) {
                byte[] payload = CoseSign1.verify(s.cose(), key.publicKey(), key.keyId());
                ChainedReading c = ReadingCodec.decode(payload);
                out.add(c.reading());
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        sequencer.close();
        executor.shutdownNow();
        buffer.close();
    }
}
