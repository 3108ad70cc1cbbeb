package io.certigate.fleet.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.testbed.device.TestPki;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.BatchCodec;
import io.certigate.uplink.coap.CoapEndpoints;
import io.certigate.uplink.coap.CoapUplink;
import io.certigate.uplink.coap.DtlsCredentials;
import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CoAP over real DTLS on loopback: Californium client against the collector's Californium server. */
@Tag("component")
class CoapUplinkTest {
    private static final byte[] SECRET = "0123456789abcdef-device-secret".getBytes(StandardCharsets.US_ASCII);
    private static final CoapEndpoints.Timing FAST = new CoapEndpoints.Timing(1024, 1 << 20, Duration.ofMillis(200), 2);

    @TempDir
    Path dir;

    private ScheduledExecutorService scheduler;
    private TestDevice device;
    private RecordCollector collector;
    private CoapCollectorEndpoint server;
    private CoapUplink uplink;

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        device = TestDevice.create(dir, "dev-c", CoseAlgorithm.ES256);
        DeviceKeys keys = new DeviceKeys(List.of(), false);
        keys.add(device.id(), device.key().publicKey());
        collector = RecordCollector.open(dir.resolve("collector.db"), keys, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (uplink != null) {
            uplink.close();
        }
        if (server != null) {
            server.close();
        }
        collector.close();
        device.close();
        scheduler.shutdownNow();
    }

    private CoapCollectorEndpoint startServer(int port) throws Exception {
        return CoapCollectorEndpoint.start(collector, new InetSocketAddress("127.0.0.1", port),
                Map.of("dev-c", SECRET, "dev-other", SECRET), null, FAST);
    }

    private CoapUplink startUplink(int port, DtlsCredentials credentials) throws Exception {
        CoapUplink.Options o = CoapUplink.Options.defaults(URI.create("coaps://127.0.0.1:" + port), credentials)
                .with(100, 1, 64 * 1024, FAST, new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)));
        uplink = new CoapUplink(device.buffer(), o, Clock.systemUTC(), scheduler, new SplittableRandom(11));
        device.sequencer().addCommitListener(uplink.commitListener());
        return uplink.start();
    }

    private CollectorReport report() {
        try {
            return collector.report();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void postsLargeBatchesBlockwiseOverDtlsAndMarksThemOnTwoXx() throws Exception {
        server = startServer(0);
        device.produce(150);
        int body = new BatchCodec("dev-c", 100, 1 << 20).split(device.buffer().range(1, 100)).batches().get(0).payload().length;
        assertThat(body).as("a batch is far larger than one CoAP message").isGreaterThan(10 * FAST.blockSize());
        startUplink(server.address().getPort(), new DtlsCredentials.Psk("dev-c", SECRET));
        device.produce(50);
        Await.until(Duration.ofSeconds(60), () -> uplink.stats() + " " + uplink.lastError(), () -> device.undelivered() == 0);
        CollectorReport r = report();
        assertThat(r.unique()).isEqualTo(200);
        assertThat(r.missing()).isZero();
        assertThat(r.badSignature()).isZero();
        assertThat(uplink.stats().recordsDelivered()).isEqualTo(200);
        assertThat(uplink.health().connected()).isTrue();
        assertThat(uplink.health().recordsDelivered()).isEqualTo(200);
        assertThat(uplink.target().toString()).endsWith("/certigate/v1/dev-c/readings");
    }

    @Test
    void aWrongPreSharedKeyDeliversNothingAndSaysSo() throws Exception {
        server = startServer(0);
        device.produce(20);
        startUplink(server.address().getPort(), new DtlsCredentials.Psk("dev-c", "a-wrong-secret-of-16+bytes".getBytes()));
        Await.until(Duration.ofSeconds(20), () -> "no error yet", () -> uplink.lastError() != null);
        assertThat(uplink.lastError()).contains("dev-c").contains("buffered");
        assertThat(uplink.health().connected()).isFalse();
        assertThat(uplink.health().lastProblem()).isEqualTo(io.certigate.uplink.UplinkHealth.Problem.UNREACHABLE);
        assertThat(uplink.health().reconnects()).isPositive();
        assertThat(uplink.health().lastProblemMillis()).isPositive();
        assertThat(device.undelivered()).isEqualTo(20);
        assertThat(report().unique()).isZero();
    }

    @Test
    void anotherDevicesIdentityIsForbiddenFromPostingForThisDevice() throws Exception {
        server = startServer(0);
        device.produce(10);
        startUplink(server.address().getPort(), new DtlsCredentials.Psk("dev-other", SECRET));
        Await.until(Duration.ofSeconds(20), () -> "no error yet", () -> uplink.lastError() != null);
        assertThat(uplink.lastError()).contains("4.03");
        assertThat(server.refused()).isPositive();
        assertThat(device.undelivered()).isEqualTo(10);
    }

    @Test
    void aCollectorThatComesUpLateGetsEverything() throws Exception {
        int port;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        device.produce(120);
        startUplink(port, new DtlsCredentials.Psk("dev-c", SECRET));
        Await.until(Duration.ofSeconds(20), () -> "no failure yet", () -> uplink.stats().sendFailures() > 0);
        assertThat(device.undelivered()).isEqualTo(120);
        server = startServer(port);
        Await.until(Duration.ofSeconds(60), () -> uplink.stats() + " " + uplink.lastError(), () -> device.undelivered() == 0);
        assertThat(report().unique()).isEqualTo(120);
        assertThat(report().missing()).isZero();
    }

    @Test
    void x509DtlsWithTheDevicesCaIssuedP256Key() throws Exception {
        TestPki pki = TestPki.create("certigate test CA");
        var chain = List.of(pki.issue(device.key().publicKey(), "dev-c", false), pki.caCertificate());
        Pkcs12KeyStore.installChain(device.keyStore(), TestDevice.PASSPHRASE, chain);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(device.keyStore())) {
            ks.load(in, TestDevice.PASSPHRASE);
        }
        PrivateKey deviceKey = (PrivateKey) ks.getKey(Pkcs12KeyStore.ALIAS, TestDevice.PASSPHRASE);
        KeyPair serverKeys = TestPki.p256();
        var serverChain = List.of(pki.issue(serverKeys.getPublic(), "collector", true), pki.caCertificate());
        server = CoapCollectorEndpoint.start(collector, new InetSocketAddress("127.0.0.1", 0), Map.of(),
                new DtlsCredentials.Certificate(serverKeys.getPrivate(), serverChain, List.of(pki.caCertificate())), FAST);
        device.produce(60);
        startUplink(server.address().getPort(),
                new DtlsCredentials.Certificate(deviceKey, chain, List.of(pki.caCertificate())));
        Await.until(Duration.ofSeconds(60), () -> uplink.stats() + " " + uplink.lastError(), () -> device.undelivered() == 0);
        assertThat(report().unique()).isEqualTo(60);
    }
}
