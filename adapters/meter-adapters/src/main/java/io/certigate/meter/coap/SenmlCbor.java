package io.certigate.meter.coap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict reader of the CBOR form of a SenML pack (RFC 8428 §6): exactly one array of maps whose
 * values are numbers, text, byte strings or booleans. Refused: anything not well-formed (RFC 8949
 * appendix F), indefinite lengths, tags, other simple values, duplicate map keys, invalid UTF-8,
 * nesting beyond the pack's shape, and trailing bytes. Key order and integer/float widths are not
 * required to be canonical: RFC 8428's own CBOR example puts {@code bn} (-2) before {@code n} (0),
 * which the project's deterministic {@code CborReader} would rightly refuse for signed records.
 */
final class SenmlCbor {
    private final byte[] in;
    private int pos;

    private SenmlCbor(byte[] in) {
        this.in = in;
    }

    /** The pack's records, each a map from label (Long) or name (String) to Double, String, byte[] or Boolean. */
    static List<Map<Object, Object>> read(byte[] payload) throws SenmlException {
        SenmlCbor r = new SenmlCbor(payload);
        int ib = r.u8();
        if (ib >>> 5 != 4) {
            throw r.fail("a SenML pack is a CBOR array");
        }
        long n = r.count(ib & 0x1f);
        if (n > SenmlDecoder.MAX_RECORDS) {
            throw r.fail("more than " + SenmlDecoder.MAX_RECORDS + " records");
        }
        List<Map<Object, Object>> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(r.record());
        }
        if (r.pos != payload.length) {
            throw r.fail((payload.length - r.pos) + " trailing bytes");
        }
        return out;
    }

    private Map<Object, Object> record() throws SenmlException {
        int ib = u8();
        if (ib >>> 5 != 5) {
            throw fail("each SenML record is a CBOR map");
        }
        long n = count(ib & 0x1f);
        Map<Object, Object> rec = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            Object key = scalar();
            if (!(key instanceof Long) && !(key instanceof String)) {
                throw fail("map key is neither an integer label nor text");
            }
            if (rec.put(key, scalar()) != null) {
                throw fail("duplicate map key " + key);
            }
        }
        return rec;
    }

    /** An integer (Long; floats stay Double), text, bytes or boolean. */
    private Object scalar() throws SenmlException {
        int start = pos;
        int ib = u8();
        int major = ib >>> 5;
        int ai = ib & 0x1f;
        switch (major) {
            case 0:
            case 1: {
                long v = argument(ai);
                if (v < 0) {
                    throw fail("integer beyond 63 bits");
                }
                return major == 0 ? v : -1 - v;
            }
            case 2:
                return take(count(ai));
            case 3:
                return utf8(take(count(ai)), start);
            case 7:
                return simpleOrFloat(ai);
            default:
                throw fail(major == 6 ? "tags are not used in SenML" : "nested arrays or maps are not SenML values");
        }
    }

    private Object simpleOrFloat(int ai) throws SenmlException {
        switch (ai) {
            case 20:
                return Boolean.FALSE;
            case 21:
                return Boolean.TRUE;
            case 25:
                return halfToDouble(u8() << 8 | u8());
            case 26:
                return (double) Float.intBitsToFloat(u32());
            case 27:
                return Double.longBitsToDouble((long) u32() << 32 | (u32() & 0xffffffffL));
            default:
                throw fail("simple value " + ai + " is not a SenML value");
        }
    }

    private static double halfToDouble(int h) {
        int exp = h >>> 10 & 0x1f;
        int mant = h & 0x3ff;
        double v = exp == 0 ? Math.scalb((double) mant, -24) : exp == 31 ? (mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                : Math.scalb((double) (mant | 0x400), exp - 25);
        return (h & 0x8000) != 0 ? -v : v;
    }

    private long count(int ai) throws SenmlException {
        if (ai == 31) {
            throw fail("indefinite length");
        }
        long n = argument(ai);
        if (n < 0 || n > in.length - pos) {
            throw fail("length exceeds the payload");
        }
        return n;
    }

    private long argument(int ai) throws SenmlException {
        switch (ai) {
            case 24:
                return u8();
            case 25:
                return u8() << 8 | u8();
            case 26:
                return u32() & 0xffffffffL;
            case 27:
                return (long) u32() << 32 | (u32() & 0xffffffffL);
            default:
                if (ai > 27) {
                    throw fail("reserved or indefinite additional information " + ai);
                }
                return ai;
        }
    }

    private byte[] take(long n) {
        byte[] b = java.util.Arrays.copyOfRange(in, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    private String utf8(byte[] b, int start) throws SenmlException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            pos = start;
            throw fail("text is not valid UTF-8");
        }
    }

    private int u8() throws SenmlException {
        if (pos >= in.length) {
            throw fail("truncated");
        }
        return in[pos++] & 0xff;
    }

    private int u32() throws SenmlException {
        return u8() << 24 | u8() << 16 | u8() << 8 | u8();
    }

    private SenmlException fail(String what) {
        return new SenmlException(SenmlException.Problem.MALFORMED, "invalid SenML CBOR at byte " + pos + ": " + what);
    }
}
