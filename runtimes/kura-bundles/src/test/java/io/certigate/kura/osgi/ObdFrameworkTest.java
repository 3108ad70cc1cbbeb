package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.simulators.elm327.Elm327PtyServer;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * The OBD reader component inside Equinox, polling the ELM327 simulator on a real pty (socat):
 * VIN, odometer and speed readings reach the spine's buffer signed by the device key; changing the
 * reader's time quality through ConfigAdmin restarts the poller only (the spine stays up) and the
 * readings after it carry the new quality.
 */
@Tag("integration")
class ObdFrameworkTest {
    static final String DEVICE = "kura-obd-1";
    static final String FILTER = "(device.id=" + DEVICE + ")";
    static final String VIN = "1M8GDM9AXKP042788";

    @TempDir
    Path dir;

    private final OsgiHarness osgi = new OsgiHarness();
    private Elm327PtyServer adapter;

    @AfterEach
    void tearDown() throws Exception {
        osgi.close(); // deletes the configurations, newest first, and waits for the spine to go
        if (adapter != null) {
            adapter.close();
        }
    }

    @Test
    void vehicleReadingsReachTheBufferSignedAndATimeQualityChangeRestartsOnlyThePoller() throws Exception {
        DeviceKey key = OsgiHarness.createDeviceKey(dir, DEVICE, CoseAlgorithm.ES256);
        ServiceReference<Spine> spineRef = osgi.configureSpine(dir, DEVICE);
        Spine spine = osgi.context.getService(spineRef);

        adapter = Elm327PtyServer.start(new SimulatedVehicle(VehicleScript.demo().withVin(VIN), Elm327Switches.defaults(),
                Clock.systemUTC()), dir.resolve("ttyOBD"), Duration.ofMillis(200));
        Map<String, Object> obd = new HashMap<>();
        obd.put("obd.port", adapter.path().toString());
        obd.put("obd.baud", 38400);
        obd.put("obd.timeout-ms", 500);
        obd.put("obd.identity-every-ms", 1000);
        obd.put("obd.poll.speed", 100);
        obd.put("time.quality", "gnss");
        obd.put("spine.target", FILTER);
        Configuration obdConfig = osgi.configure("io.certigate.kura.obd", obd);

        List<Reading> first = osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "vehicle.odometer", TimeQuality.GNSS) >= 2
                && OsgiHarness.count(rs, "vehicle.speed", TimeQuality.GNSS) >= 3 && OsgiHarness.count(rs, "vehicle.vin", TimeQuality.GNSS) >= 1);
        assertThat(first).filteredOn(r -> r.kind().equals("vehicle.odometer")).allSatisfy(r -> {
            assertThat(r.subject()).isEqualTo(VIN);
            assertThat(r.source()).isEqualTo("obd");
            assertThat(r.unit()).isEqualTo("km");
        });
        assertThat(first).filteredOn(r -> r.kind().equals("vehicle.vin"))
                .allSatisfy(r -> assertThat(r.value()).isEqualTo(ReadingValue.of(VIN)));

        obd.put("time.quality", "rtc");
        obdConfig.update(new java.util.Hashtable<>(obd));
        osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "vehicle.odometer", TimeQuality.RTC) >= 1
                && OsgiHarness.count(rs, "vehicle.speed", TimeQuality.RTC) >= 2);
        assertThat(osgi.awaitService(Spine.class, FILTER, -1)).extracting(OsgiHarness::id)
                .as("the spine was not restarted").isEqualTo(OsgiHarness.id(spineRef));
        osgi.context.ungetService(spineRef);
    }
}
