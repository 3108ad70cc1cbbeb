package io.certigate.fleet.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.mqtt.MqttUplink;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.mqtt.TlsSettings;
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
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's broker login against a real Mosquitto (issue #20): a broker that requires a
 * password refuses a collector without one or with a wrong one, and serves the one with the right
 * one; a broker that requires client certificates refuses a collector without one and serves the
 * one whose certificate its CA issued. In each case a gateway publishes and the collector that got
 * in stores every record.
 */
@Tag("integration")
class MqttCollectorAuthTest {
    private static final char[] PASSPHRASE = "collector key store".toCharArray();

    /** Kept when a test fails: the broker's log is in {@code broker/mosquitto.log}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private ScheduledExecutorService scheduler;
    private MosquittoBroker broker;
    private TestDevice device;
    private RecordCollector collector;
    private MqttCollector subscriber;
    private MqttUplink uplink;

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        device = TestDevice.create(dir, "dev-1");
        DeviceKeys keys = new DeviceKeys(List.of(), false);
        keys.add(device.id(), device.key().publicKey());
        collector = RecordCollector.open(dir.resolve("collector.db"), keys, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (uplink != null) {
            uplink.close();
        }
        if (subscriber != null) {
            subscriber.close();
        }
        collector.close();
        device.close();
        if (broker != null) {
            broker.close();
        }
        scheduler.shutdownNow();
    }

    private MqttCollector subscribe(BrokerOptions o) throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        subscriber = new MqttCollector(collector, o.withReconnect(new Backoff(Duration.ofMillis(50),
                Duration.ofMillis(200))), scheduler, new SplittableRandom(1)).start();
        return subscriber;
    }

    private void publishAndCollect(MqttUplinkOptions o, int records) throws Exception {
        device.produce(records);
        uplink = new MqttUplink(device.buffer(), device.key().certificateChain(),
                o.withReconnect(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500))), Clock.systemUTC(), scheduler,
                new SplittableRandom(7));
        device.sequencer().addCommitListener(uplink.commitListener());
        uplink.start();
        Await.until(Duration.ofSeconds(30), () -> "undelivered, uplink " + uplink.state() + " " + uplink.lastError(),
                () -> device.undelivered() == 0);
        Await.until(Duration.ofSeconds(30), () -> "collected " + line(), () -> collector.uniqueCount() == records);
        CollectorReport r = collector.report();
        assertThat(r.missing()).isZero();
        assertThat(r.badSignature()).isZero();
    }

    private String line() {
        try {
            return collector.report().line();
        } catch (java.sql.SQLException e) {
            return e.toString();
        }
    }

    @Test
    void aBrokerRequiringAPasswordRefusesTheCollectorWithoutItAndServesItWithIt() throws Exception {
        broker = MosquittoBroker.in(dir.resolve("broker")).password("collector", "collector secret")
                .password("dev-1", "device secret").start();
        BrokerOptions base = BrokerOptions.defaults(broker.url());

        MqttCollector anonymous = subscribe(base);
        Await.until(Duration.ofSeconds(10), () -> "refusals " + anonymous.refusedLogins() + ", " + anonymous.lastError(),
                () -> anonymous.refusedLogins() >= 2);
        assertThat(anonymous.subscribed()).isFalse();
        assertThat(anonymous.lastError()).contains("login refused").contains("no user name");

        MqttCollector wrong = subscribe(base.withCredentials("collector", "guess".toCharArray()));
        Await.until(Duration.ofSeconds(10), () -> "refusals " + wrong.refusedLogins(), () -> wrong.refusedLogins() >= 2);
        assertThat(wrong.subscribed()).isFalse();
        assertThat(wrong.lastError()).contains("user collector");

        MqttCollector right = subscribe(base.withCredentials("collector", "collector secret".toCharArray()));
        Await.until(Duration.ofSeconds(10), () -> "subscribed; " + right.lastError(), right::subscribed);
        assertThat(right.refusedLogins()).isZero();
        assertThat(base.withCredentials("collector", "collector secret".toCharArray()).toString())
                .contains("collector").doesNotContain("secret");

        publishAndCollect(MqttUplinkOptions.defaults(broker.url(), device.id())
                .withCredentials("dev-1", "device secret".toCharArray()), 40);
        assertThat(collector.report().unique()).isEqualTo(40);
    }

    @Test
    void aBrokerRequiringClientCertificatesRefusesTheCollectorWithoutOneAndServesItWithOne() throws Exception {
        TestPki pki = TestPki.create("certigate test broker CA");
        broker = MosquittoBroker.in(dir.resolve("broker")).tls(pki, dir, true).start();
        Path ca = dir.resolve("ca.pem");
        BrokerOptions base = BrokerOptions.defaults(broker.tlsUrl());

        MqttCollector withoutCertificate = subscribe(base.withTls(TlsSettings.fromFiles(ca, null, null)));
        Await.until(Duration.ofSeconds(10), () -> "no failure yet", () -> withoutCertificate.lastError() != null);
        assertThat(withoutCertificate.subscribed()).isFalse();
        assertThat(withoutCertificate.messages()).isZero();

        Path keyStore = pki.clientKeyStore(dir, "collector", PASSPHRASE);
        MqttCollector withCertificate = subscribe(base.withTls(TlsSettings.fromFiles(ca, keyStore, PASSPHRASE)));
        Await.until(Duration.ofSeconds(10), () -> "subscribed; " + withCertificate.lastError(), withCertificate::subscribed);
        // Mosquitto took the certificate's CN as the user name
        assertThat(broker.log()).contains("u'collector'");

        // the gateway publishes on the broker's plain listener; the collector reads on the mutual-TLS one
        publishAndCollect(MqttUplinkOptions.defaults(broker.url(), device.id()), 40);
        assertThat(collector.report().unique()).isEqualTo(40);
    }
}
