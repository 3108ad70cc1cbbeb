package io.certigate.core.model;

/** A record payload that is not a valid deterministic Reading; names the field at fault. */
public final class RecordFormatException extends Exception {
    public RecordFormatException(String message) {
        super(message);
    }

    public RecordFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
