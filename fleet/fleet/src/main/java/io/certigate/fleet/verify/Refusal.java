package io.certigate.fleet.verify;

import io.certigate.fleet.topics.FindingType;

/** Why an item is not passed on: the finding it becomes. No stack trace (bad input is expected). */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient FindingType type;
    private final long seq;

    Refusal(FindingType type, long seq, String detail) {
        super(detail, null, false, false);
        this.type = type;
        this.seq = seq;
    }

    FindingType type() {
        return type;
    }

    long seq() {
        return seq;
    }
}
