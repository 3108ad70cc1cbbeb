package io.certigate.verifier.proof;

import io.certigate.verifier.merkle.InclusionProof;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the holder of readings keeps to prove them without the gateway (ARCHITECTURE.md, "Proof
 * bundle"): the COSE records, the device certificate chain, each record's place in its batch's
 * Merkle tree (leaf index, tree size, RFC 9162 audit path) and the batch anchors (chain id,
 * contract, tx hash, block number, root, seq range), optionally each record's COSE receipt
 * (RFC 9942). One bundle holds one reading or a range.
 */
public record ProofBundle(String device, List<X509Certificate> certificateChain, List<Anchor> anchors,
        List<Entry> records) {
    public static final String FORMAT = "certigate-proof/1";

    public ProofBundle {
        certificateChain = List.copyOf(certificateChain);
        anchors = List.copyOf(anchors);
        records = List.copyOf(records);
    }

    /** A batch root on chain. Byte strings are base64url in JSON; tx hash and contract are 0x-hex. */
    public record Anchor(long chainId, String contract, String txHash, long blockNumber, byte[] root, long firstSeq,
            long lastSeq) {
        public Anchor {
            root = root.clone();
        }

        @Override
        public byte[] root() {
            return root.clone();
        }

        public long treeSize() {
            return lastSeq - firstSeq + 1;
        }
    }

    /**
     * One record with its inclusion proof in the tree of {@code anchors.get(anchor)} and, when the
     * bundle was written with receipts, its RFC 9942 COSE receipt (null otherwise): the same proof,
     * signed with the anchored root and ledger reference by the party that anchored
     * ({@link io.certigate.verifier.receipt.ReceiptCodec}).
     */
    public record Entry(long seq, byte[] cose, int anchor, InclusionProof proof, byte[] receipt) {
        public Entry {
            cose = cose.clone();
            receipt = receipt == null ? null : receipt.clone();
        }

        /** An entry without a receipt. */
        public Entry(long seq, byte[] cose, int anchor, InclusionProof proof) {
            this(seq, cose, anchor, proof, null);
        }

        @Override
        public byte[] cose() {
            return cose.clone();
        }

        @Override
        public byte[] receipt() {
            return receipt == null ? null : receipt.clone();
        }
    }
}
