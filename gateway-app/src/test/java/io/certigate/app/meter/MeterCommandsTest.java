package io.certigate.app.meter;

import io.certigate.app.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.simulators.rfid.Rdm6300Simulator;
import io.certigate.simulators.tic.PtyPair;
import io.certigate.simulators.tic.TicSimulator;
import io.certigate.simulators.tic.TicStreamGenerator;
import io.certigate.simulators.tic.TicTariff;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certigate tic read} and {@code certigate rfid read} against simulators on socat ptys. */
@Tag("component")
class MeterCommandsTest {
    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }



    @Test
    void ticReadPrintsGroupsAndChecksumErrorsThenExits() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            TicStreamGenerator gen = new TicStreamGenerator(new TicStreamGenerator.Config(true, TicTariff.HCHP, "524563565245", 0.5,
                    false, 9), new long[] {1_065_963, 1_521_211});
            try (TicSimulator sim = TicSimulator.onPty(pty.deviceSide(), gen, Clock.systemUTC(), Instant.parse("2026-03-01T12:00:00Z"), 1)) {
                sim.start(scheduler, Duration.ofMillis(100));
                CliRun.Result r = CliRun.run("tic", "read", "--port", pty.gatewaySide().toString(), "--mode", "historic", "--frames", "8",
                        "--timeout", "20s");
                assertThat(r.exit()).as(r.out()).isZero();
                assertThat(r.out()).contains("frame 8: historic mode, meter 524563565245").contains("  HCHP      00152")
                        .contains("  ! ").doesNotContain("frame 9:");
            }
        }
    }

    @Test
    void ticReadTimesOutWithoutAMeter() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            CliRun.Result r = CliRun.run("tic", "read", "--port", pty.gatewaySide().toString(), "--frames", "1", "--timeout", "1s");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).contains("timeout: 0 of 1 frame(s)");
        }
    }

    @Test
    void rfidReadPrintsTags() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty")); Rdm6300Simulator sim = Rdm6300Simulator.onPty(pty.deviceSide(), 0, 3)) {
            scheduler.schedule(() -> {
                sim.present(0x0F00A1B2C3L, 2);
                return null;
            }, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
            CliRun.Result r = CliRun.run("rfid", "read", "--port", pty.gatewaySide().toString(), "--count", "2", "--timeout", "10s");
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("tag 0F00A1B2C3  card 10597059  (em4100)").contains("2 tag read(s), 0 rejected");
        }
    }
}
