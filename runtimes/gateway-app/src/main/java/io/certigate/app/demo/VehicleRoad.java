package io.certigate.app.demo;

import io.certigate.core.model.Position;
import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.motion.IioFormatException;
import io.certigate.motion.MotionConfig;
import io.certigate.motion.ShockDetector;
import io.certigate.motion.VehicleContext;
import io.certigate.simulators.motion.FakeIioDevice;
import io.certigate.simulators.motion.ImuSignal;
import io.certigate.simulators.motion.Route;
import io.certigate.simulators.motion.Shock;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The vehicle box's accelerometer in {@code certigate demo}: a fake IIO device (sysfs tree and a FIFO
 * standing for {@code /dev/iio:device0}) fed in real time with the signal of a car driving
 * {@link Route#demo()} at 50 km/h over road defects at known points, read by the real
 * {@link MotionConfig} source and detector. Position from the box's GNSS receiver
 * ({@link VehicleGnss}, on the same route from the same start), speed from the OBD reader when it
 * has one, else the receiver's speed over ground; without a receiver (no socat), from the route model.
 */
final class VehicleRoad implements AutoCloseable {
    /**
     * When the car passes each defect, seconds after the route's start: three on the first street
     * (reached in a 20 s demo), three further on. Each is 0.3 s after a whole second, that is just
     * after the 1 Hz receiver's epoch: the position the detector takes is then the car's of 0.3 s
     * before the hit (4 m at 50 km/h), not up to a second (14 m) before.
     */
    static final double[] PASS_S = {3.3, 10.3, 16.3, 43.3, 79.3, 122.3};
    /** Where the defects are, metres along the route. */
    static final double[] DEFECTS_M = java.util.Arrays.stream(PASS_S).map(s -> s * Route.demo().speedKmh() / 3.6).toArray();
    static final double[] PEAKS_G = {1.4, 0.9, 2.1, 1.2, 1.6, 0.8};
    static final int HZ = 100;

    private final Route route = Route.demo();
    private final List<Reading> shocks = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong located = new AtomicLong();
    private volatile boolean stopping;
    private ExecutorService threads;
    private MotionConfig.Running running;
    private String how;

    Route route() {
        return route;
    }

    /**
     * Starts the device, its feeder and the detector on {@code sink}; {@code obdSpeed} is the OBD
     * reader's latest.
     *
     * @param gnss  the box's receiver on the same route (position, speed over ground), or null: the route model's
     * @param start gateway time of the route's start (the receiver's epoch 0)
     */
    void start(Path workDir, ReadingSink sink, Clock clock, ScheduledExecutorService scheduler,
            Supplier<OptionalDouble> obdSpeed, io.certigate.gnss.GnssService gnss, long start, PrintStream out)
            throws IOException, IioFormatException {
        FakeIioDevice accel = FakeIioDevice.create(workDir.resolve("iio"), 0, "lis3dh", HZ, true);
        List<Shock> jolts = new ArrayList<>();
        for (int lap = 0; lap < 30; lap++) {
            for (int i = 0; i < DEFECTS_M.length; i++) {
                long at = route.millisAt(lap * route.lengthM() + DEFECTS_M[i]);
                jolts.add(new Shock(at, PEAKS_G[i], 40 + 10 * (i % 3), 0.4));
            }
        }
        ImuSignal.Samples signal = new ImuSignal(HZ, new double[] {0.05, -0.12, 0.99}, 0.03, 0.05, jolts, start).samples();
        // as certigate run's MotionSource: the receiver's usable fix, OBD speed first
        VehicleContext context = gnss != null ? VehicleContext.of(gnss::position, obdSpeed,
                () -> gnss.usable().filter(f -> f.speedKmh() != null)
                        .map(f -> OptionalDouble.of(f.speedKmh().doubleValue())).orElse(OptionalDouble.empty()))
                : VehicleContext.of(() -> Optional.of(position(route.at(clock.millis() - start))), obdSpeed,
                        () -> OptionalDouble.of(route.speedKmh()));
        threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "demo-accelerometer");
            t.setDaemon(true);
            return t;
        });
        java.util.Properties p = new java.util.Properties();
        p.setProperty("motion.device", "lis3dh");
        p.setProperty("motion.sysfs-root", accel.sysfsRoot().toString());
        p.setProperty("motion.dev-dir", accel.devDir().toString());
        accel.makeFifo();
        running = MotionConfig.parse(p, "demo").start(context, sink, () -> TimeQuality.NTP, clock, scheduler, threads, r -> {
            shocks.add(r);
            if (r.position() != null) {
                located.incrementAndGet();
            }
        });
        long startNanos = start * 1_000_000L;
        threads.execute(() -> feed(accel, signal, startNanos, clock));
        how = running.how();
        out.println("  vehicle: accelerometer " + running.device().name() + " (" + how + "), road defects at "
                + java.util.Arrays.toString(java.util.Arrays.stream(DEFECTS_M).mapToLong(Math::round).toArray())
                + " m along a " + Math.round(route.lengthM()) + " m loop at "
                + Math.round(route.speedKmh()) + " km/h, position from "
                + (gnss != null ? "the GNSS receiver" : "the route model (no GNSS receiver)"));
    }

    /** Writes the scans in real time, 10 at a time, until stopped; closing the FIFO ends the reader. */
    private void feed(FakeIioDevice accel, ImuSignal.Samples signal, long startNanos, Clock clock) {
        try (OutputStream fifo = Files.newOutputStream(accel.characterDevice())) {
            while (!stopping) {
                long due = (clock.millis() * 1_000_000L - startNanos) * HZ / 1_000_000_000L;
                long n = due - signal.count();
                if (n > 0) {
                    FakeIioDevice.writeScans(fifo, signal, startNanos, HZ, (int) n);
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            if (!stopping) {
                System.err.println("  vehicle: accelerometer feed stopped: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Position position(Route.Point p) {
        return new Position(BigDecimal.valueOf(p.lat()).setScale(7, RoundingMode.HALF_EVEN),
                BigDecimal.valueOf(p.lon()).setScale(7, RoundingMode.HALF_EVEN), new BigDecimal("0.9"), 250);
    }

    /** Summary lines: the located shock events, each with where it was. */
    List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add("accelerometer (" + how + "): " + (running == null ? 0 : running.samples().get()) + " samples, "
                + shocks.size() + " road.shock events above " + Math.round(ShockDetector.Options.defaults().thresholdG() * 1000)
                + " mg, " + located.get() + " located");
        synchronized (shocks) {
            for (Reading r : shocks) {
                lines.add("  road.shock " + r.value() + " g at " + (r.position() == null ? "no fix"
                        : r.position().latitude().toPlainString() + "," + r.position().longitude().toPlainString()
                        + nearestDefect(r.position())) + " " + String.join(" ", r.flags()));
            }
        }
        return lines;
    }

    /** How far a position is from the nearest defect, as {@code " (4 m from defect 1)"}. */
    private String nearestDefect(Position p) {
        double[] at = {p.latitude().doubleValue(), p.longitude().doubleValue()};
        int best = 0;
        double bestM = Double.MAX_VALUE;
        for (int i = 0; i < DEFECTS_M.length; i++) {
            Route.Point d = route.atDistance(DEFECTS_M[i]);
            double m = Route.distanceM(at, new double[] {d.lat(), d.lon()});
            if (m < bestM) {
                bestM = m;
                best = i;
            }
        }
        return " (" + Math.round(bestM) + " m from defect " + (best + 1) + ")";
    }

    long events() {
        return shocks.size();
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        try {
            if (threads != null) {
                threads.shutdown();
                threads.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            if (running != null) {
                running.close();
            }
            if (threads != null) {
                threads.shutdownNow();
            }
        }
    }
}
