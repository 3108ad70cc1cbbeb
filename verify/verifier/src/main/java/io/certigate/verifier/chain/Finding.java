package io.certigate.verifier.chain;

/** One problem, or notable fact, that verification found, located by seq. */
public record Finding(Kind kind, long seq, String detail) {
    public enum Kind {
        /** Records missing between two present ones. */
        GAP(true),
        /** A record that comes after a higher seq in the file. */
        REORDER(true),
        /** The same record twice. */
        DUPLICATE(true),
        /** Two different records with one seq. */
        FORK(true),
        /** The signature does not verify, or the record's key is unknown. */
        BAD_SIGNATURE(true),
        /** The record's prev is not the chain hash of the record before it. */
        BROKEN_LINK(true),
        /** The record is not a valid COSE_Sign1 carrying a Reading, or its dev or seq is wrong. */
        MALFORMED(true),
        /** Erased (tombstone): payload dropped, hashes kept. Not a failure. */
        ERASED(false),
        /** A signed reading carrying an alert flag such as rollback-suspected. Not a failure. */
        FLAGGED(false);

        private final boolean failure;

        Kind(boolean failure) {
            this.failure = failure;
        }

        public boolean isFailure() {
            return failure;
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " at seq " + seq
                + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }
}
