package io.certigate.gnss;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.simulators.gnss.GnssSimulator;
import io.certigate.simulators.gnss.NmeaRouteGenerator;
import io.certigate.simulators.gnss.Route;
import io.certigate.testbed.pty.PtyPair;
import java.math.BigDecimal;
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
 * The serial source on jSerialComm over a socat pty, fed by the route simulator at 50 epochs a
 * second (a fast-forward drive: the parser does not care how fast epochs come) with 3 % of the
 * sentences damaged, through the tunnel and out of it.
 */
@Tag("component")
class SerialGnssSourcePtyTest {

    @Test
    void fixesFromTheSimulatedDriveThroughTheTunnel(@TempDir Path dir) throws Exception {
        Instant start = Instant.parse("2025-03-10T12:00:00Z");
        NmeaRouteGenerator generator = new NmeaRouteGenerator(Route.demo(), new NmeaRouteGenerator.Options(36, start,
                NmeaRouteGenerator.Talkers.MULTI, 0.03, 7));
        List<GnssFix> fixes = new CopyOnWriteArrayList<>();
        ScheduledExecutorService device = Executors.newSingleThreadScheduledExecutor();
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();
        try (PtyPair pty = PtyPair.open(dir);
                GnssSimulator sim = GnssSimulator.onPath(pty.deviceSide(), generator).start(device, Duration.ofMillis(20));
                SerialGnssSource source = new SerialGnssSource(JSerialCommLink.at(pty.gatewaySide().toString()),
                        SerialGnssSource.Options.of(0), Clock.systemUTC(), System::nanoTime, fixes::add, reader).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sim.nextEpoch() < 170 && System.nanoTime() < deadline) {
                Thread.sleep(50); // waiting for the drive to pass the tunnel (positive condition, bounded)
            }
            Thread.sleep(200);
            assertThat(source.baud()).isEqualTo(4800); // a pty passes bytes whatever the rate: the first one tried
            assertThat(source.connected()).isTrue();
            NmeaStats.Counts c = source.stats().counts();
            assertThat(c.badChecksum()).isPositive();
            assertThat(c.malformed()).isZero();
            assertThat(c.sentences()).isGreaterThan(1000);

            List<GnssFix> ofEpoch = fixes.stream().filter(f -> f.utc() != null).toList();
            GnssFix first = ofEpoch.stream().filter(GnssFix::hasPosition).findFirst().orElseThrow();
            assertThat(first.latitude()).isBetween(new BigDecimal("45.75"), new BigDecimal("45.77"));
            assertThat(first.speedKmh()).isCloseTo(new BigDecimal("36"), org.assertj.core.data.Offset.offset(new BigDecimal("0.01"))); // RMC knots first
            assertThat(ofEpoch).anySatisfy(f -> {
                assertThat(f.utc()).isEqualTo(start.plusSeconds(125)); // 1250 m: in the tunnel
                assertThat(f.valid()).isFalse();
            });
            assertThat(ofEpoch).anySatisfy(f -> {
                assertThat(f.utc()).isEqualTo(start.plusSeconds(150)); // out again
                assertThat(f.hasPosition()).isTrue();
            });
        } finally {
            device.shutdownNow();
            reader.shutdownNow();
        }
    }
}
