package io.certigate.signing;

/** A key could not be created, opened or used. The message names the key store and the cause. */
public class SigningException extends Exception {
    public SigningException(String message) {
        super(message);
    }

    public SigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
