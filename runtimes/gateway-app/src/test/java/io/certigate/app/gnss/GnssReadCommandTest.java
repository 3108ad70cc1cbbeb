package io.certigate.app.gnss;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.simulators.gnss.GnssSimulator;
import io.certigate.simulators.gnss.NmeaRouteGenerator;
import io.certigate.simulators.gnss.Route;
import io.certigate.testbed.pty.PtyPair;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certigate gnss read} against the route simulator on a socat pty, a missing port and a refused gpsd. */
@Tag("component")
class GnssReadCommandTest {
    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void printsOneLinePerEpochThenTheCounts() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"));
                GnssSimulator sim = GnssSimulator.onPath(pty.deviceSide(), new NmeaRouteGenerator(Route.demo(),
                        new NmeaRouteGenerator.Options(36, Instant.parse("2025-03-10T12:00:00Z"),
                                NmeaRouteGenerator.Talkers.MULTI, 0.05, 3))).start(scheduler, Duration.ofMillis(50))) {
            CliRun.Result r = CliRun.run("gnss", "read", "--port", pty.gatewaySide().toString(), "--count", "5",
                    "--timeout", "20s");
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("NMEA sentences at 4800 baud")
                    .containsPattern("2025-03-10T12:00:0\\dZ  fix     45\\.76\\d*,4\\.85\\d*  hdop 0\\.\\d+  sats 9/13  36(\\.0+)? km/h"
                            + "  clock offset [+-]\\d+\\.\\d{3} s")
                    .containsPattern("\\d+ sentences decoded, \\d+ unknown skipped, \\d+ bad checksum");
            // the first epoch may be cut: a GGA without the RMC that carries the date prints as "(no time)"
            assertThat(r.out().lines().filter(l -> l.startsWith("2025-") || l.startsWith("(no time)")).count()).isEqualTo(5);
            assertThat(r.out().lines().filter(l -> l.startsWith("2025-")).count()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void aMissingPortFailsAtOnce() {
        Path missing = dir.resolve("ttyACM9");
        long start = System.nanoTime();
        CliRun.Result r = CliRun.run("gnss", "read", "--port", missing.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("gnss read: " + missing + ": no such file or directory");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRefusedGpsdFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun.Result r = CliRun.run("gnss", "read", "--gpsd", "127.0.0.1:" + port, "--seconds", "30");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("gnss read: gpsd at 127.0.0.1:" + port + ": Connection refused");
    }
}
