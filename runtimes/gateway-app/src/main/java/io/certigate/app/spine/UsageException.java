package io.certigate.app.spine;

/** Settings or inputs that cannot be used (exit 2); the message names the option or file at fault. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
