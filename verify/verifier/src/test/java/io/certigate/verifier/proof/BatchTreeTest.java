package io.certigate.verifier.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.merkle.InclusionVerifier;
import io.certigate.verifier.merkle.MerkleHash;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A batch's tree rebuilt from its leaf hashes: the root is taken from an independent computation
 * (RFC 9162 §2.1.1's recursive definition), every audit path verifies under it, and leaves that are
 * one too few or changed are refused before any path is handed out.
 */
@Tag("unit")
class BatchTreeTest {
    private static final long FIRST = 21;
    private static final int SIZE = 7;

    private static List<byte[]> leaves() {
        List<byte[]> out = new ArrayList<>();
        for (long seq = FIRST; seq < FIRST + SIZE; seq++) {
            out.add(MerkleHash.leaf(ByteBuffer.allocate(8).putLong(seq).array()));
        }
        return out;
    }

    /** RFC 9162 §2.1.1, recursively: split at the largest power of two below n. */
    private static byte[] mth(List<byte[]> d) {
        if (d.size() == 1) {
            return d.get(0);
        }
        int k = Integer.highestOneBit(d.size() - 1);
        return MerkleHash.node(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    private static ProofBundle.Anchor anchor(byte[] root) {
        return new ProofBundle.Anchor(31337, "0x" + "ab".repeat(20), "0x" + "cd".repeat(32), 12, root, FIRST,
                FIRST + SIZE - 1);
    }

    @Test
    void everyRecordOfTheRebuiltBatchHasAnAuditPathToTheAnchoredRoot() throws Exception {
        List<byte[]> leaves = leaves();
        byte[] root = mth(leaves);
        BatchTree tree = BatchTree.rebuild(anchor(root), leaves);
        for (long seq = FIRST; seq < FIRST + SIZE; seq++) {
            InclusionProof p = tree.proofOf(seq);
            assertThat(p.leafIndex()).isEqualTo(seq - FIRST);
            assertThat(p.treeSize()).isEqualTo(SIZE);
            assertThat(InclusionVerifier.verify(leaves.get((int) (seq - FIRST)), p, root)).as("seq " + seq).isTrue();
        }
        ProofBundle.Entry e = tree.entry(FIRST + 3, new byte[] {1, 2}, 0, null);
        assertThat(e.proof()).isEqualTo(tree.proofOf(FIRST + 3));
        assertThatThrownBy(() -> tree.proofOf(FIRST + SIZE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leavesThatAreNotTheAnchoredOnesAreRefused() {
        List<byte[]> leaves = leaves();
        byte[] root = mth(leaves);
        assertThatThrownBy(() -> BatchTree.rebuild(anchor(root), leaves.subList(0, SIZE - 1)))
                .isInstanceOf(BatchTree.Mismatch.class)
                .hasMessageContaining("batch seq 21..27 has 7 records, but only 6 leaf hashes are held");
        List<byte[]> changed = new ArrayList<>(leaves);
        byte[] other = changed.get(4).clone();
        other[0] ^= 1;
        changed.set(4, other);
        assertThatThrownBy(() -> BatchTree.rebuild(anchor(root), changed))
                .isInstanceOf(BatchTree.Mismatch.class)
                .hasMessageContaining("do not hash to its anchored root");
    }
}
