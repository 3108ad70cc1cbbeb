package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.simulators.rfid.Rdm6300Simulator;
import io.certigate.testbed.pty.PtyPair;
import java.nio.file.Path;
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
 * The RFID reader component inside Equinox, reading a simulated RDM6300 through a real pty pair
 * (socat) while one tag is held on it: with a long debounce the whole presentation is one signed
 * reading; moved to another port with no debounce and another time quality, every read is one.
 */
@Tag("integration")
class RfidFrameworkTest {
    static final String DEVICE = "kura-rfid-1";
    static final String FILTER = "(device.id=" + DEVICE + ")";
    static final long TAG = 0x0A_0012_3456L;

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
    void aHeldTagIsOneSignedReadingUntilTheDebounceIsTurnedOffOnAnotherPort() throws Exception {
        DeviceKey key = OsgiHarness.createDeviceKey(dir, DEVICE, CoseAlgorithm.EDDSA);
        ServiceReference<Spine> spineRef = osgi.configureSpine(dir, DEVICE);
        Spine spine = osgi.context.getService(spineRef);

        Map<String, Object> rfid = new HashMap<>();
        rfid.put("rfid.port", readerLine("line1").toString());
        rfid.put("rfid.debounce-ms", 600_000);
        rfid.put("time.quality", "ntp");
        rfid.put("spine.target", FILTER);
        Configuration rfidConfig = osgi.configure("io.certigate.kura.rfid", rfid);

        List<Reading> held = osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "rfid.tag", TimeQuality.NTP) >= 1);
        Thread.sleep(1500); // the tag stays on the reader: more reads, no more readings
        held = osgi.awaitReadings(key, spine, rs -> true);
        assertThat(held).hasSize(1).allSatisfy(r -> {
            assertThat(r.kind()).isEqualTo("rfid.tag");
            assertThat(r.source()).startsWith("rfid");
            assertThat(r.value()).isEqualTo(io.certigate.core.model.ReadingValue.of(TAG & 0xFFFF_FFFFL));
            assertThat(r.subject()).isEqualTo("0A00123456");
        });

        rfid.put("rfid.port", readerLine("line2").toString());
        rfid.put("rfid.debounce-ms", 0);
        rfid.put("time.quality", "gnss");
        rfidConfig.update(new java.util.Hashtable<>(rfid));
        osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "rfid.tag", TimeQuality.GNSS) >= 5);
        osgi.context.ungetService(spineRef);
    }

    /** A simulated reader with the tag held on it, in a fresh pty pair; returns the gateway side. */
    private Path readerLine(String name) throws Exception {
        PtyPair pty = PtyPair.open(dir.resolve(name));
        lines.add(pty);
        Rdm6300Simulator reader = Rdm6300Simulator.onPty(pty.deviceSide(), 0, 7);
        lines.add(0, reader);
        reader.start(meterThread, List.of(TAG), Duration.ofMillis(200), 3);
        return pty.gatewaySide();
    }
}
