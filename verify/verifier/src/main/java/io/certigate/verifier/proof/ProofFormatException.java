package io.certigate.verifier.proof;

/** A proof bundle that cannot be read: not JSON, a missing field, bad base64url, a bad certificate. */
public final class ProofFormatException extends Exception {
    public ProofFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
