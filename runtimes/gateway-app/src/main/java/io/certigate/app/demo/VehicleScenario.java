package io.certigate.app.demo;

import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.obd.BufferOdometerStore;
import io.certigate.obd.Elm327Session;
import io.certigate.obd.MileageGuard;
import io.certigate.obd.ObdPid;
import io.certigate.obd.ObdPoller;
import io.certigate.obd.ObdStats;
import io.certigate.obd.PollSchedule;
import io.certigate.obd.Elm327Port;
import io.certigate.simulators.elm327.Elm327PtyServer;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The vehicle box of {@code certigate demo}: a simulated ELM327 on a pty (socat) or, without socat,
 * on a loopback TCP port, read by the real OBD poller through a real serial or TCP link; the last
 * certified odometer is kept in the device's buffer ({@link BufferOdometerStore}). The car
 * drives an urban loop; its odometer is certified on every read until, after a few reads, someone
 * winds it back: the lower readings are still signed and chained, flagged
 * {@code rollback-suspected}, and show up as notes in {@code verify}. The box also has an
 * accelerometer ({@link VehicleRoad}) and a GNSS receiver ({@link VehicleGnss}, a simulated one on
 * a pty read by the real NMEA source): the car drives a route over road defects at known points,
 * each hit becomes a {@code road.shock} reading located by the receiver, readings get GNSS time
 * while its fix is usable, and the demo draws the road map.
 */
public final class VehicleScenario implements DemoScenario {
    /** Odometer reads before the simulated fraud. */
    static final int ROLLBACK_AFTER_READS = 4;
    static final BigDecimal ROLLBACK_KM = new BigDecimal("1500.0");
    /** The simulated car's VIN. */
    static final String VIN = "1M8GDM9AXKP042788";

    private final AtomicLong odometerReadings = new AtomicLong();
    private final AtomicLong flagged = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();
    private final AtomicReference<BigDecimal> first = new AtomicReference<>();
    private final AtomicReference<BigDecimal> lastCertified = new AtomicReference<>();
    private final ObdStats stats = new ObdStats();
    private final Duration odometerEvery;
    private volatile String port;
    private volatile String vin;
    private final VehicleRoad road = new VehicleRoad();
    private volatile String noRoad;
    private volatile VehicleGnss gnss;
    private volatile String noGnss;

    /** Reads VIN and odometer every 2 s, so that a 20 s demo shows the rollback. */
    public VehicleScenario() {
        this(Duration.ofSeconds(2));
    }

    /** @param odometerEvery how often VIN and odometer are read */
    public VehicleScenario(Duration odometerEvery) {
        this.odometerEvery = odometerEvery;
    }

    @Override
    public String name() {
        return "vehicle";
    }

