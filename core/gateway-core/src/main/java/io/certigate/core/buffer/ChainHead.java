package io.certigate.core.buffer;

import java.util.Arrays;

/** The last committed record of a device chain: its seq (0 before the first) and chain hash. */
public record ChainHead(long seq, byte[] hash) {
    public static final ChainHead GENESIS = new ChainHead(0, new byte[32]);

    public ChainHead {
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainHead h && seq == h.seq && Arrays.equals(hash, h.hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq);
    }
}
