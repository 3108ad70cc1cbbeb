package io.certigate.signing;

/** A COSE_Sign1 object that is malformed or whose signature does not verify. */
public final class CoseException extends Exception {
    public CoseException(String message) {
        super(message);
    }

    public CoseException(String message, Throwable cause) {
        super(message, cause);
    }
}
