package io.certigate.app.run;

import io.certigate.app.metrics.AdapterMetrics;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.motion.IioFormatException;
import io.certigate.motion.MotionConfig;
import io.certigate.gnss.GnssService;
import io.certigate.motion.VehicleContext;
import io.certigate.obd.ObdPid;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The road-event detector of {@code certigate run} ({@code motion.*} keys, {@link MotionConfig}):
 * its vehicle context is the OBD reader's latest speed ({@link LatestObdSpeed}, when an OBD reader
 * runs) and the GNSS receiver's usable fix (position, and speed when there is no OBD speed);
 * without a fix the events say {@code position-unknown}.
 */
public final class MotionSource {
    private MotionSource() {}

    /**
     * Starts the detector on the spine's sequencer; the handle stops the source and its read thread.
     *
     * @param obdSpeed the OBD reader's latest speed, or null without an OBD reader
     * @param gnss     the GNSS receiver, or null without one
     */
    public static AutoCloseable start(MotionConfig config, ReadingSink sink, LatestObdSpeed obdSpeed, GnssService gnss,
            Clock clock, ScheduledExecutorService scheduler, TimeQuality clockQuality, PrintStream out, Metrics metrics)
            throws IOException, IioFormatException {
        VehicleContext context = VehicleContext.of(gnss == null ? Optional::empty : gnss::position,
                obdSpeed == null ? OptionalDouble::empty : obdSpeed::get,
                gnss == null ? OptionalDouble::empty : () -> gnss.usable().filter(f -> f.speedKmh() != null)
                        .map(f -> OptionalDouble.of(f.speedKmh().doubleValue())).orElse(OptionalDouble.empty()));
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> new Thread(r, "motion"));
        try {
            MotionConfig.Running running = config.start(context, sink, () -> clockQuality, clock, scheduler, reader, r -> { });
            AdapterMetrics.register(metrics, "motion", running::health);
            out.println("certigate run: accelerometer " + running.device() + " (" + running.how() + "), road.shock above "
                    + Math.round(config.detector().thresholdG() * 1000) + " mg"
                    + (obdSpeed == null ? "" : ", speed from the OBD reader")
                    + (gnss == null ? ", no position (no GNSS receiver)" : ", position from the GNSS receiver"));
            return () -> {
                try {
                    running.close();
                } finally {
                    reader.shutdownNow();
                }
            };
        } catch (IOException | IioFormatException | RuntimeException e) {
            reader.shutdownNow();
            throw e;
        }
    }

    /**
     * A sink in front of the sequencer that remembers the OBD reader's latest {@code vehicle.speed}
     * (km/h) and when it passed: the road events' speed while it is recent.
     */
    public static final class LatestObdSpeed implements ReadingSink {
        /** Older than this, the OBD speed is not the speed at the event (polled every second by default). */
        static final Duration MAX_AGE = Duration.ofSeconds(5);

        private final ReadingSink next;
        private final Clock clock;
        private volatile double kmh = Double.NaN;
        private volatile long atMillis;

        public LatestObdSpeed(ReadingSink next, Clock clock) {
            this.next = next;
            this.clock = clock;
        }

        @Override
        public CompletableFuture<Committed> submit(Reading reading) throws InterruptedException {
            if (reading.kind().equals(ObdPid.SPEED.kind())) {
                ReadingValue v = reading.value();
                double speed = v instanceof ReadingValue.Int i ? i.value()
                        : v instanceof ReadingValue.Decimal d ? d.value().doubleValue() : Double.NaN;
                if (speed >= 0) {
                    atMillis = clock.millis();
                    kmh = speed;
                }
            }
            return next.submit(reading);
        }

        /** The latest speed, if it is recent. */
        public OptionalDouble get() {
            double s = kmh;
            return Double.isNaN(s) || clock.millis() - atMillis > MAX_AGE.toMillis() ? OptionalDouble.empty() : OptionalDouble.of(s);
        }
    }
}
