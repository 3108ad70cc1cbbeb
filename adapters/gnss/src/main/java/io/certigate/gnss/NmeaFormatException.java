package io.certigate.gnss;

/** A checksummed sentence whose fields do not say what their format says (a letter where a number goes). */
public final class NmeaFormatException extends Exception {
    private final String line;

    public NmeaFormatException(String message, String line) {
        super(message + " in '" + line + "'");
        this.line = line;
    }

    /** The offending sentence. */
    public String line() {
        return line;
    }
}
