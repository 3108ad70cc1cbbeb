package io.certigate.anchor.proof;

import io.certigate.anchor.batch.Batch;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.ReceiptCodec;

/**
 * The RFC 9942 receipts of one anchored batch, signed by the party that anchored it (in direct
 * mode the gateway's device key). The signature covers only the protected header (algorithm, key
 * id, vds {@code RFC9162_SHA256}, the ledger reference) and the detached root, so the root is
 * signed once here and each leaf's receipt is that signature with the leaf's inclusion proof
 * ({@link #receipt}). Ed25519 and ES256 (RFC 6979) signatures are deterministic: signing the same
 * batch again gives the same receipts.
 */
public final class BatchReceipts {
    private final byte[] protectedHeader;
    private final byte[] signature;
    private final long treeSize;

    private BatchReceipts(byte[] protectedHeader, byte[] signature, long treeSize) {
        this.protectedHeader = protectedHeader;
        this.signature = signature;
        this.treeSize = treeSize;
    }

    /** Signs the root of an anchored batch with its ledger reference. */
    public static BatchReceipts sign(DeviceKey key, Batch batch) throws SigningException {
        if (batch.state() != Batch.State.ANCHORED) {
            throw new IllegalArgumentException("batch " + batch.id() + " is " + batch.state() + ": only an anchored"
                    + " root gets receipts");
        }
        byte[] header = ReceiptCodec.protectedHeader(key.algorithm(), key.keyId(),
                new LedgerReference(batch.chainId(), batch.contract(), batch.txHash(), batch.blockNumber()));
        return new BatchReceipts(header, key.sign(ReceiptCodec.toBeSigned(header, batch.root())), batch.size());
    }

    /** The receipt of the leaf that {@code proof} proves (a proof in this batch's tree). */
    public byte[] receipt(InclusionProof proof) {
        if (proof.treeSize() != treeSize) {
            throw new IllegalArgumentException("a proof in a tree of " + proof.treeSize() + ", not this batch's "
                    + treeSize);
        }
        return ReceiptCodec.encode(protectedHeader, proof, signature);
    }
}
