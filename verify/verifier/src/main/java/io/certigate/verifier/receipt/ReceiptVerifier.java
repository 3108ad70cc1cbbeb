package io.certigate.verifier.receipt;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseException;
import io.certigate.signing.KeyIds;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies a receipt of inclusion (RFC 9942 §5.2.1) for one entry: the root is recomputed from the
 * entry's leaf hash (SHA-256(0x00 ‖ entry), RFC 9162 §2.1.1) and the receipt's inclusion proof
 * (RFC 9162 §2.1.3.2), and the signature is verified over the Sig_structure with that root as the
 * detached payload, with the anchoring party's key. One result for both, as RFC 9942 recommends,
 * so a valid signature never stands for an invalid proof. Whether the key is trusted, and whether
 * the root is on the ledger at {@link Receipt#ledger()}, is the caller's to check.
 */
public final class ReceiptVerifier {
    private ReceiptVerifier() {}

    /** The outcome: valid with the root the receipt proves, or refused with the reason. */
    public record Result(boolean valid, String reason, byte[] root) {
        static Result fail(String reason) {
            return new Result(false, reason, null);
        }
    }

    /** Parses and verifies {@code receipt} for {@code entry} (a record's COSE bytes) signed by {@code key}. */
    public static Result verify(byte[] receipt, byte[] entry, PublicKey key) {
        try {
            return verify(ReceiptCodec.parse(receipt), entry, key);
        } catch (ReceiptFormatException e) {
            return Result.fail(e.getMessage());
        }
    }

    public static Result verify(Receipt r, byte[] entry, PublicKey key) {
        CoseAlgorithm keyAlg;
        try {
            keyAlg = CoseAlgorithm.of(key);
        } catch (IllegalArgumentException e) {
            return Result.fail("receipt key: " + e.getMessage());
        }
        if (r.algorithm() != keyAlg) {
            return Result.fail("receipt is signed with " + r.algorithm() + ", the anchoring key is " + keyAlg);
        }
        if (!Arrays.equals(r.keyId(), KeyIds.of(key))) {
            return Result.fail("receipt kid " + HexFormat.of().formatHex(r.keyId()) + " is not the anchoring key's "
                    + HexFormat.of().formatHex(KeyIds.of(key)));
        }
        byte[] root;
        try {
            root = root(MerkleHash.leaf(entry), r.proof());
        } catch (IllegalArgumentException e) {
            return Result.fail("receipt inclusion proof: " + e.getMessage());
        }
        try {
            if (!SignatureVerifier.BOUNCY_CASTLE.verify(r.algorithm(), key, r.toBeSigned(root), r.signature())) {
                return Result.fail("receipt signature does not verify over the root its inclusion proof gives"
                        + " (a changed proof, entry, header or signature)");
            }
        } catch (CoseException e) {
            return Result.fail("receipt signature: " + e.getMessage());
        }
        return new Result(true, "leaf " + r.proof().leafIndex() + " of " + r.proof().treeSize() + " under root 0x"
                + HexFormat.of().formatHex(root).substring(0, 16) + "…, signed", root);
    }

    /**
     * The root an inclusion proof gives for a leaf hash (RFC 9162 §2.1.3.2), refusing an index not
     * below the size and a path longer or shorter than the tree's shape.
     */
    public static byte[] root(byte[] leafHash, InclusionProof proof) {
        long index = proof.leafIndex();
        long size = proof.treeSize();
        if (index < 0 || size <= 0 || index >= size) {
            throw new IllegalArgumentException("leaf index " + index + " is not inside a tree of " + size);
        }
        List<byte[]> path = proof.path();
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash.clone();
        for (int i = 0; i < path.size(); i++) {
            byte[] p = path.get(i);
            if (p.length != MerkleTree.HASH_LEN) {
                throw new IllegalArgumentException("path element " + i + " has " + p.length + " bytes, not 32");
            }
            if (sn == 0) {
                throw new IllegalArgumentException("the path is longer than a tree of " + size + " allows");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHash.node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = MerkleHash.node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new IllegalArgumentException("the path is shorter than a tree of " + size + " needs");
        }
        return r;
    }
}
