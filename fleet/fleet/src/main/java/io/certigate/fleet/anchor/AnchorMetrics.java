package io.certigate.fleet.anchor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the aggregated anchoring of one fleet instance did since it started, for its metrics
 * endpoint: statements taken from Kafka (new, and re-sent ones whose receipt goes out again),
 * checked (accepted, refused), intervals fixed and anchored, receipts handed to the broker, database
 * failures; and the state at the last step: whether this instance leads, since when the ledger is
 * unreachable, and the backlog last read from the database. Written by the role's one thread, read
 * by the metrics endpoint's.
 */
public final class AnchorMetrics {
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong receiptsAgain = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong intervalsFixed = new AtomicLong();
    private final AtomicLong intervalsAnchored = new AtomicLong();
    private final AtomicLong receiptsDelivered = new AtomicLong();
    private final AtomicLong databaseFailures = new AtomicLong();
    private volatile boolean leader;
    private volatile long outageSinceMs = -1;
    private volatile FleetAggregator.Backlog backlog;

    /** Counts what a poll of the statement consumer took. */
    public void taken(StatementInbox.Taken t) {
        taken.addAndGet(t.added());
        receiptsAgain.addAndGet(t.receiptsAgain());
    }

    /** Counts what an aggregator step did, at {@code nowMs}. */
    public void step(FleetAggregator.Step s, long nowMs) {
        leader = s.leader();
        accepted.addAndGet(s.accepted());
        refused.addAndGet(s.refused());
        if (s.closedInterval() > 0) {
            intervalsFixed.incrementAndGet();
        }
        intervalsAnchored.addAndGet(s.anchored());
        receiptsDelivered.addAndGet(s.delivered());
        if (s.ledger() == FleetAggregator.LedgerOutcome.OUTAGE) {
            if (outageSinceMs < 0) {
                outageSinceMs = nowMs;
            }
        } else {
            outageSinceMs = -1; // the ledger answered, or there was nothing to ask it
        }
    }

    /** The database failed: the role's connections are dropped and opened again; nobody leads here meanwhile. */
    public void databaseFailed() {
        databaseFailures.incrementAndGet();
        leader = false;
        outageSinceMs = -1;
    }

    public void backlog(FleetAggregator.Backlog b) {
        backlog = b;
    }

    /** New statements taken from Kafka (each once in the fleet). */
    public long taken() {
        return taken.get();
    }

    /** Re-sent statements whose receipt had been handed over already, so went out again. */
    public long receiptsAgain() {
        return receiptsAgain.get();
    }

    public long accepted() {
        return accepted.get();
    }

    public long refused() {
        return refused.get();
    }

    /** Intervals this instance fixed (closed with at least one statement). */
    public long intervalsFixed() {
        return intervalsFixed.get();
    }

    /** Intervals this instance found anchored and gave receipts. */
    public long intervalsAnchored() {
        return intervalsAnchored.get();
    }

    public long receiptsDelivered() {
        return receiptsDelivered.get();
    }

    public long databaseFailures() {
        return databaseFailures.get();
    }

    /** Whether this instance held the aggregator's lock at its last step. */
    public boolean leader() {
        return leader;
    }

    /**
     * Seconds since this instance, leading with an interval to anchor, found the ledger unreachable
     * (and has not reached it since); 0 otherwise.
     */
    public double ledgerOutageSeconds(long nowMs) {
        long since = outageSinceMs;
        return since < 0 ? 0 : (nowMs - since) / 1000.0;
    }

    /** The backlog last read, or null before the first read. */
    public FleetAggregator.Backlog backlog() {
        return backlog;
    }
}
