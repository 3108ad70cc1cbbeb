package io.certigate.cbor;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes CBOR in the core deterministic encoding of RFC 8949 §4.2.1: preferred (shortest)
 * argument encodings, definite lengths only, floats in their shortest exact form. Map keys must be
 * written in canonical order by the caller, or through {@link #item(CborItem)} which sorts them.
 * Not thread-safe; reusable through {@link #reset()}.
 */
public final class CborWriter {
    private byte[] buf;
    private int len;

    public CborWriter() {
        this(256);
    }

    public CborWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public CborWriter reset() {
        len = 0;
        return this;
    }

    public int size() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** An unsigned or negative integer (major type 0 or 1). */
    public CborWriter integer(long v) {
        if (v >= 0) {
            head(0, v);
        } else {
            head(1, -1 - v);
        }
        return this;
    }

    /** An integer of any magnitude up to 64 bits, positive or negative. */
    public CborWriter integer(BigInteger v) {
        if (v.bitLength() <= 63) {
            return integer(v.longValue());
        }
        if (v.signum() >= 0) {
            headUnsigned(0, v);
        } else {
            headUnsigned(1, v.negate().subtract(BigInteger.ONE));
        }
        return this;
    }

    public CborWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public CborWriter bytes(byte[] b, int off, int n) {
        head(2, n);
        raw(b, off, n);
        return this;
    }

    public CborWriter text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(3, b.length);
        raw(b, 0, b.length);
        return this;
    }

    public CborWriter arrayHeader(int n) {
        head(4, n);
        return this;
    }

    public CborWriter mapHeader(int n) {
        head(5, n);
        return this;
    }

    public CborWriter tag(long tag) {
        head(6, tag);
        return this;
    }

    public CborWriter simple(int value) {
        if (value < 24) {
            put(0xe0 | value);
        } else {
            put(0xf8);
            put(value);
        }
        return this;
    }

    public CborWriter bool(boolean b) {
        return simple(b ? 21 : 20);
    }

    public CborWriter nul() {
        return simple(22);
    }

    /** A float in the shortest of half, single or double precision that keeps its value exactly. */
    public CborWriter floating(double d) {
        if (Double.isNaN(d)) {
            put(0xf9);
            put(0x7e);
            put(0x00);
            return this;
        }
        float f = (float) d;
        if (f == d || Double.isInfinite(d)) {
            int half = FloatBits.toHalfExact(f);
            if (half >= 0) {
                put(0xf9);
                put(half >>> 8);
                put(half);
                return this;
            }
            int bits = java.lang.Float.floatToIntBits(f);
            put(0xfa);
            put32(bits);
            return this;
        }
        long bits = Double.doubleToLongBits(d);
        put(0xfb);
        put32((int) (bits >>> 32));
        put32((int) bits);
        return this;
    }

    /** Pre-encoded CBOR, copied as is. */
    public CborWriter raw(byte[] b) {
        raw(b, 0, b.length);
        return this;
    }

    /** Any decoded item, re-encoded deterministically (map entries sorted by encoded key). */
    public CborWriter item(CborItem item) {
        if (item instanceof CborItem.Int i) {
            integer(i.value());
        } else if (item instanceof CborItem.Bytes b) {
            bytes(b.value());
        } else if (item instanceof CborItem.Text t) {
            text(t.value());
        } else if (item instanceof CborItem.Array a) {
            arrayHeader(a.items().size());
            a.items().forEach(this::item);
        } else if (item instanceof CborItem.MapItem m) {
            sortedMap(m);
        } else if (item instanceof CborItem.Tagged t) {
            tag(t.tag());
            item(t.content());
        } else if (item instanceof CborItem.Simple s) {
            simple(s.value());
        } else if (item instanceof CborItem.Float f) {
            floating(f.value());
        }
        return this;
    }

    private void sortedMap(CborItem.MapItem m) {
        byte[][] keys = new byte[m.entries().size()][];
        byte[][] values = new byte[keys.length][];
        int i = 0;
        for (Map.Entry<CborItem, CborItem> e : m.entries().entrySet()) {
            keys[i] = new CborWriter(32).item(e.getKey()).toByteArray();
            values[i++] = new CborWriter(64).item(e.getValue()).toByteArray();
        }
        Integer[] order = new Integer[keys.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> Arrays.compareUnsigned(keys[x], keys[y]));
        mapHeader(keys.length);
        for (int k : order) {
            raw(keys[k]);
            raw(values[k]);
        }
    }

    private void head(int major, long arg) {
        int mt = major << 5;
        if (arg < 0) {
            headUnsigned(major, new BigInteger(Long.toUnsignedString(arg)));
        } else if (arg < 24) {
            put(mt | (int) arg);
        } else if (arg < 0x100) {
            put(mt | 24);
            put((int) arg);
        } else if (arg < 0x10000) {
            put(mt | 25);
            put((int) (arg >>> 8));
            put((int) arg);
        } else if (arg < 0x100000000L) {
            put(mt | 26);
            put32((int) arg);
        } else {
            put(mt | 27);
            put32((int) (arg >>> 32));
            put32((int) arg);
        }
    }

    private void headUnsigned(int major, BigInteger arg) {
        if (arg.signum() < 0 || arg.bitLength() > 64) {
            throw new IllegalArgumentException("CBOR integer out of range: " + arg);
        }
        long bits = arg.longValue();
        if (arg.bitLength() <= 63) {
            head(major, bits);
            return;
        }
        put(major << 5 | 27);
        put32((int) (bits >>> 32));
        put32((int) bits);
    }

    private void put32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void put(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    private void raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
