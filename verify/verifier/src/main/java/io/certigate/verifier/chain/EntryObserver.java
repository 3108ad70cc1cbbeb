package io.certigate.verifier.chain;

/**
 * Receives each entry of a device's chain once {@link ChainVerifier} has checked it, in seq order,
 * while the verification runs: a check that needs the whole history (completeness against the
 * ledger, each anchored batch's Merkle root recomputed from the leaves, a passport) consumes the
 * same single pass over the input instead of reading it again.
 *
 * <p>Called on the verifying thread, one entry at a time, for every entry taken into the chain.
 * Entries refused as a duplicate, a fork or out of order are reported as findings and not passed on.
 */
@FunctionalInterface
public interface EntryObserver {
    EntryObserver NONE = e -> { };

    void entry(CheckedEntry entry);

    /** Both observers, this one first. */
    default EntryObserver andThen(EntryObserver next) {
        return e -> {
            entry(e);
            next.entry(e);
        };
    }
}
