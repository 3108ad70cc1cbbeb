package io.certigate.verifier.receipt;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.verifier.merkle.InclusionProof;

/**
 * A parsed (not yet verified) RFC 9942 receipt of inclusion in an {@code RFC9162_SHA256} tree: the
 * signer's algorithm and key id, the encoded protected header (signed as is), the ledger reference
 * it carries, the one inclusion proof of its unprotected header, and the signature over the
 * detached root. See {@link ReceiptCodec} for the layout.
 */
public record Receipt(CoseAlgorithm algorithm, byte[] keyId, byte[] protectedHeader, LedgerReference ledger,
        InclusionProof proof, byte[] signature) {
    public Receipt {
        keyId = keyId.clone();
        protectedHeader = protectedHeader.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] keyId() {
        return keyId.clone();
    }

    @Override
    public byte[] protectedHeader() {
        return protectedHeader.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * The Sig_structure of RFC 9052 §4.4 for this receipt with {@code root} as the detached payload
     * (RFC 9052 §4.1: a detached payload is signed as if it were attached): what the anchoring party
     * signed.
     */
    public byte[] toBeSigned(byte[] root) {
        return CoseSign1.sigStructure(protectedHeader, root);
    }
}
