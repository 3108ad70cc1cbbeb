package io.certigate.fleet.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's counters, read by any thread (a metrics endpoint, a status command, tests): rows
 * written, replays, erasures, forks, findings, undecodable Kafka values, transactions, failed
 * attempts, and the latency of the PostgreSQL writes (count, sum and maximum of the transactions'
 * durations, and how many took at most each of {@link #LATENCY_BOUNDS_MS}).
 */
public final class StoreMetrics {
    /** Upper bounds, in ms, of the write-latency buckets (the last bucket is everything above). */
    public static final long[] LATENCY_BOUNDS_MS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};

    private final LongAdder stored = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder erased = new LongAdder();
    private final LongAdder refusedErasures = new LongAdder();
    private final LongAdder forks = new LongAdder();
    private final LongAdder findings = new LongAdder();
    private final LongAdder undecodable = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final LongAdder[] buckets = new LongAdder[LATENCY_BOUNDS_MS.length + 1];

    public StoreMetrics() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** One committed transaction: what it wrote and how long it took. */
    public void written(WriteResult r, long nanos) {
        stored.add(r.stored());
        duplicates.add(r.duplicates());
        erased.add(r.erased());
        refusedErasures.add(r.refusedErasures());
        forks.add(r.forks());
        findings.add(r.findings());
        transactions.increment();
        latencyNanos.add(nanos);
        maxLatencyNanos.accumulateAndGet(nanos, Math::max);
        long ms = nanos / 1_000_000;
        int i = 0;
        while (i < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[i]) {
            i++;
        }
        buckets[i].increment();
    }

    public void undecodable() {
        undecodable.increment();
    }

    public void failedAttempt() {
        failedAttempts.increment();
    }

    /** Records stored (rows written to {@code records}). */
    public long stored() {
        return stored.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long erased() {
        return erased.sum();
    }

    public long refusedErasures() {
        return refusedErasures.sum();
    }

    public long forks() {
        return forks.sum();
    }

    /** Finding rows written. */
    public long findings() {
        return findings.sum();
    }

    /** Kafka values that could not be decoded, skipped. */
    public long undecodableValues() {
        return undecodable.sum();
    }

    public long transactions() {
        return transactions.sum();
    }

    /** Write attempts that failed (PostgreSQL away, a conflict); each is retried. */
    public long failedAttempts() {
        return failedAttempts.sum();
    }

    /** Sum of the committed transactions' durations, ns. */
    public long writeLatencyNanos() {
        return latencyNanos.sum();
    }

    public long maxWriteLatencyNanos() {
        return maxLatencyNanos.get();
    }

    /** Transactions per latency bucket: index i counts those of at most {@code LATENCY_BOUNDS_MS[i]} ms. */
    public long[] writeLatencyBuckets() {
        long[] out = new long[buckets.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = buckets[i].sum();
        }
        return out;
    }

    @Override
    public String toString() {
        return "stored=" + stored() + " duplicates=" + duplicates() + " erased=" + erased() + " refused_erasures="
                + refusedErasures() + " forks=" + forks() + " findings=" + findings() + " undecodable="
                + undecodableValues() + " transactions=" + transactions() + " failed_attempts=" + failedAttempts();
    }
}
