package io.certigate.cbor;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict decoder: it accepts only well-formed CBOR in the core deterministic encoding of
 * RFC 8949 §4.2.1 (shortest arguments, definite lengths, map keys unique and sorted bytewise,
 * shortest floats) with valid UTF-8 text, and refuses trailing bytes. Lengths are checked against
 * the input before anything is allocated, and nesting is bounded.
 */
public final class CborReader {
    private static final int MAX_DEPTH = 32;
    private final byte[] in;
    private int pos;

    private CborReader(byte[] in, int offset) {
        this.in = in;
        this.pos = offset;
    }

    /** Decodes exactly one deterministic item that spans all of {@code data}. */
    public static CborItem decode(byte[] data) throws CborFormatException {
        CborReader r = new CborReader(data, 0);
        CborItem item = r.item(0);
        if (r.pos != data.length) {
            throw new CborFormatException((data.length - r.pos) + " trailing byte(s) after the item", r.pos);
        }
        return item;
    }

    private CborItem item(int depth) throws CborFormatException {
        if (depth > MAX_DEPTH) {
            throw new CborFormatException("nesting deeper than " + MAX_DEPTH, pos);
        }
        int start = pos;
        int ib = u8();
        int major = ib >>> 5;
        int ai = ib & 0x1f;
        if (major == 7) {
            return simpleOrFloat(ai, start);
        }
        if (ai == 31) {
            throw new CborFormatException("indefinite length is not deterministic", start);
        }
        long arg = argument(ai, start);
        switch (major) {
            case 0:
                return new CborItem.Int(unsigned(arg));
            case 1:
                return new CborItem.Int(unsigned(arg).add(BigInteger.ONE).negate());
            case 2:
                return new CborItem.Bytes(take(arg, start));
            case 3:
                return new CborItem.Text(utf8(take(arg, start), start));
            case 4: {
                int n = count(arg, start);
                List<CborItem> items = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    items.add(item(depth + 1));
                }
                return new CborItem.Array(items);
            }
            case 5: {
                int n = count(arg, start);
                Map<CborItem, CborItem> entries = new LinkedHashMap<>();
                int prevKeyStart = -1;
                int prevKeyEnd = -1;
                for (int i = 0; i < n; i++) {
                    int keyStart = pos;
                    CborItem key = item(depth + 1);
                    int keyEnd = pos;
                    if (prevKeyStart >= 0 && Arrays.compareUnsigned(in, prevKeyStart, prevKeyEnd, in, keyStart, keyEnd) >= 0) {
                        throw new CborFormatException("map keys not in deterministic order, or duplicated", keyStart);
                    }
                    prevKeyStart = keyStart;
                    prevKeyEnd = keyEnd;
                    entries.put(key, item(depth + 1));
                }
                return new CborItem.MapItem(entries);
            }
            default: // 6
                if (arg < 0) {
                    throw new CborFormatException("tag number too large", start);
                }
                return new CborItem.Tagged(arg, item(depth + 1));
        }
    }

    private CborItem simpleOrFloat(int ai, int start) throws CborFormatException {
        switch (ai) {
            case 24: {
                int v = u8();
                if (v < 32) {
                    throw new CborFormatException("simple value " + v + " in two bytes", start);
                }
                return new CborItem.Simple(v);
            }
            case 25: {
                int half = u8() << 8 | u8();
                double d = FloatBits.halfToDouble(half);
                if (Double.isNaN(d) && half != 0x7e00) {
                    throw new CborFormatException("NaN not in its canonical form f97e00", start);
                }
                return new CborItem.Float(d);
            }
            case 26: {
                float f = java.lang.Float.intBitsToFloat(u32());
                return new CborItem.Float(shortestOrFail(f, 5, start));
            }
            case 27: {
                double d = Double.longBitsToDouble((long) u32() << 32 | (u32() & 0xffffffffL));
                return new CborItem.Float(shortestOrFail(d, 9, start));
            }
            case 28: case 29: case 30: case 31:
                throw new CborFormatException("reserved or indefinite-length item in major type 7", start);
            default:
                return new CborItem.Simple(ai);
        }
    }

    private double shortestOrFail(double d, int encodedLength, int start) throws CborFormatException {
        if (new CborWriter(16).floating(d).size() != encodedLength) {
            throw new CborFormatException("float " + d + " not in its shortest form", start);
        }
        return d;
    }

    private long argument(int ai, int start) throws CborFormatException {
        long v;
        switch (ai) {
            case 24:
                v = u8();
                if (v < 24) {
                    throw new CborFormatException("argument " + v + " not in its shortest form", start);
                }
                return v;
            case 25:
                v = u8() << 8 | u8();
                if (v < 0x100) {
                    throw new CborFormatException("argument " + v + " not in its shortest form", start);
                }
                return v;
            case 26:
                v = u32() & 0xffffffffL;
                if (v < 0x10000) {
                    throw new CborFormatException("argument " + v + " not in its shortest form", start);
                }
                return v;
            case 27:
                v = (long) u32() << 32 | (u32() & 0xffffffffL);
                if (v >= 0 && v < 0x100000000L) {
                    throw new CborFormatException("argument " + v + " not in its shortest form", start);
                }
                return v;
            default:
                if (ai > 27) {
                    throw new CborFormatException("reserved additional information " + ai, start);
                }
                return ai;
        }
    }

    private static BigInteger unsigned(long v) {
        return v >= 0 ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v));
    }

    private int count(long arg, int start) throws CborFormatException {
        // every element takes at least one byte: a count beyond the remaining input is malformed
        if (arg < 0 || arg > in.length - pos) {
            throw new CborFormatException("length " + Long.toUnsignedString(arg) + " exceeds the input", start);
        }
        return (int) arg;
    }

    private byte[] take(long n, int start) throws CborFormatException {
        int k = count(n, start);
        byte[] out = Arrays.copyOfRange(in, pos, pos + k);
        pos += k;
        return out;
    }

    private static String utf8(byte[] b, int start) throws CborFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new CborFormatException("text string is not valid UTF-8", start);
        }
    }

    private int u8() throws CborFormatException {
        if (pos >= in.length) {
            throw new CborFormatException("truncated item", pos);
        }
        return in[pos++] & 0xff;
    }

    private int u32() throws CborFormatException {
        return u8() << 24 | u8() << 16 | u8() << 8 | u8();
    }
}
