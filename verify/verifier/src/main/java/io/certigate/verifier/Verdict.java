package io.certigate.verifier;

import java.util.ArrayList;
import java.util.List;

/**
 * What a verification concluded, the same shape whatever was checked (an export's chain, a proof
 * bundle's signatures, inclusion and anchors, a device's trust): one {@link Check} per subject (a
 * record, a certificate chain, an anchor), passed or failed with its reason, and the parts that
 * were deliberately not checked (the ledger, when verifying offline). {@link #result()} is the
 * overall answer: a verdict without any check is {@link Result#INVALID}, never valid by default.
 *
 * @param checks     every check made, in the order made
 * @param notChecked what was left out on purpose, in words ("anchors on the ledger")
 */
public record Verdict(List<Check> checks, List<String> notChecked) {
    /** The overall answer. */
    public enum Result {
        /** Every check passed and nothing was left out. */
        VALID,
        /** Every check passed, but some parts were not checked ({@link #notChecked()}). */
        VALID_PARTIAL,
        /** A check failed, or nothing could be checked. */
        INVALID
    }

    /**
     * One check about one subject.
     *
     * @param subject what was checked ("record 42", "certificate", "anchor 0 (seq 1..8)")
     * @param seq     the record's seq when the check is about one record, 0 otherwise
     * @param ok      whether it passed
     * @param detail  why, in words
     */
    public record Check(String subject, long seq, boolean ok, String detail) {
        public static Check pass(String subject, String detail) {
            return new Check(subject, 0, true, detail);
        }

        public static Check fail(String subject, String detail) {
            return new Check(subject, 0, false, detail);
        }
    }

    public Verdict {
        checks = List.copyOf(checks);
        notChecked = List.copyOf(notChecked);
    }

    public static Verdict of(List<Check> checks) {
        return new Verdict(checks, List.of());
    }

    public Result result() {
        if (checks.isEmpty() || checks.stream().anyMatch(c -> !c.ok())) {
            return Result.INVALID;
        }
        return notChecked.isEmpty() ? Result.VALID : Result.VALID_PARTIAL;
    }

    /** Whether no check failed (and at least one was made); parts left unchecked do not make it invalid. */
    public boolean valid() {
        return result() != Result.INVALID;
    }

    /** The checks that failed. */
    public List<Check> failures() {
        return checks.stream().filter(c -> !c.ok()).toList();
    }

    /** This verdict and {@code other} as one: all checks of both, all parts either left out. */
    public Verdict and(Verdict other) {
        List<Check> c = new ArrayList<>(checks);
        c.addAll(other.checks);
        List<String> n = new ArrayList<>(notChecked);
        n.addAll(other.notChecked);
        return new Verdict(c, n);
    }
}
