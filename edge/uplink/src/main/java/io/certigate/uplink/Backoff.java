package io.certigate.uplink;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect delay with "equal jitter": attempt n waits a random time in
 * [d/2, d] where d = min(max, initial · 2^(n−1)), so that a fleet of gateways cut off by the same
 * broker outage does not reconnect in lock-step.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** The ceiling of attempt {@code attempt} (1 for the first retry), before jitter. */
    public long ceilingMillis(int attempt) {
        int shift = Math.min(Math.max(attempt, 1) - 1, 30);
        long d = initial.toMillis() << shift;
        return d <= 0 || d > max.toMillis() ? max.toMillis() : d;
    }

    /** The delay before attempt {@code attempt}, drawn from {@code random}. */
    public long delayMillis(int attempt, RandomGenerator random) {
        long ceiling = ceilingMillis(attempt);
        long half = ceiling / 2;
        return half + (ceiling - half == 0 ? 0 : random.nextLong(ceiling - half + 1));
    }
}
