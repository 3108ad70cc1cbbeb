package io.certigate.gnss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.simulators.gnss.GnssSimulator;
import io.certigate.simulators.gnss.NmeaRouteGenerator;
import io.certigate.simulators.gnss.Route;
import io.certigate.testbed.pty.PtyPair;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gpsd source against the real gpsd (Debian package {@code gpsd}; scripts/install-deps installs
 * it): gpsd reads the route simulator's NMEA from a socat pty ({@code gpsd -N -n -b}), the source
 * reads gpsd's TPV and SKY reports over TCP. A missing gpsd is an error, not a skip.
 */
@Tag("integration")
class GpsdInteropTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void fixesFromGpsdFedByTheSimulator(@TempDir Path dir) throws Exception {
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        NmeaRouteGenerator generator = new NmeaRouteGenerator(Route.demo(), new NmeaRouteGenerator.Options(50, start,
                NmeaRouteGenerator.Talkers.MULTI, 0.02, 11));
        int port = freePort();
        ScheduledExecutorService device = Executors.newSingleThreadScheduledExecutor();
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();
        List<GnssFix> fixes = new CopyOnWriteArrayList<>();
        Process gpsd = null;
        try (PtyPair pty = PtyPair.open(dir);
                GnssSimulator sim = GnssSimulator.onPath(pty.deviceSide(), generator).start(device, Duration.ofMillis(200))) {
            // -N foreground, -n open the device now, -b never write to it, -S our port, -F a control socket of our own
            gpsd = new ProcessBuilder(gpsdProgram(), "-N", "-n", "-b", "-S", String.valueOf(port), "-F",
                    dir.resolve("gpsd.sock").toString(), pty.gatewaySide().toRealPath().toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("gpsd.log").toFile()).start();
            GpsdSource source = new GpsdSource(new GpsdAddress("127.0.0.1", port), GpsdSource.Options.DEFAULT,
                    Clock.systemUTC(), System::nanoTime, fixes::add, reader);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) { // gpsd takes a moment to listen
                try {
                    source.open();
                    break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !gpsd.isAlive()) {
                        throw new AssertionError("gpsd did not listen on " + port + ": "
                                + java.nio.file.Files.readString(dir.resolve("gpsd.log")), notYet);
                    }
                    Thread.sleep(100);
                }
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            source.pump(() -> System.nanoTime() < until
                    && fixes.stream().filter(GnssFix::hasPosition).filter(f -> f.hdop() != null).count() < 3);
            source.close();

            assertThat(source.version()).isNotNull();
            assertThat(source.version().protoMajor()).isEqualTo(3);
            GnssFix fix = fixes.stream().filter(GnssFix::hasPosition).filter(f -> f.hdop() != null).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no fix with position from gpsd; its log: " + log(dir)));
            assertThat(fix.latitude()).isBetween(new BigDecimal("45.75"), new BigDecimal("45.77"));
            assertThat(fix.longitude()).isBetween(new BigDecimal("4.84"), new BigDecimal("4.87"));
            assertThat(fix.utc()).isAfterOrEqualTo(start);
            assertThat(fix.speedKmh()).isCloseTo(new BigDecimal("50"), org.assertj.core.data.Offset.offset(new BigDecimal("0.5")));
            assertThat(fix.satellitesUsed()).isPositive();
            assertThat(source.badLines()).isZero();
        } finally {
            if (gpsd != null) {
                gpsd.destroy();
                if (!gpsd.waitFor(5, TimeUnit.SECONDS)) {
                    gpsd.destroyForcibly();
                }
            }
            device.shutdownNow();
            reader.shutdownNow();
        }
    }

    @Test
    void aRefusedGpsdFailsFastNamingTheAddress() throws IOException {
        int port = freePort();
        GpsdSource source = new GpsdSource(new GpsdAddress("127.0.0.1", port), GpsdSource.Options.DEFAULT, Clock.systemUTC(),
                System::nanoTime, f -> { }, null);
        assertThatThrownBy(source::open).isInstanceOf(IOException.class).hasMessageContaining("gpsd at 127.0.0.1:" + port);
    }

    /** gpsd from the PATH, or where Debian installs it (/usr/sbin is not on every user's PATH). */
    private static String gpsdProgram() {
        return java.nio.file.Files.isExecutable(Path.of("/usr/sbin/gpsd")) ? "/usr/sbin/gpsd" : "gpsd";
    }

    private static String log(Path dir) {
        try {
            return java.nio.file.Files.readString(dir.resolve("gpsd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
