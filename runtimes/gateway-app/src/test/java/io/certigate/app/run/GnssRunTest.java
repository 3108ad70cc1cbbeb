package io.certigate.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.metrics.Metrics;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.testing.TestSpine;
import io.certigate.gnss.GnssConfig;
import io.certigate.signing.CoseSign1;
import io.certigate.simulators.gnss.GnssSimulator;
import io.certigate.simulators.gnss.NmeaRouteGenerator;
import io.certigate.simulators.gnss.Route;
import io.certigate.testbed.pty.PtyPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GNSS receiver wired into a real spine: the route simulator on a socat pty at 1 Hz, GNSS time
 * = now; readings submitted to the sequencer come out signed with {@code tq = gnss}, and the
 * configured kind with the position.
 */
@Tag("component")
class GnssRunTest {
    @TempDir
    Path dir;

    private static Reading reading(String kind) {
        return new Reading(System.currentTimeMillis(), TimeQuality.NTP, "obd", kind, "VF1TEST", ReadingValue.of(1), null);
    }

    private static Reading committed(TestSpine spine, long seq) throws Exception {
        StoredRecord.Signed r = (StoredRecord.Signed) spine.buffer.range(seq, seq).get(0);
        ChainedReading c = ReadingCodec.decode(CoseSign1.verify(r.cose(), spine.key.publicKey(), null));
        return c.reading();
    }

    @Test
    void readingsGetGnssTimeAndTheConfiguredKindThePosition() throws Exception {
        ScheduledExecutorService device = Executors.newSingleThreadScheduledExecutor();
        Properties p = new Properties();
        try (TestSpine spine = TestSpine.start(dir.resolve("spine"));
                PtyPair pty = PtyPair.open(dir.resolve("pty"));
                GnssSimulator sim = GnssSimulator.onPath(pty.deviceSide(), new NmeaRouteGenerator(Route.demo(),
                        NmeaRouteGenerator.Options.of(30, Instant.now().truncatedTo(ChronoUnit.SECONDS))))
                        .start(device, Duration.ofSeconds(1))) {
            p.setProperty("gnss.port", pty.gatewaySide().toString());
            // the wiring is under test, not the age policy (GnssServiceTest, on virtual time): a loaded machine
            // that delays the simulator's 1 Hz sentences must not make the fix stale between two of them
            p.setProperty("gnss.max-fix-age-ms", "15000");
            Metrics metrics = new Metrics();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (AutoCloseable gnss = GnssRun.start(GnssConfig.parse(p, "test.conf"), spine.sequencer, TestSpine.DEVICE,
                    metrics, new PrintStream(log, true))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                // the sample line, not the HELP line (whose text starts with "1 while ...")
                Pattern usable = Pattern.compile("(?m)^certigate_gnss_fix_usable 1(\\.0)?$");
                while (!usable.matcher(metrics.render()).find() && System.nanoTime() < deadline) {
                    Thread.sleep(100); // until the receiver's first fix (positive condition, bounded)
                }
                assertThat(metrics.render()).containsPattern(usable);
                Reading shock = reading("road.shock");
                spine.sequencer.submit(shock).get(10, TimeUnit.SECONDS);
                spine.sequencer.submit(reading("vehicle.speed")).get(10, TimeUnit.SECONDS);

                Reading signedShock = committed(spine, 1);
                assertThat(signedShock.timeQuality()).isEqualTo(TimeQuality.GNSS);
                assertThat(Math.abs(signedShock.observedAtMillis() - shock.observedAtMillis())).isLessThan(5000);
                assertThat(signedShock.position()).isNotNull();
                assertThat(signedShock.position().latitude()).isBetween(new BigDecimal("45.75"), new BigDecimal("45.77"));
                assertThat(signedShock.position().ageMillis()).isLessThan(15_000);
                Reading signedSpeed = committed(spine, 2);
                assertThat(signedSpeed.timeQuality()).isEqualTo(TimeQuality.GNSS);
                assertThat(signedSpeed.position()).as("not a position kind by default").isNull();
                assertThat(log.toString()).contains("position on road.shock");
            }
            // stopped: readings keep their own time quality
            spine.sequencer.submit(reading("road.shock")).get(10, TimeUnit.SECONDS);
            assertThat(committed(spine, 3).timeQuality()).isEqualTo(TimeQuality.NTP);
            assertThat(committed(spine, 3).position()).isNull();
        } finally {
            device.shutdownNow();
        }
    }

    @Test
    void aMissingPortStopsTheStart() {
        Properties p = new Properties();
        p.setProperty("gnss.port", dir.resolve("ttyACM9").toString());
        assertThatThrownBy(() -> GnssRun.start(GnssConfig.parse(p, "test.conf"), null, "d", new Metrics(), System.out))
                .isInstanceOf(IOException.class).hasMessageContaining("ttyACM9: no such device");
    }

    @Test
    void configurationErrorsNameTheKey() {
        Properties p = new Properties();
        p.setProperty("gnss.port", "/dev/ttyACM0");
        p.setProperty("gnss.gpsd", "localhost");
        assertThatThrownBy(() -> GnssConfig.parse(p, "f.conf")).hasMessageContaining("set one of gnss.port");
        p.remove("gnss.gpsd");
        p.setProperty("gnss.baud", "115200");
        assertThatThrownBy(() -> GnssConfig.parse(p, "f.conf")).hasMessageContaining("gnss.baud = '115200' is not");
        p.setProperty("gnss.baud", "9600");
        p.setProperty("gnss.position-kinds", "road.shock, Vehicle speed");
        assertThatThrownBy(() -> GnssConfig.parse(p, "f.conf")).hasMessageContaining("'Vehicle speed' is not a reading kind");
        p.setProperty("gnss.position-kinds", "road.shock");
        p.setProperty("gnss.position-decimals", "road.shock = 3");
        assertThat(GnssConfig.parse(p, "f.conf").positionDecimals()).containsEntry("road.shock", 3);
        p.setProperty("gnss.position-decimals", "road.shock=x");
        assertThatThrownBy(() -> GnssConfig.parse(p, "f.conf"))
                .hasMessageContaining("f.conf: gnss.position-decimals: 'road.shock=x' is not kind=decimals");
        p.setProperty("gnss.position-decimals", "vehicle.speed=2");
        assertThatThrownBy(() -> GnssConfig.parse(p, "f.conf"))
                .hasMessageContaining("gnss.position-decimals: 'vehicle.speed' gets no position: it is not in gnss.position-kinds");
        p.remove("gnss.position-decimals");
        p.setProperty("gnss.position-kinds", "");
        assertThat(GnssConfig.parse(p, "f.conf").positionKinds()).isEmpty();
        assertThat(GnssConfig.parse(p, "f.conf").positionDecimals()).isEmpty();
        p.setProperty("gnss.postion-kinds", "x");
        assertThatThrownBy(() -> GnssConfig.parse(p, "f.conf")).hasMessageContaining("gnss.postion-kinds");
    }
}
