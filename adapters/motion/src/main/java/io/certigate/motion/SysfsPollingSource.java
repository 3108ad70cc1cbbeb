package io.certigate.motion;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Samples an {@link IioAccelerometer} by reading its {@code in_accel_*_raw} files at a fixed rate on
 * the given scheduler, each sample stamped with the given clock. The fallback for a device without
 * an enabled buffer: simple, but each sample costs three file reads and its time is the poll's,
 * not the sensor's. A read that fails is counted and logged once; polling goes on.
 */
public final class SysfsPollingSource implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SysfsPollingSource.class.getName());

    private final IioAccelerometer device;
    private final long periodNanos;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Consumer<AccelSample> sink;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile ScheduledFuture<?> task;

    /** @param samplingHz polls per second, > 0 */
    public SysfsPollingSource(IioAccelerometer device, double samplingHz, Clock clock, ScheduledExecutorService scheduler,
            Consumer<AccelSample> sink) {
        if (!(samplingHz > 0)) {
            throw new IllegalArgumentException("sampling frequency must be > 0 Hz, got " + samplingHz);
        }
        this.device = device;
        this.periodNanos = Math.max(1, Math.round(1e9 / samplingHz));
        this.clock = clock;
        this.scheduler = scheduler;
        this.sink = sink;
    }

    public SysfsPollingSource start() {
        task = scheduler.scheduleAtFixedRate(this::poll, 0, periodNanos, TimeUnit.NANOSECONDS);
        return this;
    }

    private void poll() {
        Instant now = clock.instant();
        AccelSample s;
        try {
            s = device.readRaw(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        } catch (IOException | IioFormatException e) {
            if (errors.getAndIncrement() == 0) {
                LOG.log(Level.WARNING, "motion: cannot read " + device + " (logged once, counted): " + e.getMessage());
            }
            return;
        }
        samples.incrementAndGet();
        sink.accept(s);
    }

    public long samples() {
        return samples.get();
    }

    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }
}
