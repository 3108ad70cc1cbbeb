package io.certigate.verifier.merkle;

import java.security.MessageDigest;
import java.util.List;

/**
 * Checks an inclusion proof with the algorithm of RFC 9162 §2.1.3.2. A proof is refused when the
 * index is not below the tree size, when the path is longer (padded) or shorter (truncated) than
 * the tree shape allows, when a path element is not 32 bytes, or when the recomputed root differs.
 */
public final class InclusionVerifier {
    private InclusionVerifier() {}

    /** The outcome, with the reason when the proof is refused. */
    public record Result(boolean valid, String reason) {
        static final Result OK = new Result(true, "inclusion proof verifies");

        static Result fail(String reason) {
            return new Result(false, reason);
        }
    }

    public static boolean verify(byte[] leafHash, InclusionProof proof, byte[] root) {
        return check(leafHash, proof, root).valid();
    }

    public static Result check(byte[] leafHash, InclusionProof proof, byte[] root) {
        long index = proof.leafIndex();
        long size = proof.treeSize();
        if (index < 0 || size <= 0 || index >= size) {
            return Result.fail("leaf index " + index + " is not inside a tree of " + size);
        }
        if (leafHash.length != MerkleTree.HASH_LEN || root.length != MerkleTree.HASH_LEN) {
            return Result.fail("leaf hash and root must be 32 bytes");
        }
        List<byte[]> path = proof.path();
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash.clone();
        MessageDigest d = MerkleHash.sha256();
        for (int i = 0; i < path.size(); i++) {
            byte[] p = path.get(i);
            if (p.length != MerkleTree.HASH_LEN) {
                return Result.fail("audit path element " + i + " has " + p.length + " bytes, not 32");
            }
            if (sn == 0) {
                return Result.fail("audit path is longer than a tree of " + size + " allows (" + path.size()
                        + " elements, extra from " + i + ")");
            }
            if ((fn & 1) == 1 || fn == sn) {
                MerkleHash.node(d, p, 0, r, 0, r, 0);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                MerkleHash.node(d, r, 0, p, 0, r, 0);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            return Result.fail("audit path is shorter than a tree of " + size + " needs (" + path.size() + " elements)");
        }
        if (!MessageDigest.isEqual(r, root)) {
            return Result.fail("recomputed root differs from the anchored root");
        }
        return Result.OK;
    }
}
