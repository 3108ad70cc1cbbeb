package io.certigate.verifier.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.DeviceKey;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Export files for the verifier's tests, written here because the gateway's writer (gateway-core's
 * {@code ExportWriter}) is on the other side of the dependency rule; the same JSON layout
 * (docs/architecture.md, Formats), written entry by entry so that a file larger than the heap can
 * be produced. The header fields can be put after {@code records} to test a reader that must not
 * rely on their order.
 */
public final class TestExports {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestExports() {}

    /**
     * A chain of {@code n} signed odometer readings of {@code device} from seq 1, made as it is read;
     * with {@code extraBytes} &gt; 0 each reading carries that many bytes (a bytes value) instead.
     */
    public static Iterator<StoredRecord.Signed> chain(DeviceKey key, String device, long n, int extraBytes) {
        byte[] protectedHeader = CoseSign1.protectedHeader(key);
        return new Iterator<>() {
            private long seq = 1;
            private byte[] prev = new byte[32];

            @Override
            public boolean hasNext() {
                return seq <= n;
            }

            @Override
            public StoredRecord.Signed next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Reading r = extraBytes > 0
                        ? new Reading(1_700_000_000_000L + seq * 1000, TimeQuality.GNSS, "obd", "vehicle.snapshot",
                                "VF1RFB00X57177144", new ReadingValue.Bytes(filler(seq, extraBytes)), null)
                        : odometer(seq);
                byte[] payload = ReadingCodec.encode(new ChainedReading(device, seq, prev, new byte[16], r));
                try {
                    StoredRecord.Signed s = new StoredRecord.Signed(seq, CoseSign1.sign(key, protectedHeader, payload));
                    prev = s.chainHash();
                    seq++;
                    return s;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    public static Reading odometer(long i) {
        return new Reading(1_700_000_000_000L + i * 1000, TimeQuality.GNSS, "obd", "vehicle.odometer",
                "VF1RFB00X57177144", ReadingValue.of(new BigDecimal(120000 + i).movePointLeft(1)), "km");
    }

    private static byte[] filler(long seq, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        return b;
    }

    /** Writes an export of {@code entries}; {@code headerLast} puts keys and certificateChain after the records. */
    public static void write(Path file, String device, List<PublicKey> keys, Iterator<ExportEntry> entries,
            boolean headerLast) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", ExportFile.FORMAT);
            g.writeStringField("device", device);
            if (!headerLast) {
                keys(g, keys);
            }
            g.writeArrayFieldStart("records");
            while (entries.hasNext()) {
                ExportEntry e = entries.next();
                g.writeStartObject();
                g.writeNumberField("seq", e.seq());
                if (e.record() instanceof StoredRecord.Signed s) {
                    g.writeStringField("cose", B64.encodeToString(s.coseUnsafe()));
                } else {
                    g.writeBooleanField(e.omitted() ? "omitted" : "erased", true);
                    g.writeStringField("chainHash", B64.encodeToString(e.record().chainHash()));
                    g.writeStringField("leafHash", B64.encodeToString(e.record().leafHash()));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (headerLast) {
                keys(g, keys);
            }
            g.writeEndObject();
        }
    }

    private static void keys(JsonGenerator g, List<PublicKey> keys) throws IOException {
        g.writeArrayFieldStart("keys");
        for (PublicKey k : keys) {
            g.writeStartObject();
            g.writeStringField("publicKey", B64.encodeToString(k.getEncoded()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("certificateChain");
        g.writeEndArray();
    }

    /** Signed records as export entries. */
    public static Iterator<ExportEntry> entries(Iterator<? extends StoredRecord> records) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public ExportEntry next() {
                return new ExportEntry(records.next(), false);
            }
        };
    }
}
