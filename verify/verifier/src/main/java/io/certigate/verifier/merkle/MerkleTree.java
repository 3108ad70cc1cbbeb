package io.certigate.verifier.merkle;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 §2.1.1 (the same as RFC 6962 §2.1) over a batch of leaf hashes:
 * an interior node is SHA-256(0x01 ‖ left ‖ right), the tree over n leaves splits at the largest
 * power of two below n, and no node is ever duplicated.
 *
 * <p>The tree is built level by level, carrying an unpaired last node up unchanged; this gives
 * exactly the RFC's recursive split. Each level is one flat array of 32-byte hashes, so a tree of
 * a million leaves costs 64 MB and no per-node objects. Immutable once built.
 */
public final class MerkleTree {
    public static final int HASH_LEN = 32;

    private final int size;
    private final byte[][] levels;

    private MerkleTree(int size, byte[][] levels) {
        this.size = size;
        this.levels = levels;
    }

    /** Builds the tree over {@code leafHashes} (each 32 bytes, already leaf-hashed). */
    public static MerkleTree build(List<byte[]> leafHashes) {
        byte[] flat = new byte[leafHashes.size() * HASH_LEN];
        for (int i = 0; i < leafHashes.size(); i++) {
            byte[] h = leafHashes.get(i);
            if (h.length != HASH_LEN) {
                throw new IllegalArgumentException("leaf hash " + i + " has " + h.length + " bytes, not 32");
            }
            System.arraycopy(h, 0, flat, i * HASH_LEN, HASH_LEN);
        }
        return buildFlat(flat);
    }

    /**
     * Builds the tree over leaf hashes laid end to end in {@code flat} (length a non-zero multiple of
     * 32). The array becomes the tree's bottom level and must not be changed afterwards.
     */
    public static MerkleTree buildFlat(byte[] flat) {
        if (flat.length == 0 || flat.length % HASH_LEN != 0) {
            throw new IllegalArgumentException("leaf hashes must be a non-empty multiple of 32 bytes, got " + flat.length);
        }
        int n = flat.length / HASH_LEN;
        List<byte[]> levels = new ArrayList<>();
        levels.add(flat);
        MessageDigest d = MerkleHash.sha256();
        byte[] level = flat;
        int width = n;
        while (width > 1) {
            int pairs = width / 2;
            int next = pairs + (width & 1);
            byte[] up = new byte[next * HASH_LEN];
            for (int i = 0; i < pairs; i++) {
                MerkleHash.node(d, level, 2 * i * HASH_LEN, level, (2 * i + 1) * HASH_LEN, up, i * HASH_LEN);
            }
            if ((width & 1) == 1) {
                System.arraycopy(level, (width - 1) * HASH_LEN, up, pairs * HASH_LEN, HASH_LEN);
            }
            levels.add(up);
            level = up;
            width = next;
        }
        return new MerkleTree(n, levels.toArray(new byte[0][]));
    }

    /** Number of leaves. */
    public int size() {
        return size;
    }

    /** The Merkle tree hash MTH(D[0:n]). */
    public byte[] root() {
        return Arrays.copyOf(levels[levels.length - 1], HASH_LEN);
    }

    public byte[] leafHash(int index) {
        checkIndex(index);
        return Arrays.copyOfRange(levels[0], index * HASH_LEN, (index + 1) * HASH_LEN);
    }

    /** The RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf {@code index}, leaf to root. */
    public InclusionProof inclusionProof(int index) {
        checkIndex(index);
        List<byte[]> path = new ArrayList<>();
        int i = index;
        int width = size;
        for (int l = 0; l < levels.length - 1; l++) {
            int sibling = i ^ 1;
            if (sibling < width) {
                path.add(Arrays.copyOfRange(levels[l], sibling * HASH_LEN, (sibling + 1) * HASH_LEN));
            }
            i >>= 1;
            width = (width + 1) / 2;
        }
        return new InclusionProof(index, size, path);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("leaf " + index + " outside a tree of " + size);
        }
    }

    /** RFC 9162 §2.1.1: the hash of an empty tree, SHA-256 of the empty string. */
    public static byte[] emptyRoot() {
        return MerkleHash.sha256().digest();
    }

    static void digestInto(MessageDigest d, byte[] out, int off) {
        try {
            d.digest(out, off, HASH_LEN);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
        }
    }
}
