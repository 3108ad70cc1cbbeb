package io.certigate.obd;

import java.util.concurrent.atomic.AtomicLong;

/** Operator counters of one OBD reader. Thread-safe. */
public final class ObdStats {
    private final AtomicLong readings = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong conditions = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong rollbacks = new AtomicLong();

    /** A point-in-time copy. */
    public record Snapshot(long readings, long malformedReplies, long conditions, long reconnects,
            long rollbacksSuspected) {}

    void reading() {
        readings.incrementAndGet();
    }

    void malformed() {
        malformed.incrementAndGet();
    }

    void condition() {
        conditions.incrementAndGet();
    }

    void reconnect() {
        reconnects.incrementAndGet();
    }

    void rollback() {
        rollbacks.incrementAndGet();
    }

    public Snapshot snapshot() {
        return new Snapshot(readings.get(), malformed.get(), conditions.get(), reconnects.get(), rollbacks.get());
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
