package io.certigate.app.fleet;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value that is costly to read (a query to the cluster or the store), read again at most once
 * per interval: a metrics scrape between two reads gets the last value read. Thread-safe.
 */
final class Throttled<T> {
    private final Supplier<T> read;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private T value;
    private long readAtNanos;
    private boolean read0;

    Throttled(Supplier<T> read, long intervalNanos, LongSupplier nanoTime) {
        this.read = read;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    Throttled(Supplier<T> read, long intervalNanos) {
        this(read, intervalNanos, System::nanoTime);
    }

    synchronized T get() {
        long now = nanoTime.getAsLong();
        if (!read0 || now - readAtNanos >= intervalNanos) {
            value = read.get();
            readAtNanos = nanoTime.getAsLong();
            read0 = true;
        }
        return value;
    }
}
