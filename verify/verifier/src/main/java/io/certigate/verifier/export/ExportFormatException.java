package io.certigate.verifier.export;

/** An export or proof file that cannot be read; the message names the file and the field. */
public final class ExportFormatException extends Exception {
    public ExportFormatException(String message) {
        super(message);
    }

    public ExportFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
