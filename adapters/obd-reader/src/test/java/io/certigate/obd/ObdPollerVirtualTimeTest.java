package io.certigate.obd;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import io.certigate.testbed.time.ManualScheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller's timing on virtual time: its tasks run on the test's thread when the test advances
 * a {@link ManualScheduler}, against the simulator over TCP and a real sequencer. Each PID is
 * polled exactly on its period and never in between; after an unplug the reconnect attempts come
 * exactly after the doubling backoff. The same poller on a real scheduler: {@link ObdPollerComponentTest}.
 */
@Tag("component")
class ObdPollerVirtualTimeTest {
    private static final VehicleScript CAR = VehicleScript.demo().withVin("1M8GDM9AXKP042788");

    @TempDir
    Path dir;

    private final ManualScheduler scheduler = new ManualScheduler();

    private ObdPoller poller(Elm327TcpServer sim, ObdTestSpine spine, ObdStats stats) throws Exception {
        Map<ObdPid, Duration> m = new EnumMap<>(ObdPid.class);
        m.put(ObdPid.SPEED, Duration.ofMillis(40));
        m.put(ObdPid.ENGINE_SPEED, Duration.ofMillis(80));
        m.put(ObdPid.DISTANCE_SINCE_CLEARED, Duration.ofMillis(200));
        PollSchedule schedule = new PollSchedule(m, Duration.ofHours(1), Duration.ofMillis(50), Duration.ofMillis(400), 5);
        Elm327Session.Options options = new Elm327Session.Options(true, false, Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        MileageGuard guard = new MileageGuard(new BufferOdometerStore(spine.buffer), stats);
        return new ObdPoller(() -> new Elm327Session(Elm327Port.forPort(sim.address(), 0, Duration.ofSeconds(1)), options),
                spine.sequencer, guard, stats, scheduler.clock(), scheduler, schedule, TimeQuality.NTP);
    }

    @Test
    void pollsEachPidExactlyOnItsPeriodAndReconnectsAfterTheDoublingBackoff() throws Exception {
        ObdStats stats = new ObdStats();
        long t0 = scheduler.clock().millis();
        try (ObdTestSpine spine = ObdTestSpine.start(dir);
                Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR, Elm327Switches.defaults(),
                        Clock.systemUTC()), 0);
                ObdPoller p = poller(sim, spine, stats).start()) {
            assertThat(stats.snapshot().readings()).as("nothing before time is driven").isZero();
            scheduler.runDue(); // connect, identity, every PID once
            assertThat(p.state()).isEqualTo(ObdPoller.State.POLLING);
            long first = stats.snapshot().readings();
            assertThat(first).isPositive();

            scheduler.advance(Duration.ofMillis(39));
            assertThat(stats.snapshot().readings()).as("nothing polled before the first period is over").isEqualTo(first);
            scheduler.advance(Duration.ofMillis(1));
            assertThat(stats.snapshot().readings()).as("the speed at 40 ms").isEqualTo(first + 1);
            scheduler.advance(Duration.ofMillis(160)); // 80: speed + rpm, 120: speed, 160: speed + rpm, 200: speed + distance
            assertThat(stats.snapshot().readings()).isEqualTo(first + 1 + 2 + 1 + 2 + 2);
            assertThat(scheduler.pending()).as("one tick waits for the next due PID").isEqualTo(1);

            ObdTestSpine.await("readings committed", Duration.ofSeconds(5),
                    () -> spine.sequencer.committedCount() >= stats.snapshot().readings());
            List<Reading> all = spine.committed();
            assertThat(offsets(all, "vehicle.speed", t0)).containsExactly(0L, 40L, 80L, 120L, 160L, 200L);
            assertThat(offsets(all, "vehicle.engine.speed", t0)).containsExactly(0L, 80L, 160L);

            sim.close(); // the adapter goes away: the poll at 240 ms finds it gone
            scheduler.advance(Duration.ofMillis(40));
            assertThat(p.state()).isEqualTo(ObdPoller.State.BACKING_OFF);
            assertThat(stats.snapshot().reconnects()).isEqualTo(1);
            scheduler.advance(Duration.ofMillis(49));
            assertThat(stats.snapshot().reconnects()).as("no attempt before the 50 ms backoff").isEqualTo(1);
            scheduler.advance(Duration.ofMillis(1));
            assertThat(stats.snapshot().reconnects()).as("the attempt at 50 ms failed").isEqualTo(2);
            scheduler.advance(Duration.ofMillis(99));
            assertThat(stats.snapshot().reconnects()).as("then 100 ms").isEqualTo(2);
            scheduler.advance(Duration.ofMillis(1));
            assertThat(stats.snapshot().reconnects()).isEqualTo(3);
        }
        assertThat(scheduler.failures()).isEmpty();
    }

    private static List<Long> offsets(List<Reading> all, String kind, long t0) {
        return all.stream().filter(r -> r.kind().equals(kind)).map(r -> r.observedAtMillis() - t0).toList();
    }
}
