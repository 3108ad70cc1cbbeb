package io.certigate.cbor;

/** Input that is not well-formed, or not deterministically encoded, CBOR. Carries the offset. */
public final class CborFormatException extends Exception {
    private final int offset;

    public CborFormatException(String message, int offset) {
        super(message + " (at byte " + offset + ")");
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
