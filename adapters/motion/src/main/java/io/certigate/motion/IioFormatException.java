package io.certigate.motion;

/** An IIO attribute or buffer that does not read as the kernel's ABI describes it; the message quotes the text or file. */
public final class IioFormatException extends Exception {
    public IioFormatException(String message) {
        super(message);
    }
}
