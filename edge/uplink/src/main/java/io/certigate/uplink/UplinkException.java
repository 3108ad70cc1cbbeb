package io.certigate.uplink;

/** An uplink could not hand over or deliver data; the records stay in the buffer. */
public class UplinkException extends Exception {
    private static final long serialVersionUID = 1L;

    public UplinkException(String message, Throwable cause) {
        super(message, cause);
    }

    public UplinkException(String message) {
        super(message);
    }
}
