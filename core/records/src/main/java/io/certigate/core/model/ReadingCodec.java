package io.certigate.core.model;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Encodes a {@link ChainedReading} as the deterministic CBOR map of the Reading format (RFC 8949
 * §4.2.1: text keys sorted bytewise by their encoding, shortest forms) and decodes it strictly.
 * Key order on the wire: t, tq, dev, pos, seq, src, sub, val, kind, prev, salt, unit, flags; inside
 * {@code pos}: age, lat, lon, hdop.
 */
public final class ReadingCodec {
    private static final Set<String> KNOWN = Set.of("t", "tq", "dev", "pos", "seq", "src", "sub", "val", "kind", "prev",
            "salt", "unit", "flags");
    private static final int DECIMAL_FRACTION_TAG = 4;
    private static final byte[] K_T = key("t");
    private static final byte[] K_TQ = key("tq");
    private static final byte[] K_DEV = key("dev");
    private static final byte[] K_POS = key("pos");
    private static final byte[] K_SEQ = key("seq");
    private static final byte[] K_SRC = key("src");
    private static final byte[] K_SUB = key("sub");
    private static final byte[] K_VAL = key("val");
    private static final byte[] K_KIND = key("kind");
    private static final byte[] K_PREV = key("prev");
    private static final byte[] K_SALT = key("salt");
    private static final byte[] K_UNIT = key("unit");
    private static final byte[] K_FLAGS = key("flags");
    private static final Set<String> POS_KEYS = Set.of("age", "lat", "lon", "hdop");
    private static final byte[] K_AGE = key("age");
    private static final byte[] K_LAT = key("lat");
    private static final byte[] K_LON = key("lon");
    private static final byte[] K_HDOP = key("hdop");

    private static byte[] key(String k) {
        return new CborWriter(8).text(k).toByteArray();
    }

    private ReadingCodec() {}

    public static byte[] encode(ChainedReading c) {
        return encode(c, new CborWriter(256));
    }

    /** Encodes into {@code w} (reset first) and returns the bytes; lets a hot loop reuse one writer. */
    public static byte[] encode(ChainedReading c, CborWriter w) {
        Reading r = c.reading();
        boolean hasUnit = r.unit() != null;
        boolean hasFlags = !r.flags().isEmpty();
        Position p = r.position();
        w.reset().mapHeader(10 + (hasUnit ? 1 : 0) + (hasFlags ? 1 : 0) + (p != null ? 1 : 0));
        w.raw(K_T).integer(r.observedAtMillis());
        w.raw(K_TQ).text(r.timeQuality().code());
        w.raw(K_DEV).text(c.device());
        if (p != null) {
            w.raw(K_POS).mapHeader(4);
            w.raw(K_AGE).integer(p.ageMillis());
            w.raw(K_LAT);
            decimal(w, p.latitude());
            w.raw(K_LON);
            decimal(w, p.longitude());
            w.raw(K_HDOP);
            decimal(w, p.hdop());
        }
        w.raw(K_SEQ).integer(c.seq());
        w.raw(K_SRC).text(r.source());
        w.raw(K_SUB).text(r.subject());
        w.raw(K_VAL);
        value(w, r.value());
        w.raw(K_KIND).text(r.kind());
        w.raw(K_PREV).bytes(c.prevUnsafe());
        w.raw(K_SALT).bytes(c.saltUnsafe());
        if (hasUnit) {
            w.raw(K_UNIT).text(r.unit());
        }
        if (hasFlags) {
            w.raw(K_FLAGS).arrayHeader(r.flags().size());
            r.flags().forEach(w::text);
        }
        return w.toByteArray();
    }

    private static void value(CborWriter w, ReadingValue v) {
        if (v instanceof ReadingValue.Int i) {
            w.integer(i.value());
        } else if (v instanceof ReadingValue.Decimal d) {
            decimal(w, d.value());
        } else if (v instanceof ReadingValue.Float f) {
            w.floating(f.value());
        } else if (v instanceof ReadingValue.Text t) {
            w.text(t.value());
        } else if (v instanceof ReadingValue.Bytes b) {
            w.bytes(b.value());
        }
    }

    private static void decimal(CborWriter w, BigDecimal b) {
        w.tag(DECIMAL_FRACTION_TAG).arrayHeader(2).integer(-b.scale()).integer(b.unscaledValue().longValueExact());
    }

