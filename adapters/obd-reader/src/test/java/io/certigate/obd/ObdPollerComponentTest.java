package io.certigate.obd;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.simulators.elm327.Elm327PtyServer;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poller against the simulator over TCP, feeding a real sequencer and buffer. */
@Tag("component")
@Tag("realtime")
class ObdPollerComponentTest {
    private static final String VIN = "1M8GDM9AXKP042788";
    private static final VehicleScript CAR = VehicleScript.demo().withVin(VIN);

    @TempDir
    Path dir;
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "obd-poller"));
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private static PollSchedule fast(int quietLimit) {
        Map<ObdPid, Duration> m = new EnumMap<>(ObdPid.class);
        m.put(ObdPid.SPEED, Duration.ofMillis(40));
        m.put(ObdPid.ENGINE_SPEED, Duration.ofMillis(80));
        m.put(ObdPid.DISTANCE_SINCE_CLEARED, Duration.ofMillis(200));
        return new PollSchedule(m, Duration.ofMillis(150), Duration.ofMillis(50), Duration.ofMillis(400), quietLimit);
    }

    private ObdPoller poller(Elm327TcpServer sim, ObdTestSpine spine, MileageGuard guard, ObdStats stats, int quietLimit) {
        Elm327Session.Options options = new Elm327Session.Options(true, false, Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        return new ObdPoller(() -> new Elm327Session(Elm327Port.forPort(sim.address(), 0, Duration.ofSeconds(1)), options),
                spine.sequencer, guard, stats, Clock.systemUTC(), scheduler, fast(quietLimit), TimeQuality.NTP);
    }

    private static void awaitCommitted(ObdTestSpine spine, ObdStats stats) throws InterruptedException {
        ObdTestSpine.await("all readings committed", Duration.ofSeconds(5),
                () -> spine.sequencer.committedCount() >= stats.snapshot().readings());
    }

    private static List<Reading> ofKind(List<Reading> all, String kind) {
        return all.stream().filter(r -> r.kind().equals(kind)).collect(Collectors.toList());
    }

    private static BigDecimal km(Reading r) {
        return ((ReadingValue.Decimal) r.value()).value();
    }

    @Test
    void certifiesTheOdometerAndFlagsARollbackThatSurvivesRestarts() throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withRollback(3, new BigDecimal("500.0"));
        ObdStats stats = new ObdStats();
        BigDecimal certified;
        try (ObdTestSpine spine = ObdTestSpine.start(dir);
                Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR, sw, Clock.systemUTC()), 0)) {
            MileageGuard guard = new MileageGuard(new BufferOdometerStore(spine.buffer), stats);
            try (ObdPoller p = poller(sim, spine, guard, stats, 5).start()) {
                ObdTestSpine.await("5 odometer readings", Duration.ofSeconds(20),
                        () -> sim.vehicle().odometerReads() >= 5 && stats.snapshot().rollbacksSuspected() >= 2);
            }
            awaitCommitted(spine, stats);
            List<Reading> all = spine.committed();
            List<Reading> odo = ofKind(all, "vehicle.odometer");
            assertThat(odo).hasSizeGreaterThanOrEqualTo(5).allSatisfy(r -> {
                assertThat(r.subject()).isEqualTo(VIN);
                assertThat(r.unit()).isEqualTo("km");
                assertThat(r.source()).isEqualTo("obd");
            });
            assertThat(odo.subList(0, 3)).allSatisfy(r -> assertThat(r.flags()).isEmpty());
            assertThat(odo.get(3).flags()).containsExactly(MileageGuard.ROLLBACK_SUSPECTED);
            assertThat(km(odo.get(3))).isLessThan(km(odo.get(2)));
            assertThat(ofKind(all, "vehicle.vin")).isNotEmpty().allSatisfy(r -> {
                assertThat(r.value()).isEqualTo(ReadingValue.of(VIN));
                assertThat(r.flags()).isEmpty();
            });
            assertThat(ofKind(all, "vehicle.speed")).isNotEmpty().allSatisfy(r -> assertThat(r.unit()).isEqualTo("km/h"));
            certified = guard.lastCertified(VIN).orElseThrow();
            assertThat(certified).isEqualTo(km(odo.get(2)));
            assertThat(stats.snapshot().rollbacksSuspected()).isEqualTo(odo.stream().filter(r -> !r.flags().isEmpty()).count());
        }
        // after a restart the certified value is still there: a fresh (lower) odometer is flagged at once
        try (ObdTestSpine spine = ObdTestSpine.start(dir);
                Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR.withOdometer(new BigDecimal("1000.0")),
                        Elm327Switches.defaults(), Clock.systemUTC()), 0)) {
            ObdStats stats2 = new ObdStats();
            MileageGuard guard = new MileageGuard(new BufferOdometerStore(spine.buffer), stats2);
            assertThat(guard.lastCertified(VIN)).contains(certified);
            long before = spine.buffer.head().seq();
            try (ObdPoller p = poller(sim, spine, guard, stats2, 5).start()) {
                ObdTestSpine.await("an odometer reading", Duration.ofSeconds(10), () -> sim.vehicle().odometerReads() >= 1);
            }
            awaitCommitted(spine, stats2);
            List<Reading> odo = ofKind(spine.committed(), "vehicle.odometer");
            Reading first = odo.get(odo.size() - 1);
            assertThat(spine.buffer.head().seq()).isGreaterThan(before);
            assertThat(first.flags()).containsExactly(MileageGuard.ROLLBACK_SUSPECTED);
            assertThat(guard.lastCertified(VIN)).contains(certified);
        }
    }

    @Test
    void withoutA6TheMetadataSaysSoAndNoDistanceBecomesAnOdometer() throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withOdometerSupported(false);
        ObdStats stats = new ObdStats();
        try (ObdTestSpine spine = ObdTestSpine.start(dir);
                Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR, sw, Clock.systemUTC()), 0)) {
            MileageGuard guard = new MileageGuard(new BufferOdometerStore(spine.buffer), stats);
            try (ObdPoller p = poller(sim, spine, guard, stats, 5).start()) {
                ObdTestSpine.await("readings", Duration.ofSeconds(10), () -> stats.snapshot().readings() >= 12);
            }
            awaitCommitted(spine, stats);
            List<Reading> all = spine.committed();
            assertThat(ofKind(all, "vehicle.odometer")).isEmpty();
            assertThat(ofKind(all, "vehicle.vin")).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.flags()).contains(ObdPoller.ODOMETER_UNSUPPORTED));
            assertThat(ofKind(all, "vehicle.distance.since-cleared")).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.flags()).contains(ObdPoller.ODOMETER_UNSUPPORTED));
            assertThat(guard.lastCertified(VIN)).isEmpty();
        }
    }

    @Test
    void garbageNoDataBurstsAndUnplugsAreSurvived() throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withGarbageEvery(7).withNoDataBursts(23, 4).withDisconnectAfter(40);
        ObdStats stats = new ObdStats();
        try (ObdTestSpine spine = ObdTestSpine.start(dir);
                Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR, sw, Clock.systemUTC()), 0)) {
            MileageGuard guard = new MileageGuard(new BufferOdometerStore(spine.buffer), stats);
            try (ObdPoller p = poller(sim, spine, guard, stats, 3).start()) {
                ObdTestSpine.await("faults and recovery", Duration.ofSeconds(30), () -> {
                    ObdStats.Snapshot s = stats.snapshot();
                    return s.malformedReplies() >= 3 && s.reconnects() >= 2 && s.conditions() >= 4 && s.readings() >= 60
                            && p.state() == ObdPoller.State.POLLING;
                });
            }
            awaitCommitted(spine, stats);
            List<Reading> all = spine.committed();
            // a garbage reply never becomes a value: every speed is one of the script's speeds
            assertThat(ofKind(all, "vehicle.speed")).isNotEmpty()
                    .allSatisfy(r -> assertThat(CAR.speedProfileKmh()).contains((int) ((ReadingValue.Int) r.value()).value()));
            assertThat(ofKind(all, "vehicle.odometer")).isNotEmpty()
                    .allSatisfy(r -> assertThat(km(r)).isGreaterThanOrEqualTo(CAR.odometerStartKm()));
            assertThat(ofKind(all, "vehicle.odometer")).allSatisfy(r -> assertThat(r.flags()).isEmpty());
        }
    }

    @Test
    void healthShowsAnUnpluggedAdapterDisconnectedWithReconnectsGrowing() throws Exception {
        ObdStats stats = new ObdStats();
        try (ObdTestSpine spine = ObdTestSpine.start(dir)) {
            MileageGuard guard = new MileageGuard(new BufferOdometerStore(spine.buffer), stats);
            Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR, Elm327Switches.defaults().withGarbageEvery(5),
                    Clock.systemUTC()), 0);
            try (ObdPoller p = poller(sim, spine, guard, stats, 3).start()) {
                ObdTestSpine.await("polling", Duration.ofSeconds(15), () -> p.health().connected()
                        && p.health().readings() >= 10 && p.health().malformed() >= 1);
                assertThat(p.health().reconnects()).isZero();
                sim.close(); // the adapter goes away
                ObdTestSpine.await("unplugged", Duration.ofSeconds(20), () -> !p.health().connected()
                        && p.health().reconnects() >= 3);
                assertThat(p.health().readings()).isEqualTo(stats.snapshot().readings());
            } finally {
                sim.close();
            }
        }
    }

    @Test
    void serialAdapterUnpluggedAndReplugged() throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withDisconnectAfter(30);
        ObdStats stats = new ObdStats();
        try (ObdTestSpine spine = ObdTestSpine.start(dir);
                Elm327PtyServer sim = Elm327PtyServer.start(new SimulatedVehicle(CAR, sw, Clock.systemUTC()),
                        dir.resolve("ttyOBD"), Duration.ofMillis(300))) {
            MileageGuard guard = new MileageGuard(new BufferOdometerStore(spine.buffer), stats);
            Elm327Session.Options options = new Elm327Session.Options(false, true, Duration.ofMillis(500),
                    Duration.ofSeconds(1), Duration.ofSeconds(1));
            String path = sim.path().toString();
            try (ObdPoller p = new ObdPoller(() -> new Elm327Session(Elm327Port.forPort(path, 38400, Duration.ofMillis(300)),
                    options), spine.sequencer, guard, stats, Clock.systemUTC(), scheduler, fast(5), TimeQuality.NTP).start()) {
                ObdTestSpine.await("polling again after the unplug", Duration.ofSeconds(20), () -> stats.snapshot().reconnects() >= 1
                        && sim.vehicle().odometerReads() >= 3 && p.state() == ObdPoller.State.POLLING);
                assertThat(p.vin().value()).isEqualTo(VIN);
            }
            awaitCommitted(spine, stats);
            List<Reading> odo = ofKind(spine.committed(), "vehicle.odometer");
            assertThat(odo).hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> assertThat(r.flags()).isEmpty());
        }
    }
}
