package io.certigate.app.spine;

import io.certigate.verifier.chain.CheckedEntry;
import io.certigate.verifier.chain.EntryObserver;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Progress of a long verification on standard error: records done, rate and time left, on one line
 * rewritten about once a second, shown only once the work has taken {@value #AFTER_SECONDS} s (a
 * short run prints nothing) and only when enabled: standard error is a terminal and {@code --quiet}
 * was not given. The time left comes from how far through the input the reader is.
 */
public final class Progress implements EntryObserver {
    static final int AFTER_SECONDS = 2;
    private static final long SECOND = 1_000_000_000L;

    private final String label;
    private final PrintStream err;
    private final LongSupplier nanos;
    private final DoubleSupplier fraction;
    private final boolean enabled;
    private final long start;
    private long next;
    private long done;
    private boolean shown;

    /**
     * @param fraction how far through the input, in [0, 1], or negative when unknown (no time left shown)
     * @param nanos    the clock, {@code System::nanoTime} outside tests
     */
    public Progress(String label, PrintStream err, LongSupplier nanos, DoubleSupplier fraction, boolean enabled) {
        this.label = label;
        this.err = err;
        this.nanos = nanos;
        this.fraction = fraction;
        this.enabled = enabled;
        this.start = nanos.getAsLong();
        this.next = start + AFTER_SECONDS * SECOND;
    }

    /** Whether progress goes to standard error: not with {@code --quiet}, and only to a terminal. */
    public static boolean wanted(boolean quiet) {
        return !quiet && stderrIsTerminal();
    }

    /** Standard error is a terminal (Linux: its descriptor links to a tty), not a file or a pipe. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    @Override
    public void entry(CheckedEntry entry) {
        done++;
        if (enabled && (done & 255) == 0) {
            long now = nanos.getAsLong();
            if (now >= next) {
                show(now);
                next = now + SECOND;
            }
        }
    }

    private void show(long now) {
        double seconds = (now - start) / 1e9;
        double f = fraction.getAsDouble();
        String left = f > 0 && f < 1 ? String.format(", %.0f%%, about %s left", f * 100, duration(seconds * (1 - f) / f))
                : "";
        err.print(String.format("\r%s: %,d records, %,.0f/s%s   ", label, done, done / seconds, left));
        err.flush();
        shown = true;
    }

    /** Ends the progress line, if one was shown, with the totals. */
    public void finish() {
        if (shown) {
            double seconds = (nanos.getAsLong() - start) / 1e9;
            err.print(String.format("\r%s: %,d records in %s, %,.0f/s%30s%n", label, done, duration(seconds), done / seconds, ""));
            err.flush();
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    public long done() {
        return done;
    }
}
