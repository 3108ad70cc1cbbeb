package io.certigate.uplink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits an uplink payload (see {@link BatchCodec}) into the encoded bytes of its items without
 * re-encoding them, so that each record's chain hash is computed over exactly the bytes the
 * gateway signed and chained. Only the item boundaries are checked here (RFC 8949 §3 well-formed,
 * definite lengths, nesting at most 16 deep); what an item holds is the collector's business.
 * Pure; no I/O.
 */
public final class BatchDecoder {
    private static final int MAX_DEPTH = 16;

    private BatchDecoder() {}

    /** A payload that is not a well-formed definite-length CBOR array; carries the offset at fault. */
    public static final class BatchFormatException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int offset;

        BatchFormatException(String message, int offset) {
            super(message + " at byte " + offset);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    public static List<byte[]> items(byte[] payload) throws BatchFormatException {
        if (payload.length == 0) {
            throw new BatchFormatException("empty payload", 0);
        }
        int major = (payload[0] & 0xff) >>> 5;
        if (major != 4) {
            throw new BatchFormatException("payload is not a CBOR array (major type " + major + ")", 0);
        }
        long[] head = head(payload, 0);
        long n = head[0];
        int pos = (int) head[1];
        if (n < 0 || n > payload.length) { // n < 0: a 64-bit count of 2^63 or more
            throw new BatchFormatException("array claims " + Long.toUnsignedString(n) + " items in " + payload.length
                    + " bytes", 0);
        }
        List<byte[]> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            int end = skip(payload, pos, 0);
            out.add(Arrays.copyOfRange(payload, pos, end));
            pos = end;
        }
        if (pos != payload.length) {
            throw new BatchFormatException((payload.length - pos) + " trailing bytes after the array", pos);
        }
        return out;
    }

    /** Returns {argument, offset after the head}. */
    private static long[] head(byte[] b, int off) throws BatchFormatException {
        if (off >= b.length) {
            throw new BatchFormatException("truncated item", off);
        }
        int ai = b[off] & 0x1f;
        if (ai < 24) {
            return new long[] {ai, off + 1};
        }
        if (ai > 27) {
            throw new BatchFormatException(ai == 31 ? "indefinite length is not allowed" : "reserved additional info " + ai, off);
        }
        int len = 1 << (ai - 24);
        if (off + 1 + len > b.length) {
            throw new BatchFormatException("truncated item head", off);
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            v = (v << 8) | (b[off + 1 + i] & 0xff);
        }
        return new long[] {v, off + 1 + len};
    }

    private static int skip(byte[] b, int off, int depth) throws BatchFormatException {
        if (depth > MAX_DEPTH) {
            throw new BatchFormatException("items nested deeper than " + MAX_DEPTH, off);
        }
        if (off >= b.length) {
            throw new BatchFormatException("truncated item", off);
        }
        int major = (b[off] & 0xff) >>> 5;
        long[] h = head(b, off);
        long arg = h[0];
        int pos = (int) h[1];
        switch (major) {
            case 0: case 1: case 7:
                return pos;
            case 2: case 3:
                if (arg < 0 || arg > b.length - pos) {
                    throw new BatchFormatException("string of " + arg + " bytes runs past the payload", off);
                }
                return pos + (int) arg;
            case 4: case 5:
                // compared before doubling: a map of 2^62 pairs or more would overflow to a negative count
                if (arg < 0 || arg > (b.length - pos) / (major == 5 ? 2 : 1)) {
                    throw new BatchFormatException("container claims more items than bytes left", off);
                }
                long count = major == 5 ? arg * 2 : arg;
                for (long i = 0; i < count; i++) {
                    if (pos >= b.length) {
                        throw new BatchFormatException("truncated container", pos);
                    }
                    pos = skip(b, pos, depth + 1);
                }
                return pos;
            case 6:
                if (pos >= b.length) {
                    throw new BatchFormatException("tag without content", off);
                }
                return skip(b, pos, depth + 1);
            default:
                throw new BatchFormatException("unknown major type " + major, off);
        }
    }
}
