package io.certigate.app.bench;

import io.certigate.core.export.ExportWriter;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.DeviceKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongFunction;

/**
 * A large export generated as the gateway writes one (gateway-core's {@link ExportWriter}, entry by
 * entry): a device's chain of {@code records} readings signed with {@code key}, seq 1 onwards, each
 * record's prev the hash of the one before, so that it verifies. Memory does not grow with its size.
 * Used by {@code bench verify} and by the constant-memory tests of {@code verify} and {@code report}.
 */
public final class GeneratedExport {
    private GeneratedExport() {}

    /**
     * Writes the export.
     *
     * @param reading the reading of seq {@code n}
     */
    public static void write(Path export, DeviceKey key, String device, long records, LongFunction<Reading> reading)
            throws IOException {
        ExportWriter.write(export, device, List.of(key.publicKey()), List.of(), () -> chain(key, device, records, reading));
    }

    private static Iterator<ExportWriter.ExportEntry> chain(DeviceKey key, String device, long records,
            LongFunction<Reading> reading) {
        byte[] prot = CoseSign1.protectedHeader(key);
        SecureRandom random = new SecureRandom();
        return new Iterator<>() {
            private long seq = 1;
            private byte[] prev = new byte[32];

            @Override
            public boolean hasNext() {
                return seq <= records;
            }

            @Override
            public ExportWriter.ExportEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[] salt = new byte[16];
                random.nextBytes(salt);
                byte[] payload = ReadingCodec.encode(new ChainedReading(device, seq, prev, salt, reading.apply(seq)));
                try {
                    StoredRecord.Signed s = new StoredRecord.Signed(seq, CoseSign1.sign(key, prot, payload));
                    prev = s.chainHash();
                    seq++;
                    return new ExportWriter.ExportEntry(s, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }
}
