package io.certigate.uplink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS to a real Mosquitto, certificates from a test CA made with Bouncy Castle: mutual TLS with
 * the device's own key and CA-issued certificate (Ed25519 and P-256 device keys), and the clear
 * errors when the client certificate is missing or the broker is not signed by the trusted CA.
 */
@Tag("integration")
class MqttTlsTest {
    @TempDir
    Path dir;

    private ScheduledExecutorService scheduler;
    private TestPki pki;
    private MosquittoBroker broker;
    private MqttUplink uplink;
    private TestDevice device;

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        pki = TestPki.create("certigate test consortium CA");
        broker = MosquittoBroker.in(dir.resolve("broker")).tls(pki, dir, true).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (uplink != null) {
            uplink.close();
        }
        if (device != null) {
            device.close();
        }
        broker.close();
        scheduler.shutdownNow();
    }

    /** A device whose PKCS#12 key store holds the CA-issued certificate chain. */
    private TestDevice provisionedDevice(CoseAlgorithm alg) throws Exception {
        TestDevice d = TestDevice.create(dir, "dev-tls", alg);
        Pkcs12KeyStore.installChain(d.keyStore(), TestDevice.PASSPHRASE,
                List.of(pki.issue(d.key().publicKey(), "dev-tls", false), pki.caCertificate()));
        return d;
    }

    private MqttUplink start(TlsSettings tls) throws Exception {
        MqttUplinkOptions o = MqttUplinkOptions.defaults(broker.tlsUrl(), device.id()).withTls(tls)
                .withReconnect(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)));
        uplink = new MqttUplink(device.buffer(), device.key().certificateChain(), o, Clock.systemUTC(), scheduler,
                new SplittableRandom(5));
        device.sequencer().addCommitListener(uplink.commitListener());
        return uplink.start();
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void mutualTlsWithTheDeviceKeyDelivers(CoseAlgorithm alg) throws Exception {
        device = provisionedDevice(alg);
        device.produce(200);
        start(TlsSettings.fromFiles(dir.resolve("ca.pem"), device.keyStore(), TestDevice.PASSPHRASE));
        Await.until(Duration.ofSeconds(30), () -> uplink.state() + " " + uplink.lastError(),
                () -> device.undelivered() == 0);
        assertThat(uplink.state()).isEqualTo(MqttUplink.State.CONNECTED);
        // Mosquitto took the certificate's CN as the user name
        assertThat(broker.log()).contains("u'dev-tls'");
    }

    @Test
    void withoutAClientCertificateTheBrokerRefusesAndBufferingContinues() throws Exception {
        device = provisionedDevice(CoseAlgorithm.ES256);
        start(TlsSettings.fromFiles(dir.resolve("ca.pem"), null, null));
        Await.until(Duration.ofSeconds(15), () -> "state " + uplink.state(), () -> uplink.lastError() != null);
        assertThat(uplink.state()).isNotEqualTo(MqttUplink.State.CONNECTED);
        assertThat(uplink.lastError()).contains("dev-tls").contains("TLS handshake failed").contains("buffered");
        device.produce(20);
        assertThat(device.undelivered()).isEqualTo(20);
    }

    @Test
    void aBrokerNotSignedByTheTrustedCaFailsTheHandshakeWithAClearError() throws Exception {
        device = provisionedDevice(CoseAlgorithm.ES256);
        TestPki other = TestPki.create("some other CA");
        start(new TlsSettings(List.of(other.caCertificate()), null, null));
        Await.until(Duration.ofSeconds(15), () -> "state " + uplink.state(), () -> uplink.lastError() != null);
        assertThat(uplink.lastError()).contains("TLS handshake failed").contains("check the CA");
        assertThat(uplink.stats().batchesSent()).isZero();
    }
}
