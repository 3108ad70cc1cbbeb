package io.certigate.verifier.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The two hash functions of RFC 9162 §2.1.1, with the domain separation prefixes 0x00 and 0x01. */
public final class MerkleHash {
    static final byte LEAF_PREFIX = 0x00;
    static final byte NODE_PREFIX = 0x01;

    private MerkleHash() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** SHA-256(0x00 ‖ entry): the hash of a leaf (for certigate, the entry is a record's COSE bytes). */
    public static byte[] leaf(byte[] entry) {
        MessageDigest d = sha256();
        d.update(LEAF_PREFIX);
        return d.digest(entry);
    }

    /** SHA-256(0x01 ‖ left ‖ right). */
    public static byte[] node(byte[] left, byte[] right) {
        byte[] out = new byte[MerkleTree.HASH_LEN];
        node(sha256(), left, 0, right, 0, out, 0);
        return out;
    }

    static void node(MessageDigest d, byte[] l, int lOff, byte[] r, int rOff, byte[] out, int outOff) {
        d.update(NODE_PREFIX);
        d.update(l, lOff, MerkleTree.HASH_LEN);
        d.update(r, rOff, MerkleTree.HASH_LEN);
        MerkleTree.digestInto(d, out, outOff);
    }
}
