package io.certigate.verifier.statement;

/** A batch statement that cannot be read or whose signature does not verify; the message says which part. */
public final class StatementFormatException extends Exception {
    public StatementFormatException(String message) {
        super(message);
    }

    public StatementFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
