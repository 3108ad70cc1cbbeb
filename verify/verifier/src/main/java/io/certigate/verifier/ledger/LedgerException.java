package io.certigate.verifier.ledger;

/**
 * A ledger call failed. {@link #unreachable()} tells an outage (no answer: retry later, nothing is
 * lost) from an answer the node gave (an RPC error, a reverted call).
 */
public final class LedgerException extends Exception {
    private final boolean unreachable;

    public LedgerException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    public boolean unreachable() {
        return unreachable;
    }
}
