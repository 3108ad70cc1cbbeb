package io.certigate.core.model;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A reading placed in its device's chain: the signed payload of a record.
 *
 * @param device  device id ({@code dev})
 * @param seq     sequence number, 1 for the first record ({@code seq})
 * @param prev    SHA-256 of the previous record's COSE bytes, 32 zero bytes for seq 1 ({@code prev})
 * @param salt    16 random bytes ({@code salt})
 * @param reading the plain reading
 */
public record ChainedReading(String device, long seq, byte[] prev, byte[] salt, Reading reading) {
    public static final int HASH_BYTES = 32;
    public static final int SALT_BYTES = 16;

    public ChainedReading {
        if (device == null || device.isEmpty() || device.length() > 128) {
            throw new IllegalArgumentException("device id must be 1..128 characters");
        }
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, got " + seq);
        }
        if (prev == null || prev.length != HASH_BYTES) {
            throw new IllegalArgumentException("prev must be " + HASH_BYTES + " bytes");
        }
        if (salt == null || salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("salt must be " + SALT_BYTES + " bytes");
        }
        prev = prev.clone();
        salt = salt.clone();
    }

    @Override
    public byte[] prev() {
        return prev.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    byte[] prevUnsafe() {
        return prev;
    }

    byte[] saltUnsafe() {
        return salt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainedReading c && device.equals(c.device) && seq == c.seq
                && Arrays.equals(prev, c.prev) && Arrays.equals(salt, c.salt) && reading.equals(c.reading);
    }

    @Override
    public int hashCode() {
        return device.hashCode() * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return "ChainedReading[dev=" + device + ", seq=" + seq + ", prev=" + HexFormat.of().formatHex(prev, 0, 4)
                + "…, " + reading + "]";
    }
}
