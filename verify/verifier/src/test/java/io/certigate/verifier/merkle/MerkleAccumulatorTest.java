package io.certigate.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The incremental root against the recursive definition and against {@link MerkleTree}, for every size up to 1100. */
@Tag("unit")
class MerkleAccumulatorTest {
    /** The recursive definition of RFC 9162 §2.1.1, as an independent reference. */
    private static byte[] mth(List<byte[]> d) {
        if (d.size() == 1) {
            return d.get(0);
        }
        int k = Integer.highestOneBit(d.size() - 1);
        return MerkleHash.node(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    @Test
    void everyPrefixGivesTheTreeHashOfTheRfc() {
        List<byte[]> leaves = new ArrayList<>();
        MerkleAccumulator acc = new MerkleAccumulator();
        assertThat(acc.root()).isEqualTo(MerkleTree.emptyRoot());
        for (int i = 0; i < 1100; i++) {
            byte[] leaf = MerkleHash.leaf(ByteBuffer.allocate(8).putLong(i).array());
            leaves.add(leaf);
            acc.add(leaf);
            assertThat(acc.size()).isEqualTo(i + 1);
            byte[] root = acc.root();
            assertThat(root).as("n=%d", i + 1).isEqualTo(MerkleTree.build(leaves).root());
            if (i < 300) {
                assertThat(root).as("n=%d", i + 1).isEqualTo(mth(leaves));
            }
        }
    }

    @Test
    void aChangedDroppedOrSwappedLeafChangesTheRoot() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            leaves.add(MerkleHash.leaf(new byte[] {(byte) i}));
        }
        byte[] good = rootOf(leaves);
        List<byte[]> dropped = new ArrayList<>(leaves);
        dropped.remove(37);
        List<byte[]> swapped = new ArrayList<>(leaves);
        swapped.set(10, leaves.get(11));
        swapped.set(11, leaves.get(10));
        List<byte[]> changed = new ArrayList<>(leaves);
        changed.set(99, MerkleHash.leaf(new byte[] {-1}));
        assertThat(rootOf(dropped)).isNotEqualTo(good);
        assertThat(rootOf(swapped)).isNotEqualTo(good);
        assertThat(rootOf(changed)).isNotEqualTo(good);
    }

    @Test
    void resetStartsAnEmptyTreeAndAShortLeafIsRefused() {
        MerkleAccumulator acc = new MerkleAccumulator();
        acc.add(MerkleHash.leaf(new byte[] {1}));
        acc.add(MerkleHash.leaf(new byte[] {2}));
        acc.reset();
        acc.add(MerkleHash.leaf(new byte[] {3}));
        assertThat(acc.root()).isEqualTo(MerkleHash.leaf(new byte[] {3}));
        assertThatThrownBy(() -> acc.add(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] rootOf(List<byte[]> leaves) {
        MerkleAccumulator acc = new MerkleAccumulator();
        leaves.forEach(acc::add);
        return acc.root();
    }
}
