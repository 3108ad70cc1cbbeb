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
 * {@link MotionConfig} source and detector; position from the route model (a GNSS receiver
 * stands there on a real box), speed from the OBD reader when it has one, else the route's.
 */
final class VehicleRoad implements AutoCloseable {
    /** Where the defects are, metres along the route: three on the first street (reached in a 20 s demo), three further on. */
    static final double[] DEFECTS_M = {50, 140, 230, 600, 1100, 1700};
    static final double[] PEAKS_G = {1.4, 0.9, 2.1, 1.2, 1.6, 0.8};
    static final int HZ = 100;

    private final Route route = Route.demo();
    private final List<Reading> shocks = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong located = new AtomicLong();
    private volatile boolean stopping;
    private ExecutorService threads;
    private MotionConfig.Running running;
    private String how;

    /** Starts the device, its feeder and the detector on {@code sink}; {@code obdSpeed} is the OBD reader's latest. */
    void start(Path workDir, ReadingSink sink, Clock clock, ScheduledExecutorService scheduler,
            Supplier<OptionalDouble> obdSpeed, PrintStream out) throws IOException, IioFormatException {
        FakeIioDevice accel = FakeIioDevice.create(workDir.resolve("iio"), 0, "lis3dh", HZ, true);
        long start = clock.millis();
        List<Shock> jolts = new ArrayList<>();
        for (int lap = 0; lap < 30; lap++) {
            for (int i = 0; i < DEFECTS_M.length; i++) {
                long at = route.millisAt(lap * route.lengthM() + DEFECTS_M[i]);
                jolts.add(new Shock(at, PEAKS_G[i], 40 + 10 * (i % 3), 0.4));
            }
        }
        ImuSignal.Samples signal = new ImuSignal(HZ, new double[] {0.05, -0.12, 0.99}, 0.03, 0.05, jolts, start).samples();
        VehicleContext context = VehicleContext.of(() -> Optional.of(position(route.at(clock.millis() - start))), obdSpeed,
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
                + java.util.Arrays.toString(DEFECTS_M) + " m along a " + Math.round(route.lengthM()) + " m loop at "
                + Math.round(route.speedKmh()) + " km/h");
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
                        : r.position().latitude().toPlainString() + "," + r.position().longitude().toPlainString()) + " "
                        + String.join(" ", r.flags()));
            }
        }
        return lines;
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
