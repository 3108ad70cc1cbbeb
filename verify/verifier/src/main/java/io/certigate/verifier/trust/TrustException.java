package io.certigate.verifier.trust;

/** A device certificate chain that cannot be trusted; the message names the certificate and the reason. */
public final class TrustException extends Exception {
    public TrustException(String message) {
        super(message);
    }

    public TrustException(String message, Throwable cause) {
        super(message, cause);
    }
}
