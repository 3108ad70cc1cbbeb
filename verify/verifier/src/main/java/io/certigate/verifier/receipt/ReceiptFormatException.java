package io.certigate.verifier.receipt;

/**
 * A receipt that cannot be read as an RFC 9942 receipt of inclusion: not deterministic CBOR, not a
 * tagged COSE_Sign1, a missing or wrong header (vds, vdp, the ledger reference), an attached
 * payload, a malformed inclusion proof. The message names what was wrong.
 */
public final class ReceiptFormatException extends Exception {
    public ReceiptFormatException(String message) {
        super(message);
    }

    public ReceiptFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
