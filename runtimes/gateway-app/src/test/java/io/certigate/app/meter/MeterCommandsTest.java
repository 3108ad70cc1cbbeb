package io.certigate.app.meter;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.app.CliRun;
import io.certigate.simulators.rfid.Rdm6300Simulator;
import io.certigate.simulators.tic.TicSimulator;
import io.certigate.simulators.tic.TicStreamGenerator;
import io.certigate.simulators.tic.TicTariff;
import io.certigate.testbed.pty.PtyPair;
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
    void ticReadReportsAMissingPortAtOnce() {
        Path missing = dir.resolve("ttyUSB7");
        long start = System.nanoTime();
        CliRun.Result r = CliRun.run("tic", "read", "--port", missing.toString(), "--frames", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("tic read: " + missing + ": no such file or directory");
        assertThat(r.out()).doesNotContain("timeout");
        // the default wait is 60 s: ending long before it shows the command did not wait at all
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void ticReadSaysWhatItWaitedForOnASilentLine() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            CliRun.Result r = CliRun.run("tic", "read", "--port", pty.gatewaySide().toString(), "--frames", "2", "--timeout", "500ms");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).contains("timeout: 0 of 2 frame(s) after 500 ms of waiting for TIC frames on " + pty.gatewaySide());
        }
    }

    @Test
    void rfidReadReportsAMissingOrUnopenablePortAtOnce() {
        Path missing = dir.resolve("ttyACM3");
        long start = System.nanoTime();
        CliRun.Result r = CliRun.run("rfid", "read", "--port", missing.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("rfid read: " + missing + ": no such file or directory");
        CliRun.Result d = CliRun.run("rfid", "read", "--port", dir.toString());
        assertThat(d.exit()).isEqualTo(1);
        assertThat(d.err()).contains("rfid read: " + dir + ": cannot open the serial port: is a directory (errno 21)");
        // once this waited forever; now well inside the 60 s default
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void rfidReadEndsWithinItsWaitOnAReaderThatSendsNothing() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            CliRun.Result r = CliRun.run("rfid", "read", "--port", pty.gatewaySide().toString(), "--count", "1", "--timeout", "500ms");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).contains("0 tag read(s)")
                    .contains("timeout: 0 of 1 tag read(s) after 500 ms of waiting for tags on " + pty.gatewaySide());
        }
    }

    @Test
    void rfidReadWithoutACountStopsAtItsTimeoutAndSaysSo() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            CliRun.Result r = CliRun.run("rfid", "read", "--port", pty.gatewaySide().toString(), "--timeout", "300ms");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("0 tag read(s)")
                    .contains("stopped after 300 ms of waiting for tags on " + pty.gatewaySide());
        }
    }

    @Test
    void rfidReadWaitsABoundedTimeByDefault() {
        var read = CertigateCli.commandLine().getSubcommands().get("rfid").getSubcommands().get("read").getCommandSpec();
        assertThat(read.findOption("--timeout").defaultValue()).isEqualTo("60s");
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
