package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.simulators.tic.TicSimulator;
import io.certigate.simulators.tic.TicStreamGenerator;
import io.certigate.simulators.tic.TicTariff;
import io.certigate.testbed.pty.PtyPair;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * The TIC reader component inside Equinox, reading a simulated Linky meter (historic mode, no meter
 * date) through a real pty pair (socat): index readings reach the spine's buffer signed; moving the
 * meter to another port and changing the time quality through ConfigAdmin reopens the reader on
 * the new port, and the readings after it carry the new quality.
 */
@Tag("integration")
class TicFrameworkTest {
    static final String DEVICE = "kura-tic-1";
    static final String FILTER = "(device.id=" + DEVICE + ")";
    static final String METER = "041876097359";

    @TempDir
    Path dir;

    private final OsgiHarness osgi = new OsgiHarness();
    private final ScheduledExecutorService meterThread = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> lines = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        osgi.close(); // deletes the configurations, newest first, and waits for the spine to go
        meterThread.shutdownNow();
        for (AutoCloseable c : lines) {
            c.close();
        }
    }

    @Test
    void meterIndexesReachTheBufferSignedAndAReconfigurationTakesEffect() throws Exception {
        DeviceKey key = OsgiHarness.createDeviceKey(dir, DEVICE, CoseAlgorithm.EDDSA);
        ServiceReference<Spine> spineRef = osgi.configureSpine(dir, DEVICE);
        Spine spine = osgi.context.getService(spineRef);

        Map<String, Object> tic = new HashMap<>();
        tic.put("tic.port", meterLine("line1").toString());
        tic.put("tic.mode", "historic");
        tic.put("tic.index-period-s", 0);
        tic.put("tic.instant-period-s", 0);
        tic.put("time.quality", "ntp");
        tic.put("spine.target", FILTER);
        Configuration ticConfig = osgi.configure("io.certigate.kura.tic", tic);

        List<Reading> first = osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "meter.energy.import.base", TimeQuality.NTP) >= 3);
        assertThat(first).filteredOn(r -> r.kind().equals("meter.energy.import.base")).allSatisfy(r -> {
            assertThat(r.subject()).isEqualTo(METER);
            assertThat(r.source()).isEqualTo("tic");
            assertThat(r.unit()).isEqualTo("Wh");
        });

        // the meter moves to another port (socat's pty pair, like a serial line, ends when the
        // gateway side closes), and the gateway clock is now GNSS-disciplined
        tic.put("tic.port", meterLine("line2").toString());
        tic.put("time.quality", "gnss");
        ticConfig.update(new java.util.Hashtable<>(tic));
        osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "meter.energy.import.base", TimeQuality.GNSS) >= 2);
        osgi.context.ungetService(spineRef);
    }

    /** A simulated meter writing frames into a fresh pty pair; returns the gateway side. */
    private Path meterLine(String name) throws Exception {
        PtyPair pty = PtyPair.open(dir.resolve(name));
        lines.add(pty);
        TicStreamGenerator gen = new TicStreamGenerator(new TicStreamGenerator.Config(true, TicTariff.BASE, METER, 0, false, 7),
                new long[] {4_210_000});
        TicSimulator meter = TicSimulator.onPty(pty.deviceSide(), gen, Clock.systemUTC(), Clock.systemUTC().instant(), 60);
        lines.add(0, meter);
        meter.start(meterThread, Duration.ofMillis(300));
        return pty.gatewaySide();
    }
}