    /** Decodes a record payload, refusing non-deterministic CBOR, unknown or missing keys and bad types. */
    public static ChainedReading decode(byte[] payload) throws RecordFormatException {
        CborItem item;
        try {
            item = CborReader.decode(payload);
        } catch (CborFormatException e) {
            throw new RecordFormatException("reading is not deterministic CBOR: " + e.getMessage(), e);
        }
        if (!(item instanceof CborItem.MapItem m)) {
            throw new RecordFormatException("reading is not a CBOR map");
        }
        for (CborItem k : m.entries().keySet()) {
            if (!(k instanceof CborItem.Text t) || !KNOWN.contains(t.value())) {
                throw new RecordFormatException("reading has an unknown key " + k);
            }
        }
        try {
            List<String> flags = new ArrayList<>();
            CborItem f = m.get("flags");
            if (f != null) {
                if (!(f instanceof CborItem.Array a)) {
                    throw new RecordFormatException("reading flags is not an array");
                }
                for (CborItem x : a.items()) {
                    if (!(x instanceof CborItem.Text t)) {
                        throw new RecordFormatException("reading flag is not text");
                    }
                    flags.add(t.value());
                }
            }
            CborItem unit = m.get("unit");
            if (unit != null && !(unit instanceof CborItem.Text)) {
                throw new RecordFormatException("reading unit is not text");
            }
            Reading r = new Reading(integer(m, "t"), TimeQuality.fromCode(text(m, "tq")), text(m, "src"),
                    text(m, "kind"), text(m, "sub"), value(m.get("val")),
                    unit == null ? null : ((CborItem.Text) unit).value(), flags, position(m.get("pos")));
            return new ChainedReading(text(m, "dev"), integer(m, "seq"), bytes(m, "prev"), bytes(m, "salt"), r);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new RecordFormatException("reading is not valid: " + e.getMessage(), e);
        }
    }

    private static Position position(CborItem p) throws RecordFormatException {
        if (p == null) {
            return null;
        }
        if (!(p instanceof CborItem.MapItem m) || m.entries().size() != POS_KEYS.size()) {
            throw new RecordFormatException("reading pos is not a map of age, lat, lon and hdop");
        }
        for (CborItem k : m.entries().keySet()) {
            if (!(k instanceof CborItem.Text t) || !POS_KEYS.contains(t.value())) {
                throw new RecordFormatException("reading pos has an unknown key " + k);
            }
        }
        if (!(m.get("age") instanceof CborItem.Int age)) {
            throw new RecordFormatException("reading pos age is not an integer");
        }
        return new Position(decimal(m.get("lat"), "pos lat"), decimal(m.get("lon"), "pos lon"),
                decimal(m.get("hdop"), "pos hdop"), age.value().longValueExact());
    }

    private static BigDecimal decimal(CborItem v, String what) throws RecordFormatException {
        if (v instanceof CborItem.Tagged t && t.tag() == DECIMAL_FRACTION_TAG
                && t.content() instanceof CborItem.Array a && a.items().size() == 2
                && a.items().get(0) instanceof CborItem.Int e && a.items().get(1) instanceof CborItem.Int mant) {
            return new BigDecimal(mant.value(), -e.value().intValueExact());
        }
        throw new RecordFormatException("reading " + what + " is not a decimal fraction");
    }

    private static ReadingValue value(CborItem v) throws RecordFormatException {
        if (v instanceof CborItem.Int i) {
            return new ReadingValue.Int(i.value().longValueExact());
        }
        if (v instanceof CborItem.Float f) {
            return new ReadingValue.Float(f.value());
        }
        if (v instanceof CborItem.Text t) {
            return new ReadingValue.Text(t.value());
        }
        if (v instanceof CborItem.Bytes b) {
            return new ReadingValue.Bytes(b.value());
        }
        if (v instanceof CborItem.Tagged) {
            return new ReadingValue.Decimal(decimal(v, "val"));
        }
        throw new RecordFormatException("reading val is missing or not a number, decimal fraction, text or bytes");
    }

    private static long integer(CborItem.MapItem m, String key) throws RecordFormatException {
        if (!(m.get(key) instanceof CborItem.Int i)) {
            throw new RecordFormatException("reading " + key + " is missing or not an integer");
        }
        return i.value().longValueExact();
    }

    private static String text(CborItem.MapItem m, String key) throws RecordFormatException {
        if (!(m.get(key) instanceof CborItem.Text t)) {
            throw new RecordFormatException("reading " + key + " is missing or not text");
        }
        return t.value();
    }

    private static byte[] bytes(CborItem.MapItem m, String key) throws RecordFormatException {
        if (!(m.get(key) instanceof CborItem.Bytes b)) {
            throw new RecordFormatException("reading " + key + " is missing or not a byte string");
        }
        return b.value();
    }

}
