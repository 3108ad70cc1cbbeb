package io.certigate.verifier.statement;

import java.util.Arrays;

/**
 * A device's batch statement for aggregated anchoring (ARCHITECTURE.md, "Batch statement"): the
 * device, the seq range of one of its batches, the size and RFC 9162 root of that batch's tree, and
 * the SHA-256 of the COSE bytes of the device's previous statement (32 zero bytes for its first),
 * so a device's anchored history is itself a hash chain. Signed by the device key as a COSE_Sign1
 * whose payload is {@link BatchStatementCodec#payload}.
 */
public record BatchStatement(String device, long firstSeq, long lastSeq, long treeSize, byte[] root, byte[] prev) {
    public static final int HASH_LEN = 32;

    public BatchStatement {
        if (device == null || device.isEmpty()) {
            throw new IllegalArgumentException("a statement names its device");
        }
        if (firstSeq < 1 || lastSeq < firstSeq) {
            throw new IllegalArgumentException("bad seq range " + firstSeq + ".." + lastSeq);
        }
        if (treeSize != lastSeq - firstSeq + 1) {
            throw new IllegalArgumentException("tree size " + treeSize + " is not the " + (lastSeq - firstSeq + 1)
                    + " records of seq " + firstSeq + ".." + lastSeq);
        }
        if (root == null || root.length != HASH_LEN || prev == null || prev.length != HASH_LEN) {
            throw new IllegalArgumentException("root and previous statement hash are 32 bytes each");
        }
        root = root.clone();
        prev = prev.clone();
    }

    /** The previous-statement hash of a device's first statement. */
    public static byte[] firstPrev() {
        return new byte[HASH_LEN];
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public byte[] prev() {
        return prev.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchStatement s && s.device.equals(device) && s.firstSeq == firstSeq
                && s.lastSeq == lastSeq && s.treeSize == treeSize && Arrays.equals(s.root, root)
                && Arrays.equals(s.prev, prev);
    }

    @Override
    public int hashCode() {
        return device.hashCode() * 31 + Long.hashCode(firstSeq);
    }

    @Override
    public String toString() {
        return "BatchStatement[" + device + " seq " + firstSeq + ".." + lastSeq + "]";
    }
}
