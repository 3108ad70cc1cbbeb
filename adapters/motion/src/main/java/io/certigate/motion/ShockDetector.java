package io.certigate.motion;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds road shocks in a stream of accelerometer samples. Pure and incremental: samples in,
 * events out, no clock or thread of its own (times are the samples').
 *
 * <p>Method:
 * <ol>
 * <li><b>Gravity removed</b> by a running-mean baseline per axis (exponential, time constant
 * {@code baseline}), frozen while an event is open so that the shock does not drag it.</li>
 * <li><b>Vertical component</b>: the deviation from the baseline along a configured device axis, or
 * ({@code axis} null, "auto") projected on the baseline's direction, which is gravity's: the box
 * may be mounted in any orientation.</li>
 * <li><b>Excursion</b>: consecutive samples with |vertical| ≥ {@code thresholdG}; its duration is
 * from its first sample to its last plus one sample period. An excursion shorter than
 * {@code minDuration} is ignored (a single-sample spike, electrical noise).</li>
 * <li><b>Debounce</b>: a qualifying excursion opens an event; excursions that start within
 * {@code refractory} of the end of the event's last one are its rebounds, folded into it (peak
 * updated). The event is emitted once {@code refractory} has passed without a new excursion.</li>
 * </ol>
 */
public final class ShockDetector {
    /** Standard gravity, m/s² (the CGPM's g_n). */
    public static final double G = 9.80665;

    /**
     * @param axis        the vertical device axis, or null to follow gravity's direction
     * @param thresholdG  |vertical acceleration| that counts, in g, > 0
     * @param minDuration shortest excursion that counts
     * @param refractory  window after an event's last excursion in which new excursions are its rebounds
     * @param baseline    time constant of the running-mean gravity baseline
     */
    public record Options(AccelSample.Axis axis, double thresholdG, Duration minDuration, Duration refractory,
            Duration baseline) {
        public Options {
            if (!(thresholdG > 0)) {
                throw new IllegalArgumentException("threshold must be > 0 g, got " + thresholdG);
            }
            if (minDuration.isNegative() || refractory.isNegative() || baseline.isNegative() || baseline.isZero()) {
                throw new IllegalArgumentException("durations must be >= 0 and the baseline > 0");
            }
        }

        /** The defaults of the {@code motion.*} settings: auto axis, 0.4 g, 20 ms, 500 ms, 2 s. */
        public static Options defaults() {
            return new Options(null, 0.4, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(2));
        }
    }

    private final Options options;
    private final long minNanos;
    private final long refractoryNanos;
    private final long tauNanos;
    private final double[] baseline = new double[3];
    private boolean initialised;
    private long lastNanos;
    private long periodNanos;
    // the excursion under way
    private boolean inExcursion;
    private long excursionStart;
    private long excursionLast;
    private double excursionPeak;
    private long excursionPeakAt;
    // the open event
    private boolean eventOpen;
    private long eventStart;
    private long eventEnd;
    private double eventPeak;
    private long eventPeakAt;
    private int eventExcursions;
    private boolean peakChanged;
    private long samples;

    public ShockDetector(Options options) {
        this.options = options;
        this.minNanos = options.minDuration().toNanos();
        this.refractoryNanos = options.refractory().toNanos();
        this.tauNanos = options.baseline().toNanos();
    }

    public Options options() {
        return options;
    }

    /**
     * Takes the next sample (times must not go back; a sample older than the last is ignored) and
     * returns the event it closes, if any.
     */
    public Optional<ShockEvent> accept(AccelSample s) {
        peakChanged = false;
        if (!initialised) {
            baseline[0] = s.x();
            baseline[1] = s.y();
            baseline[2] = s.z();
            lastNanos = s.epochNanos();
            initialised = true;
            samples++;
            return Optional.empty();
        }
        long dt = s.epochNanos() - lastNanos;
        if (dt <= 0) {
            return Optional.empty();
        }
        samples++;
        periodNanos = periodNanos == 0 ? dt : (periodNanos * 7 + dt) / 8;
        lastNanos = s.epochNanos();
        double g = Math.abs(vertical(s)) / G;
        boolean above = g >= options.thresholdG();
        Optional<ShockEvent> closed = Optional.empty();
        if (eventOpen && !inExcursion && s.epochNanos() - eventEnd > refractoryNanos) {
            closed = Optional.of(new ShockEvent(eventStart, eventEnd - eventStart, eventPeak, eventPeakAt, eventExcursions));
            eventOpen = false;
        }
        if (above) {
            if (!inExcursion) {
                inExcursion = true;
                excursionStart = s.epochNanos();
                excursionPeak = 0;
            }
            excursionLast = s.epochNanos();
            if (g > excursionPeak) {
                excursionPeak = g;
                excursionPeakAt = s.epochNanos();
                peakChanged = !eventOpen || g > eventPeak;
            }
        } else {
            if (inExcursion) {
                inExcursion = false;
                endExcursion();
            }
            if (!eventOpen) {
                track(s, dt);
            }
        }
        return closed;
    }

    private void endExcursion() {
        long duration = excursionLast - excursionStart + periodNanos;
        if (eventOpen && excursionStart - eventEnd <= refractoryNanos) {
            eventExcursions++;
            eventEnd = excursionLast + periodNanos;
            if (excursionPeak > eventPeak) {
                eventPeak = excursionPeak;
                eventPeakAt = excursionPeakAt;
            }
        } else if (duration >= minNanos) {
            eventOpen = true;
            eventStart = excursionStart;
            eventEnd = excursionLast + periodNanos;
            eventPeak = excursionPeak;
            eventPeakAt = excursionPeakAt;
            eventExcursions = 1;
        }
    }

    /** Moves the gravity baseline towards the sample (exponential running mean, time constant {@code baseline}). */
    private void track(AccelSample s, long dt) {
        double a = (double) dt / (tauNanos + dt);
        baseline[0] += a * (s.x() - baseline[0]);
        baseline[1] += a * (s.y() - baseline[1]);
        baseline[2] += a * (s.z() - baseline[2]);
    }

    /** The sample's deviation from the baseline along the vertical, m/s². */
    private double vertical(AccelSample s) {
        double dx = s.x() - baseline[0];
        double dy = s.y() - baseline[1];
        double dz = s.z() - baseline[2];
        if (options.axis() != null) {
            return switch (options.axis()) {
                case X -> dx;
                case Y -> dy;
                case Z -> dz;
            };
        }
        double norm = Math.sqrt(baseline[0] * baseline[0] + baseline[1] * baseline[1] + baseline[2] * baseline[2]);
        if (norm < 1e-9) {
            return dz;
        }
        return (dx * baseline[0] + dy * baseline[1] + dz * baseline[2]) / norm;
    }

    /**
     * Whether the last sample gave the event being formed a new peak (or began it): the moment a
     * caller takes the vehicle's position and speed for that event.
     */
    public boolean peakChanged() {
        return peakChanged;
    }

    /** The current gravity estimate, m/s², per axis x, y, z. */
    public double[] gravity() {
        return baseline.clone();
    }

    public long samples() {
        return samples;
    }
}
