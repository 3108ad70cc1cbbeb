package io.certigate.gnss;

/** A line from gpsd that is not a report this gateway can read; carries the line. */
public final class GpsdException extends Exception {
    private final String line;

    public GpsdException(String message, String line) {
        super(message + " in '" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "'");
        this.line = line;
    }

    public String line() {
        return line;
    }
}
