package io.certigate.fleet.topics;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * One (device, seq) the verification accepted, as {@link FleetTopics#VERIFIED} carries it and the
 * store writes it: either a signed record (its COSE bytes, signature checked with a trusted key of
 * the device, and the fields of its Reading the store indexes), or a provable erasure of one (no COSE
 * bytes, only the hashes the chain and the Merkle trees need, and no reading fields).
 *
 * <p>Encoding: a deterministic CBOR map with text keys {@code dev seq leaf hash linked vt}, plus
 * {@code t kind sub cose} for a signed record ({@code sub} omitted when the reading has no subject).
 *
 * @param device         the device id
 * @param seq            the record's seq
 * @param observedAtMs   the reading's time {@code t}, epoch ms; -1 for an erasure
 * @param kind           the reading's kind; null for an erasure
 * @param subject        the reading's subject ({@code sub}); null when it has none, and for an erasure
 * @param leafHash       SHA-256(0x00 ‖ COSE bytes), 32 bytes
 * @param chainHash      SHA-256(COSE bytes), 32 bytes: what the next record's {@code prev} names
 * @param cose           the COSE_Sign1 bytes; null for an erasure
 * @param linked         true when the record's {@code prev} was checked against the chain hash of seq - 1
 *                       (false for seq 1 never, for a record accepted across a {@link FindingType#GAP})
 * @param verifiedAtMs   when the verification accepted it, epoch ms
 */
public record VerifiedRecord(String device, long seq, long observedAtMs, String kind, String subject,
        byte[] leafHash, byte[] chainHash, byte[] cose, boolean linked, long verifiedAtMs) {

    public VerifiedRecord {
        Objects.requireNonNull(device, "device");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1: " + seq);
        }
        if (leafHash == null || leafHash.length != 32 || chainHash == null || chainHash.length != 32) {
            throw new IllegalArgumentException("leaf and chain hashes are 32 bytes each");
        }
        if ((cose == null) != (kind == null)) {
            throw new IllegalArgumentException("a signed record has a kind and COSE bytes, an erasure neither");
        }
    }

    public boolean erased() {
        return cose == null;
    }

    public byte[] encode() {
        boolean signed = cose != null;
        int n = 7 + (signed ? 2 : 0) + (signed && subject != null ? 1 : 0);
        // deterministic order (RFC 8949 §4.2.1): shorter keys first, then bytewise
        CborWriter w = new CborWriter(96 + (signed ? cose.length : 0)).mapHeader(n);
        if (signed) {
            w.text("t").integer(observedAtMs);
        }
        w.text("vt").integer(verifiedAtMs);
        w.text("dev").text(device);
        w.text("seq").integer(seq);
        if (signed && subject != null) {
            w.text("sub").text(subject);
        }
        w.text("cose");
        if (signed) {
            w.bytes(cose);
        } else {
            w.nul();
        }
        w.text("hash").bytes(chainHash);
        if (signed) {
            w.text("kind").text(kind);
        }
        w.text("leaf").bytes(leafHash);
        w.text("linked").bool(linked);
        return w.toByteArray();
    }

    /** Decodes {@link #encode()}'s bytes; a clear {@link IllegalArgumentException} for anything else. */
    public static VerifiedRecord decode(byte[] bytes) {
        CborItem item;
        try {
            item = CborReader.decode(bytes);
        } catch (CborFormatException e) {
            throw new IllegalArgumentException("a verified record is not CBOR: " + e.getMessage(), e);
        }
        if (!(item instanceof CborItem.MapItem m)) {
            throw new IllegalArgumentException("a verified record is a CBOR map");
        }
        byte[] cose = m.get("cose") instanceof CborItem.Bytes b ? b.value() : null;
        return new VerifiedRecord(text(m, "dev", true), integer(m, "seq"),
                cose == null ? -1 : integer(m, "t"), cose == null ? null : text(m, "kind", true),
                cose == null ? null : text(m, "sub", false), bytes(m, "leaf"), bytes(m, "hash"), cose,
                CborItem.Simple.TRUE.equals(m.get("linked")), integer(m, "vt"));
    }

    private static String text(CborItem.MapItem m, String key, boolean required) {
        CborItem v = m.get(key);
        if (v instanceof CborItem.Text t) {
            return t.value();
        }
        if (required || v != null) {
            throw new IllegalArgumentException("a verified record lacks the text field \"" + key + "\"");
        }
        return null;
    }

    private static long integer(CborItem.MapItem m, String key) {
        if (m.get(key) instanceof CborItem.Int i) {
            return i.longValueExact();
        }
        throw new IllegalArgumentException("a verified record lacks the integer field \"" + key + "\"");
    }

    private static byte[] bytes(CborItem.MapItem m, String key) {
        if (m.get(key) instanceof CborItem.Bytes b) {
            return b.value();
        }
        throw new IllegalArgumentException("a verified record lacks the byte-string field \"" + key + "\"");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifiedRecord r && r.seq == seq && r.observedAtMs == observedAtMs && r.linked == linked
                && r.verifiedAtMs == verifiedAtMs && r.device.equals(device) && Objects.equals(r.kind, kind)
                && Objects.equals(r.subject, subject) && Arrays.equals(r.leafHash, leafHash)
                && Arrays.equals(r.chainHash, chainHash) && Arrays.equals(r.cose, cose);
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, seq, Arrays.hashCode(chainHash));
    }

    @Override
    public String toString() {
        return "VerifiedRecord[" + device + " #" + seq + (erased() ? " erased" : " " + kind) + "]";
    }
}
