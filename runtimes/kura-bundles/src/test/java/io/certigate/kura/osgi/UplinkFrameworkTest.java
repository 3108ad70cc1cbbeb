package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * The MQTT uplink component inside Equinox against real Mosquitto brokers: committed records are
 * delivered (PUBACKed, marked in the buffer); with the first broker gone, pointing the uplink at a
 * second one through ConfigAdmin delivers what was committed meanwhile. Over TLS, against a
 * Mosquitto that demands a client certificate: with the device's key store (its CA-issued chain)
 * the records are delivered under the device's name; reconfigured without it, the handshake is
 * refused and records stay buffered; with it again, they are delivered.
 */
@Tag("integration")
class UplinkFrameworkTest {
    static final String DEVICE = "kura-up-1";
    static final String FILTER = "(device.id=" + DEVICE + ")";

    @TempDir
    Path dir;

    private final OsgiHarness osgi = new OsgiHarness();
    private final List<AutoCloseable> brokers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        osgi.close(); // deletes the configurations, newest first, and waits for the spine to go
        for (AutoCloseable b : brokers) {
            b.close();
        }
    }

    @Test
    void recordsAreDeliveredAndFollowTheUplinkToAnotherBroker() throws Exception {
        OsgiHarness.createDeviceKey(dir, DEVICE, CoseAlgorithm.ES256);
        ServiceReference<Spine> spineRef = osgi.configureSpine(dir, DEVICE);
        Spine spine = osgi.context.getService(spineRef);

        MosquittoBroker first = broker("first");
        Map<String, Object> up = new HashMap<>();
        up.put("uplink.mqtt.url", first.url());
        up.put("uplink.mqtt.records-per-batch", 4);
        up.put("spine.target", FILTER);
        Configuration upConfig = osgi.configure("io.certigate.kura.uplink", up);

        submit(spine, 10, 0);
        awaitUndelivered(spine, 0);
        assertThat(spine.buffer().stats().records()).isEqualTo(10);

        first.close();
        submit(spine, 6, 10);
        Thread.sleep(500);
        assertThat(spine.buffer().stats().undelivered()).as("nothing delivered with the broker gone").isEqualTo(6);

        up.put("uplink.mqtt.url", broker("second").url());
        upConfig.update(new java.util.Hashtable<>(up));
        awaitUndelivered(spine, 0);
        assertThat(spine.buffer().stats().records()).isEqualTo(16);
        osgi.context.ungetService(spineRef);
    }

    @Test
    void mutualTlsWithTheDeviceKeyStoreAndAReconfigurationWithoutIt() throws Exception {
        TestPki pki = TestPki.create("certigate test consortium CA");
        MosquittoBroker broker = MosquittoBroker.in(dir.resolve("tls-broker")).tls(pki, dir, true).start();
        Path ca = dir.resolve("ca.pem");
        brokers.add(broker);

        // the device's key store, holding the chain the consortium CA issued for its key
        DeviceKey key = OsgiHarness.createDeviceKey(dir, DEVICE, CoseAlgorithm.ES256);
        Pkcs12KeyStore.installChain(dir.resolve("device.p12"), OsgiHarness.PASSPHRASE.toCharArray(),
                List.of(pki.issue(key.publicKey(), DEVICE, false), pki.caCertificate()));
        ServiceReference<Spine> spineRef = osgi.configureSpine(dir, DEVICE);
        Spine spine = osgi.context.getService(spineRef);

        Map<String, Object> up = new HashMap<>();
        up.put("uplink.mqtt.url", broker.tlsUrl());
        up.put("uplink.mqtt.tls.ca", ca.toString());
        up.put("uplink.mqtt.tls.client-keystore", dir.resolve("device.p12").toString());
        up.put("uplink.mqtt.tls.client-passphrase-source", "file:" + dir.resolve("passphrase"));
        up.put("spine.target", FILTER);
        Configuration upConfig = osgi.configure("io.certigate.kura.uplink", up);
        submit(spine, 10, 0);
        awaitUndelivered(spine, 0);
        // Mosquitto took the client certificate's CN as the user name
        assertThat(broker.log()).contains("u'" + DEVICE + "'");

        up.remove("uplink.mqtt.tls.client-keystore");
        up.remove("uplink.mqtt.tls.client-passphrase-source");
        upConfig.update(new java.util.Hashtable<>(up));
        Thread.sleep(500);
        submit(spine, 5, 10);
        Thread.sleep(1500);
        assertThat(spine.buffer().stats().undelivered()).as("no client certificate: refused, kept").isEqualTo(5);

        up.put("uplink.mqtt.tls.client-keystore", dir.resolve("device.p12").toString());
        up.put("uplink.mqtt.tls.client-passphrase-source", "file:" + dir.resolve("passphrase"));
        upConfig.update(new java.util.Hashtable<>(up));
        awaitUndelivered(spine, 0);
        assertThat(spine.buffer().stats().records()).isEqualTo(15);
        osgi.context.ungetService(spineRef);
    }

    private MosquittoBroker broker(String name) throws Exception {
        MosquittoBroker b = MosquittoBroker.start(dir.resolve(name));
        brokers.add(b);
        return b;
    }

    private static void submit(Spine spine, int n, int offset) throws Exception {
        ReadingSink sink = spine.sequencer();
        for (int i = 0; i < n; i++) {
            sink.submit(new Reading(1_764_000_000_000L + offset + i, TimeQuality.NTP, "obd", "vehicle.speed",
                    "VF1TEST0000000001", ReadingValue.of(50 + i), "km/h")).get(10, TimeUnit.SECONDS);
        }
    }

    private void awaitUndelivered(Spine spine, long expected) throws Exception {
        long deadline = System.nanoTime() + OsgiHarness.WAIT.toNanos();
        long undelivered;
        while ((undelivered = spine.buffer().stats().undelivered()) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(undelivered + " records undelivered, expected " + expected + "; components: "
                        + osgi.components());
            }
            Thread.sleep(100);
        }
    }
}
