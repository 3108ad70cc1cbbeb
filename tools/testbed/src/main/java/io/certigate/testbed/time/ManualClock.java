package io.certigate.testbed.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} that moves only when a test says so, with a monotonic reading beside it in the
 * manner of {@link System#nanoTime()}. {@link #advance} moves both; {@link #setInstant} moves the
 * wall clock alone (an NTP step, a wrong RTC), as a real clock can while the monotonic one cannot.
 * Safe to read from any thread. {@link #withZone} gives a view on the same time.
 */
public final class ManualClock extends Clock {
    /** The monotonic reading's arbitrary origin: like {@code System.nanoTime()}, only differences mean anything. */
    static final long NANO_ORIGIN = 1_000_000_000_000L;

    /** Default start of the wall clock: 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");

    private static final class Time {
        private long wallNanos; // since the epoch
        private long monoNanos;

        Time(long wallNanos) {
            this.wallNanos = wallNanos;
            this.monoNanos = NANO_ORIGIN;
        }
    }

    private final Time time;
    private final ZoneId zone;

    private ManualClock(Time time, ZoneId zone) {
        this.time = time;
        this.zone = zone;
    }

    /** A clock at {@link #DEFAULT_START}, UTC. */
    public ManualClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start}, UTC. */
    public ManualClock(Instant start) {
        this(new Time(toNanos(start)), ZoneOffset.UTC);
    }

    private static long toNanos(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    /** Moves wall clock and monotonic reading forward by {@code d} (zero allowed, never back). */
    public void advance(Duration d) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + d);
        }
        long n = d.toNanos();
        synchronized (time) {
            time.wallNanos += n;
            time.monoNanos += n;
        }
    }

    /** Sets the wall clock (forward or back); the monotonic reading does not move. */
    public void setInstant(Instant instant) {
        long n = toNanos(instant);
        synchronized (time) {
            time.wallNanos = n;
        }
    }

    /** The monotonic reading in nanoseconds, for cores that take a {@code LongSupplier} like {@code System::nanoTime}. */
    public long nanoTime() {
        synchronized (time) {
            return time.monoNanos;
        }
    }

    @Override
    public Instant instant() {
        long n;
        synchronized (time) {
            n = time.wallNanos;
        }
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    @Override
    public long millis() {
        synchronized (time) {
            return Math.floorDiv(time.wallNanos, 1_000_000L);
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone on the same time: advancing either moves both. */
    @Override
    public ManualClock withZone(ZoneId z) {
        return z.equals(zone) ? this : new ManualClock(time, z);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManualClock m && m.time == time && m.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(time) * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", " + zone + "]";
    }
}
