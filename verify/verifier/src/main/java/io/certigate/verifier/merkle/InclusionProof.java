package io.certigate.verifier.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An RFC 9162 §2.1.3 inclusion proof: the leaf's index, the tree size and the audit path (sibling
 * hashes from the leaf up to the root). Immutable; the hashes are copied in and out.
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> path) {
    public InclusionProof {
        List<byte[]> copy = new ArrayList<>(path.size());
        for (byte[] h : path) {
            copy.add(h.clone());
        }
        path = List.copyOf(copy);
    }

    @Override
    public List<byte[]> path() {
        List<byte[]> copy = new ArrayList<>(path.size());
        for (byte[] h : path) {
            copy.add(h.clone());
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InclusionProof p) || p.leafIndex != leafIndex || p.treeSize != treeSize
                || p.path.size() != path.size()) {
            return false;
        }
        for (int i = 0; i < path.size(); i++) {
            if (!Arrays.equals(path.get(i), p.path.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(leafIndex) * 31 + Long.hashCode(treeSize);
    }

    @Override
    public String toString() {
        return "InclusionProof[leaf " + leafIndex + " of " + treeSize + ", " + path.size() + " hashes]";
    }
}
