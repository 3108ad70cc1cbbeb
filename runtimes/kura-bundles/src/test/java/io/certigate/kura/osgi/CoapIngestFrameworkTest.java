package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.simulators.coap.RoadSensor;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * The CoAP ingest component inside Equinox: a Californium client (the road-sensor simulator, in
 * the test bundle) posts SenML shock events over DTLS-PSK with the key the component read from its
 * key file; the readings reach the buffer signed, with the sensor (from DTLS) as subject. A sensor
 * whose key is not in the file is refused; after a reconfiguration (another port, GNSS time
 * quality) the sensor posts to the new port and its relative times carry the new quality.
 */
@Tag("integration")
class CoapIngestFrameworkTest {
    static final String DEVICE = "kura-coap-1";
    static final String FILTER = "(device.id=" + DEVICE + ")";
    static final byte[] KEY = HexFormat.of().parseHex("6365727469676174652d726f61642d31");

    @TempDir
    Path dir;

    private final OsgiHarness osgi = new OsgiHarness();
    private final List<RoadSensor> sensors = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        osgi.close(); // deletes the configurations, newest first, and waits for the spine to go
        for (RoadSensor s : sensors) {
            s.close();
        }
    }

    @Test
    void senmlPostedOverDtlsReachesTheBufferSigned() throws Exception {
        DeviceKey key = OsgiHarness.createDeviceKey(dir, DEVICE, CoseAlgorithm.ES256);
        ServiceReference<Spine> spineRef = osgi.configureSpine(dir, DEVICE);
        Spine spine = osgi.context.getService(spineRef);

        Path keys = Files.writeString(dir.resolve("sensors.psk"), "road-1 = " + HexFormat.of().formatHex(KEY) + "\n",
                StandardCharsets.UTF_8);
        int port = freeUdpPort();
        Map<String, Object> coap = new HashMap<>();
        coap.put("coap.ingest.address", "127.0.0.1");
        coap.put("coap.ingest.port", port);
        coap.put("coap.ingest.psk-source", "file:" + keys);
        coap.put("spine.target", FILTER);
        Configuration coapConfig = osgi.configure("io.certigate.kura.coap", coap);

        RoadSensor sensor = sensor("road-1", KEY, port, 1);
        for (int i = 0; i < 3; i++) {
            CoapResponse r = awaitPost(sensor, 12.5 + i);
            assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(CoAP.ResponseCode.CHANGED);
        }
        List<Reading> first = osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "road.shock", TimeQuality.NTP) >= 3);
        assertThat(first).filteredOn(r -> r.kind().equals("road.shock")).allSatisfy(r -> {
            assertThat(r.subject()).isEqualTo("road-1");
            assertThat(r.source()).isEqualTo("coap:road-1");
            assertThat(r.unit()).isEqualTo("m/s2");
        });

        // a sensor with a key the gateway does not hold gets no answer (its handshake fails)
        RoadSensor stranger = sensor("road-1", HexFormat.of().parseHex("00112233445566778899aabbccddeeff"), port, 100)
                .timeout(java.time.Duration.ofSeconds(3));
        assertThat(stranger.postShock(99, 48.85, 2.35)).isNull();

        int port2 = freeUdpPort();
        coap.put("coap.ingest.port", port2);
        coap.put("time.quality", "gnss");
        coapConfig.update(new Hashtable<>(coap));
        RoadSensor moved = sensor("road-1", KEY, port2, 4);
        CoapResponse r = awaitPost(moved, 20);
        assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(CoAP.ResponseCode.CHANGED);
        osgi.awaitReadings(key, spine, rs -> OsgiHarness.count(rs, "road.shock", TimeQuality.GNSS) >= 1);
        osgi.context.ungetService(spineRef);
    }

    private RoadSensor sensor(String id, byte[] psk, int port, long firstSeq) {
        RoadSensor s = new RoadSensor(id, psk, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), "senml", firstSeq)
                .timeout(java.time.Duration.ofSeconds(10));
        sensors.add(s);
        return s;
    }

    /** Posts until the component's server answers (it starts asynchronously after the configuration). */
    private CoapResponse awaitPost(RoadSensor s, double peak) throws Exception {
        long deadline = System.nanoTime() + OsgiHarness.WAIT.toNanos();
        while (true) {
            CoapResponse r = s.postShock(peak, 48.8566, 2.3522);
            if (r != null || System.nanoTime() > deadline) {
                assertThat(r).as("answer from the CoAP ingest; components: " + osgi.components()).isNotNull();
                return r;
            }
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
