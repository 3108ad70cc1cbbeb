package io.certigate.verifier.proof;

import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.merkle.MerkleTree;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The Merkle tree of one anchored batch, rebuilt from the leaf hashes of its records (seq
 * {@code firstSeq..lastSeq} in seq order, each SHA-256(0x00 ‖ COSE bytes), an erased record's kept
 * leaf hash included: RFC 9162 §2.1.1) and checked against the root the ledger holds before any
 * audit path is taken from it. Whoever holds a device's records builds proof bundles with it: the
 * gateway from its buffer (anchor-client's {@code ProofExporter}, {@code certigate proof export}) and
 * the fleet from its store (the consumer API's {@code proofs}), so that both give the bundle the
 * verifier's {@link BundleVerifier} checks.
 */
public final class BatchTree {
    private final ProofBundle.Anchor anchor;
    private final MerkleTree tree;

    private BatchTree(ProofBundle.Anchor anchor, MerkleTree tree) {
        this.anchor = anchor;
        this.tree = tree;
    }

    /**
     * Rebuilds the tree of {@code anchor}'s batch from {@code leafHashes}, one per seq of its range,
     * in seq order.
     *
     * @throws Mismatch when the leaves are not the range's count or do not give the anchored root:
     *                  no proof may be taken from such a tree
     */
    public static BatchTree rebuild(ProofBundle.Anchor anchor, List<byte[]> leafHashes) throws Mismatch {
        if (leafHashes.size() != anchor.treeSize()) {
            throw new Mismatch("batch " + range(anchor) + " has " + anchor.treeSize() + " records, but only "
                    + leafHashes.size() + " leaf hashes are held: its tree cannot be rebuilt");
        }
        MerkleTree tree = MerkleTree.build(leafHashes);
        if (!Arrays.equals(tree.root(), anchor.root())) {
            throw new Mismatch("the records held for batch " + range(anchor) + " do not hash to its anchored root "
                    + HexFormat.of().formatHex(anchor.root()).substring(0, 16) + "… (block " + anchor.blockNumber()
                    + "): they are not the records that were anchored");
        }
        return new BatchTree(anchor, tree);
    }

    public ProofBundle.Anchor anchor() {
        return anchor;
    }

    /** The RFC 9162 audit path of record {@code seq} in this batch. */
    public InclusionProof proofOf(long seq) {
        if (seq < anchor.firstSeq() || seq > anchor.lastSeq()) {
            throw new IllegalArgumentException("seq " + seq + " is outside batch " + range(anchor));
        }
        return tree.inclusionProof((int) (seq - anchor.firstSeq()));
    }

    /**
     * The bundle entry of record {@code seq} (its COSE bytes {@code cose}) under the bundle's anchor
     * number {@code anchorIndex}, with its receipt or null.
     */
    public ProofBundle.Entry entry(long seq, byte[] cose, int anchorIndex, byte[] receipt) {
        return new ProofBundle.Entry(seq, cose, anchorIndex, proofOf(seq), receipt);
    }

    private static String range(ProofBundle.Anchor a) {
        return "seq " + a.firstSeq() + ".." + a.lastSeq();
    }

    /** Leaves that do not rebuild the anchored tree. */
    public static final class Mismatch extends Exception {
        public Mismatch(String message) {
            super(message);
        }
    }
}
