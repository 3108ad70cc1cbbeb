package io.certigate.app.demo;

import io.certigate.core.sequencer.Sequencer;
import io.certigate.gnss.GnssFix;
import io.certigate.gnss.GnssService;
import io.certigate.gnss.GnssSettings;
import io.certigate.gnss.SerialGnssSource;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.simulators.gnss.GnssSimulator;
import io.certigate.simulators.gnss.NmeaRouteGenerator;
import io.certigate.simulators.motion.Route;
import io.certigate.testbed.pty.PtyPair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The vehicle box's GNSS receiver in {@code certigate demo}: a simulated receiver
 * ({@link NmeaRouteGenerator}, 1 Hz NMEA) on a socat pty driving the same route as the
 * accelerometer's car ({@link VehicleRoad}, whose {@link Route} is the source of truth: the
 * receiver's route is built from its vertices and defects), read by the real
 * {@link SerialGnssSource} and {@link GnssService} as {@code certigate run} does: the service's
 * stamp is the sequencer's reading step (GNSS time on readings while the fix is usable, the
 * position on {@code road.shock}), and the road-event detector takes its position from it. Epoch
 * {@code n} is the car's position {@code n} s after {@link #startMillis()} and is written at that
 * moment, so that the receiver and the accelerometer agree on where the car is.
 */
final class VehicleGnss implements AutoCloseable {
    private final PtyPair pty;
    private final GnssSimulator simulator;
    private final SerialGnssSource source;
    private final GnssService service;
    private final Sequencer sequencer;
    private final ScheduledExecutorService threads;
    private final long startMillis;
    private final java.util.concurrent.atomic.AtomicLong gnssTimed;

    private VehicleGnss(PtyPair pty, GnssSimulator simulator, SerialGnssSource source, GnssService service,
            Sequencer sequencer, ScheduledExecutorService threads, long startMillis,
            java.util.concurrent.atomic.AtomicLong gnssTimed) {
        this.gnssTimed = gnssTimed;
        this.pty = pty;
        this.simulator = simulator;
        this.source = source;
        this.service = service;
        this.sequencer = sequencer;
        this.threads = threads;
        this.startMillis = startMillis;
    }

    /**
     * Starts the simulated receiver on a pty in {@code workDir}, the serial source and the service,
     * and stamps the sequencer's readings with it; the route starts on the next whole second but one.
     *
     * @throws IOException when socat is missing or does not create the pty
     */
    static VehicleGnss start(Path workDir, Route route, double[] defectsM, double[] peaksG, Sequencer sequencer,
            String deviceId, Clock clock, PrintStream out) throws IOException {
        PtyPair pty = PtyPair.open(workDir.resolve("gnss"));
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "demo-gnss");
            t.setDaemon(true);
            return t;
        });
        try {
            long now = clock.millis();
            long start = (now / 1000 + 2) * 1000; // NMEA times are whole seconds here: GNSS time starts on one
            NmeaRouteGenerator generator = new NmeaRouteGenerator(gnssRoute(route, defectsM, peaksG),
                    NmeaRouteGenerator.Options.of(route.speedKmh(), Instant.ofEpochMilli(start)));
            GnssSimulator simulator = GnssSimulator.onPath(pty.deviceSide(), generator);
            threads.scheduleAtFixedRate(() -> {
                try {
                    simulator.writeEpochs(1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e); // the pty is gone: the box is stopping
                }
            }, start - now, 1000, TimeUnit.MILLISECONDS);
            GnssService service = new GnssService(clock, System::nanoTime, threads, new GnssService.Options(
                    Duration.ofMillis(GnssSettings.MAX_FIX_AGE_MS.defaultValueAsLong()),
                    Duration.ofMillis(GnssSettings.CLOCK_OFFSET_ALERT_MS.defaultValueAsLong()), Duration.ofSeconds(10),
                    Set.of("road.shock"), deviceId), sequencer).start();
            SerialGnssSource source = new SerialGnssSource(JSerialCommLink.at(pty.gatewaySide().toString()),
                    SerialGnssSource.Options.of(9600), clock, System::nanoTime, service::update, threads).start();
            UnaryOperator<io.certigate.core.model.Reading> stamp = service.stamp();
            java.util.concurrent.atomic.AtomicLong gnssTimed = new java.util.concurrent.atomic.AtomicLong();
            sequencer.stampWith(r -> {
                io.certigate.core.model.Reading stamped = stamp.apply(r);
                if (stamped.timeQuality() != r.timeQuality()) {
                    gnssTimed.incrementAndGet();
                }
                return stamped;
            });
            out.println("  vehicle: simulated GNSS receiver (NMEA 0183, 1 Hz) on " + pty.gatewaySide()
                    + ", same route as the accelerometer; GNSS time on readings while the fix is usable");
            return new VehicleGnss(pty, simulator, source, service, sequencer, threads, start, gnssTimed);
        } catch (IOException | RuntimeException e) {
            threads.shutdownNow();
            pty.close();
            throw e;
        }
    }

    /** The receiver's route: the same polyline, no tunnel, the accelerometer's defects. */
    static io.certigate.simulators.gnss.Route gnssRoute(Route route, double[] defectsM, double[] peaksG) {
        List<io.certigate.simulators.gnss.Route.Point> points = route.vertices().stream()
                .map(v -> new io.certigate.simulators.gnss.Route.Point(v[0], v[1])).toList();
        List<String> ids = new ArrayList<>();
        List<Double> at = new ArrayList<>();
        List<Double> peaks = new ArrayList<>();
        for (int i = 0; i < defectsM.length; i++) {
            ids.add("defect-" + (i + 1));
            at.add(defectsM[i]);
            peaks.add(peaksG[i]);
        }
        return new io.certigate.simulators.gnss.Route(points, List.of(), ids, at, peaks);
    }

    /** Gateway time of the route's start (GNSS epoch 0). */
    long startMillis() {
        return startMillis;
    }

    GnssService service() {
        return service;
    }

    /** The defects on the receiver's route, with their coordinates. */
    List<io.certigate.simulators.gnss.Route.RoadDefect> defects() {
        return simulator.generator().route().defects();
    }

    /** Summary line: the receiver's state. */
    String summary() {
        GnssFix fix = service.latest().orElse(null);
        StringBuilder sb = new StringBuilder("GNSS receiver on " + pty.gatewaySide() + ": " + simulator.nextEpoch()
                + " epochs sent, " + source.stats().counts().sentences() + " sentences read ("
                + source.stats().counts().bad() + " bad), ");
        if (fix == null) {
            return sb.append("no fix yet").toString();
        }
        sb.append(fix.valid() ? "fix valid" : "no fix").append(", ").append(fix.satellitesUsed()).append(" satellites used (")
                .append(fix.satellitesInView()).append(" in view)");
        if (fix.hdop() != null) {
            sb.append(", HDOP ").append(fix.hdop().toPlainString());
        }
        fix.clockOffsetMillis().ifPresent(o -> sb.append(", gateway clock ").append(o).append(" ms off GNSS time"));
        sb.append("; ").append(gnssTimed.get()).append(" readings got GNSS time");
        return sb.toString();
    }

    @Override
    public void close() {
        sequencer.stampWith(UnaryOperator.identity());
        try {
            source.close();
        } finally {
            service.close();
            threads.shutdownNow();
            try {
                simulator.close();
            } catch (IOException e) {
                // the pty is going away with it
            }
            pty.close();
        }
    }
}