    @Override
    public AutoCloseable start(Context context) throws Exception {
        SimulatedVehicle car = new SimulatedVehicle(VehicleScript.demo().withVin(VIN),
                Elm327Switches.defaults().withRollback(ROLLBACK_AFTER_READS, ROLLBACK_KM).withGarbageEvery(97),
                context.clock());
        AutoCloseable simulator;
        try {
            Elm327PtyServer pty = Elm327PtyServer.start(car, context.workDir().resolve("ttyOBD"), Duration.ofMillis(200));
            simulator = pty;
            port = pty.path().toString();
        } catch (IOException e) {
            context.out().println("  vehicle: no pty (" + e.getMessage() + "), using TCP");
            Elm327TcpServer tcp = Elm327TcpServer.start(car, 0);
            simulator = tcp;
            port = tcp.address();
        }
        context.out().println("  vehicle: simulated ELM327 on " + port + " (odometer wound back by " + ROLLBACK_KM
                + " km after " + ROLLBACK_AFTER_READS + " reads)");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "obd-poller"));
        // the last certified odometer is kept in the vehicle box's buffer, as `certigate run` does
        MileageGuard guard = new MileageGuard(new BufferOdometerStore(context.buffer()), stats);
        Map<ObdPid, Duration> pids = new EnumMap<>(ObdPid.class);
        pids.put(ObdPid.SPEED, Duration.ofMillis(500));
        pids.put(ObdPid.ENGINE_SPEED, Duration.ofSeconds(1));
        pids.put(ObdPid.COOLANT_TEMPERATURE, Duration.ofSeconds(5));
        pids.put(ObdPid.FUEL_LEVEL, Duration.ofSeconds(5));
        PollSchedule schedule = new PollSchedule(pids, odometerEvery, Duration.ofMillis(250), Duration.ofSeconds(4), 5);
        String p = port;
        // the road events' speed: the OBD reader's latest, seen on its way to the sequencer (as certigate run does)
        io.certigate.app.run.MotionSource.LatestObdSpeed obdSpeed = new io.certigate.app.run.MotionSource.LatestObdSpeed(
                context.sink(), context.clock());
        ObdPoller poller = new ObdPoller(() -> new Elm327Session(Elm327Port.forPort(p, 38400, Duration.ofSeconds(1)),
                Elm327Session.Options.defaults()), counting(obdSpeed), guard, stats, context.clock(), scheduler,
                schedule, TimeQuality.NTP).start();
        VehicleGnss receiver;
        try {
            receiver = VehicleGnss.start(context.workDir(), road.route(), VehicleRoad.DEFECTS_M, VehicleRoad.PEAKS_G,
                    context.spine().sequencer(), context.buffer().deviceId(), context.clock(), context.out());
        } catch (IOException e) {
            receiver = null;
            noGnss = e.getMessage();
            context.out().println("  vehicle: no GNSS receiver (" + noGnss + "), road events located by the route model");
        }
        gnss = receiver;
        try {
            road.start(context.workDir(), context.sink(), context.clock(), context.scheduler(), obdSpeed::get,
                    receiver == null ? null : receiver.service(),
                    receiver == null ? context.clock().millis() : receiver.startMillis(), context.out());
        } catch (IOException | io.certigate.motion.IioFormatException e) {
            noRoad = e.getMessage();
            context.out().println("  vehicle: no accelerometer (" + noRoad + ")");
        }
        AutoCloseable sim = simulator;
        VehicleGnss g = receiver;
        return () -> {
            try {
                road.close();
            } finally {
                try {
                    poller.close();
                    scheduler.shutdownNow();
                    sim.close();
                } finally {
                    if (g != null) {
                        g.close();
                    }
                }
            }
        };
    }

    private ReadingSink counting(ReadingSink sink) {
        return reading -> {
            CompletableFuture<ReadingSink.Committed> f = sink.submit(reading);
            readings.incrementAndGet();
            if (reading.kind().equals(ObdPid.ODOMETER.kind())) {
                vin = reading.subject();
                odometerReadings.incrementAndGet();
                BigDecimal km = ((ReadingValue.Decimal) reading.value()).value();
                if (reading.flags().contains(MileageGuard.ROLLBACK_SUSPECTED)) {
                    flagged.incrementAndGet();
                } else {
                    first.compareAndSet(null, km);
                    lastCertified.set(km);
                }
            }
            return f;
        };
    }

    /** Road shock events the accelerometer gave (located ones go on the road map). */
    public long roadEvents() {
        return road.events();
    }

    @Override
    public Passport passport() {
        return new Passport(vin == null ? VIN : vin, ObdPid.ODOMETER.kind());
    }

    @Override
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        ObdStats.Snapshot s = stats.snapshot();
        lines.add("adapter " + port + ", VIN " + (vin == null ? "not read" : vin) + ", " + readings.get() + " readings");
        lines.add(odometerReadings.get() + " odometer readings, " + (first.get() == null
                ? "none above the odometer certified before (kept in the buffer)"
                : "certified " + first.get() + " .. " + lastCertified.get() + " km"));
        lines.add(flagged.get() + " odometer readings flagged rollback-suspected (alerts raised: " + s.rollbacksSuspected()
                + ")");
        lines.add(s.malformedReplies() + " malformed adapter replies counted and dropped, " + s.reconnects() + " reconnects");
        VehicleGnss g = gnss;
        lines.add(g != null ? g.summary() : "no GNSS receiver: " + noGnss + " (road events located by the route model)");
        if (noRoad != null) {
            lines.add("no accelerometer: " + noRoad);
        } else {
            lines.addAll(road.summary());
        }
        return lines;
    }
}
