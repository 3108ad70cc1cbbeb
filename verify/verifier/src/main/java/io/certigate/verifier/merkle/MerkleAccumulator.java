package io.certigate.verifier.merkle;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;

/**
 * The RFC 9162 §2.1.1 tree hash of leaves given one at a time, in memory logarithmic in their
 * number: it keeps the roots of the perfect subtrees the leaves so far form (one per bit of the
 * count, largest on the left), merging two of equal size as a binary counter carries. The tree
 * over n leaves splits at the largest power of two below n, so its root is those subtree roots
 * folded from the right: MTH = node(s1, node(s2, … node(sk−1, sk))). Gives the same root as
 * {@link MerkleTree#build} without holding the leaves.
 */
public final class MerkleAccumulator {
    private final MessageDigest digest = MerkleHash.sha256();
    /** Perfect subtree roots, the largest (leftmost) at the bottom; sizes are the set bits of {@link #size}. */
    private final Deque<byte[]> subtrees = new ArrayDeque<>();
    private long size;

    /** Adds the next leaf (a 32-byte leaf hash, SHA-256(0x00 ‖ entry)). */
    public void add(byte[] leafHash) {
        if (leafHash.length != MerkleTree.HASH_LEN) {
            throw new IllegalArgumentException("leaf hash has " + leafHash.length + " bytes, not 32");
        }
        byte[] h = leafHash.clone();
        for (long n = size; (n & 1) == 1; n >>>= 1) {
            byte[] left = subtrees.pop();
            byte[] up = new byte[MerkleTree.HASH_LEN];
            MerkleHash.node(digest, left, 0, h, 0, up, 0);
            h = up;
        }
        subtrees.push(h);
        size++;
    }

    /** Leaves added so far. */
    public long size() {
        return size;
    }

    /** MTH of the leaves added so far (the empty tree's hash when none). */
    public byte[] root() {
        if (size == 0) {
            return MerkleTree.emptyRoot();
        }
        Iterator<byte[]> it = subtrees.iterator(); // top first: the smallest, rightmost subtree
        byte[] h = it.next();
        while (it.hasNext()) {
            byte[] up = new byte[MerkleTree.HASH_LEN];
            MerkleHash.node(digest, it.next(), 0, h, 0, up, 0);
            h = up;
        }
        return Arrays.copyOf(h, h.length);
    }

    /** Forgets every leaf, to start the next tree. */
    public void reset() {
        subtrees.clear();
        size = 0;
    }
}
