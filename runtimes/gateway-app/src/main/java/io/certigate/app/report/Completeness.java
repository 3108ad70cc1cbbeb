package io.certigate.app.report;

import java.util.List;
import java.util.Objects;

/**
 * What the passport says about whether the history it shows is complete: which anchored ranges of
 * the device the file covers, and exactly what is missing. This is the shape a completeness check
 * maps its result onto; the passport only renders it.
 *
 * <pre>
 * new Completeness(Completeness.Basis.LEDGER, "Anchored events of the device on chain 1337, read at 2026-12-06T23:40Z",
 *         List.of(new Completeness.Range(1, 20, "block 12, tx 0xab…")),
 *         List.of(new Completeness.Range(21, 30, "anchored at block 14, tx 0xcd…, not in this file")),
 *         List.of(), null);
 * </pre>
 *
 * @param basis          what the statement rests on
 * @param source         in words, where the anchored history came from and when it was read
 * @param covered        anchored ranges whose every record (or hash-only entry) is in the file
 * @param missing        ranges the ledger (or the gateway) knows of that the file lacks, each with why it matters
 * @param notYetAnchored ranges of the file that are not (yet) anchored: reported, not a failure
 * @param requested      the seq range the holder asked for explicitly, or null for the whole history
 */
public record Completeness(Basis basis, String source, List<Range> covered, List<Range> missing,
        List<Range> notYetAnchored, Range requested) {

    /** What a completeness statement rests on. */
    public enum Basis {
        /** The device's anchored history as read from the ledger at generation time. */
        LEDGER,
        /** The gateway's own record of its anchor batches (its buffer), not checked on the ledger. */
        GATEWAY_CLAIM,
        /** Nothing: only the file itself was looked at. */
        NOT_CHECKED
    }

    /**
     * A seq range and what is known about it.
     *
     * @param first first seq
     * @param last  last seq (inclusive)
     * @param note  in words: where it is anchored, or why it is missing
     */
    public record Range(long first, long last, String note) {
        public Range {
            if (first < 1 || last < first) {
                throw new IllegalArgumentException("seq range " + first + ".." + last + " is empty or starts below 1");
            }
            note = note == null ? "" : note;
        }

        public long size() {
            return last - first + 1;
        }

        @Override
        public String toString() {
            return first == last ? "seq " + first : "seq " + first + ".." + last;
        }
    }

    public Completeness {
        Objects.requireNonNull(basis, "basis");
        source = source == null ? "" : source;
        covered = List.copyOf(covered);
        missing = List.copyOf(missing);
        notYetAnchored = List.copyOf(notYetAnchored);
    }

    /** Completeness not checked at all, {@code why} in words. */
    public static Completeness notChecked(String why) {
        return new Completeness(Basis.NOT_CHECKED, why, List.of(), List.of(), List.of(), null);
    }

    /** Checked (against the ledger or the gateway's record) and nothing is missing. */
    public boolean complete() {
        return basis != Basis.NOT_CHECKED && missing.isEmpty();
    }

    /** Something the ledger or the gateway knows of is not in the file. */
    public boolean incomplete() {
        return !missing.isEmpty();
    }
}
