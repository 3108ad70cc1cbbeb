package io.certigate.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Exhaustive and randomized checks of the tree, its audit paths and the verifier. */
@Tag("unit")
class MerkleTreeTest {
    private static final System.Logger LOG = System.getLogger(MerkleTreeTest.class.getName());

    private static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(MerkleHash.leaf(ByteBuffer.allocate(8).putLong(i).array()));
        }
        return out;
    }

    /** The recursive definition of RFC 9162 §2.1.1, as an independent reference. */
    private static byte[] mth(List<byte[]> d) {
        if (d.size() == 1) {
            return d.get(0);
        }
        int k = Integer.highestOneBit(d.size() - 1);
        return MerkleHash.node(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    /** The recursive PATH(m, D[n]) of RFC 9162 §2.1.3.1, as an independent reference. */
    private static List<byte[]> path(int m, List<byte[]> d) {
        List<byte[]> out = new ArrayList<>();
        if (d.size() <= 1) {
            return out;
        }
        int k = Integer.highestOneBit(d.size() - 1);
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(path(m - k, d.subList(k, d.size())));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    @Test
    void everyProofOfEveryTreeUpTo2000LeavesVerifies() {
        List<byte[]> all = leaves(2000);
        long proofs = 0;
        for (int n = 1; n <= 2000; n++) {
            List<byte[]> d = all.subList(0, n);
            MerkleTree tree = MerkleTree.build(d);
            byte[] root = tree.root();
            for (int m = 0; m < n; m++) {
                assertThat(InclusionVerifier.verify(d.get(m), tree.inclusionProof(m), root)).isTrue();
                proofs++;
            }
        }
        assertThat(proofs).isEqualTo(2000L * 2001 / 2);
    }

    @Test
    void treeAndPathsAgreeWithTheRecursiveDefinition() {
        List<byte[]> all = leaves(70);
        for (int n = 1; n <= 70; n++) {
            List<byte[]> d = all.subList(0, n);
            MerkleTree tree = MerkleTree.build(d);
            assertThat(tree.root()).as("root of %d", n).isEqualTo(mth(d));
            for (int m = 0; m < n; m++) {
                assertThat(tree.inclusionProof(m)).isEqualTo(new InclusionProof(m, n, path(m, d)));
            }
        }
    }

    @Test
    void duplicatingTheLastLeafChangesTheRoot() {
        List<byte[]> all = leaves(2001);
        for (int n = 1; n <= 2000; n++) {
            List<byte[]> withCopy = new ArrayList<>(all.subList(0, n));
            withCopy.add(all.get(n - 1));
            assertThat(MerkleTree.build(withCopy).root()).as("n=%d", n).isNotEqualTo(MerkleTree.build(all.subList(0, n)).root());
        }
    }

    @Test
    void tamperedTruncatedPaddedAndMisplacedProofsFail() {
        long seed = System.nanoTime();
        LOG.log(System.Logger.Level.INFO, "seed {0}", seed);
        Random rnd = new Random(seed);
        List<byte[]> all = leaves(1100);
        for (int round = 0; round < 400; round++) {
            int n = 2 + rnd.nextInt(1099);
            int m = rnd.nextInt(n);
            List<byte[]> d = all.subList(0, n);
            MerkleTree tree = MerkleTree.build(d);
            byte[] root = tree.root();
            InclusionProof p = tree.inclusionProof(m);
            List<byte[]> path = p.path();
            String ctx = "seed " + seed + " n=" + n + " m=" + m;

            int at = rnd.nextInt(path.size());
            List<byte[]> flipped = p.path();
            flipped.get(at)[rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8));
            assertThat(InclusionVerifier.verify(d.get(m), new InclusionProof(m, n, flipped), root)).as(ctx).isFalse();

            assertThat(InclusionVerifier.verify(d.get(m), new InclusionProof(m, n, path.subList(0, path.size() - 1)), root))
                    .as(ctx).isFalse();
            List<byte[]> padded = new ArrayList<>(path);
            padded.add(root);
            assertThat(InclusionVerifier.check(d.get(m), new InclusionProof(m, n, padded), root).reason())
                    .as(ctx).contains("longer");

            int other = (m + 1 + rnd.nextInt(n - 1)) % n;
            assertThat(InclusionVerifier.verify(d.get(m), new InclusionProof(other, n, path), root)).as(ctx).isFalse();
            assertThat(InclusionVerifier.verify(d.get(m), new InclusionProof(m, n, path), MerkleHash.leaf(root))).isFalse();
            assertThat(InclusionVerifier.verify(d.get((m + 1) % n), p, root)).as(ctx).isFalse();
            assertThat(InclusionVerifier.verify(d.get(m), new InclusionProof(n, n, path), root)).isFalse();
            assertThat(InclusionVerifier.verify(d.get(m), new InclusionProof(-1, n, path), root)).isFalse();

            List<byte[]> shortElement = p.path();
            shortElement.set(at, Arrays.copyOf(shortElement.get(at), 31));
            assertThat(InclusionVerifier.check(d.get(m), new InclusionProof(m, n, shortElement), root).reason())
                    .contains("31 bytes");
        }
    }

    /**
     * A size whose tree gives the leaf an audit path of another length is refused. (Sizes that give
     * the same path shape recompute the same root, so RFC 9162 proofs cannot tell them apart: the
     * bundle verifier binds the size to the anchored seq range instead.)
     */
    @Test
    void aWrongTreeSizeWithAnotherPathShapeFails() {
        List<byte[]> all = leaves(601);
        int checked = 0;
        for (int n = 1; n <= 300; n++) {
            MerkleTree tree = MerkleTree.build(all.subList(0, n));
            for (int m = 0; m < n; m += 7) {
                InclusionProof p = tree.inclusionProof(m);
                for (int wrong : new int[] {n + 1, n - 1, 2 * n + 1}) {
                    if (wrong <= m || MerkleTree.build(all.subList(0, wrong)).inclusionProof(m).path().size() == p.path().size()) {
                        continue;
                    }
                    assertThat(InclusionVerifier.verify(all.get(m), new InclusionProof(m, wrong, p.path()), tree.root()))
                            .as("m=%d n=%d claimed %d", m, n, wrong).isFalse();
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void refusesEmptyAndMalformedInput() {
        assertThatThrownBy(() -> MerkleTree.build(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MerkleTree.build(List.of(new byte[31]))).hasMessageContaining("31 bytes");
        MerkleTree one = MerkleTree.build(leaves(1));
        assertThat(one.root()).isEqualTo(leaves(1).get(0));
        assertThat(one.inclusionProof(0).path()).isEmpty();
        assertThatThrownBy(() -> one.inclusionProof(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
