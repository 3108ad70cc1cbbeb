package io.certigate.fleet.ingest;

import static io.certigate.fleet.ingest.IngestFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.ingest.IngestFixture.Publisher;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest between a real Mosquitto and Kafka's in-process cluster: two instances of one shared
 * group split the messages of several devices and every publish lands in Kafka exactly once, keyed
 * by its device, with its kind and receive time; bad device ids and oversized payloads become
 * findings and the ingest goes on; a broker requiring a password refuses a wrong one and serves the
 * right one read from a password source.
 */
@Tag("component")
class MqttKafkaIngestTest {
    private static KafkaClusterTestKit kafka;

    /** Kept when a test fails: the broker's log is in {@code broker/mosquitto.log}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private ScheduledExecutorService scheduler;
    private MosquittoBroker broker;
    private final List<MqttKafkaIngest> ingests = new ArrayList<>();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = IngestFixture.kafka();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @BeforeEach
    void setUp() {
        scheduler = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void tearDown() {
        ingests.forEach(MqttKafkaIngest::close);
        if (broker != null) {
            broker.close();
        }
        scheduler.shutdownNow();
    }

    private MqttKafkaIngest start(IngestSettings settings, Clock clock) throws Exception {
        MqttKafkaIngest i = new MqttKafkaIngest(settings, clock, scheduler, new SplittableRandom(ingests.size()));
        ingests.add(i);
        return i.start();
    }

    private IngestSettings settings(String clientId) {
        return IngestSettings.of(BrokerOptions.defaults(broker.url()).withClientId(clientId)
                .withReconnect(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))), kafka.bootstrapServers());
    }

    private static Clock at(long ms) {
        return Clock.fixed(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
    }

    /** Records of {@code topic} whose value starts with {@code prefix} (each test publishes its own). */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, String prefix) {
        return IngestFixture.read(kafka.bootstrapServers(), topic).stream()
                .filter(r -> text(r.value()).startsWith(prefix)).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return r.headers().lastHeader(name) == null ? null : text(r.headers().lastHeader(name).value());
    }

    @Test
    void twoInstancesOfOneGroupSplitTheMessagesAndKafkaGetsEachPublishOnce() throws Exception {
        broker = MosquittoBroker.start(dir.resolve("broker"));
        int maxInFlight = 4;
        MqttKafkaIngest a = start(settings("ingest-a").withLimits(64 * 1024, maxInFlight), at(1_000_000_001L));
        MqttKafkaIngest b = start(settings("ingest-b").withLimits(64 * 1024, maxInFlight), at(2_000_000_002L));
        Await.until(Duration.ofSeconds(10), () -> "both subscribed", () -> a.subscribed() && b.subscribed());

        int devices = 6;
        int perDevice = 50;
        Map<String, String> published = new HashMap<>(); // payload -> device
        try (Publisher gateway = new Publisher(broker.url())) {
            for (int n = 0; n < perDevice; n++) {
                for (int d = 0; d < devices; d++) {
                    String device = "split-dev-" + d;
                    String payload = "split " + device + " #" + n;
                    gateway.publish("certigate/v1/" + device + "/readings", payload);
                    published.put(payload, device);
                }
            }
            for (int d = 0; d < devices; d++) {
                String payload = "split status of split-dev-" + d;
                gateway.publish("certigate/v1/split-dev-" + d + "/status", payload);
                published.put(payload, "split-dev-" + d);
            }
        }
        int total = devices * perDevice + devices;
        Await.until(Duration.ofSeconds(30), () -> "a: " + a.metrics() + "; b: " + b.metrics(),
                () -> a.metrics().acknowledged() + b.metrics().acknowledged() == total);

        List<ConsumerRecord<byte[], byte[]>> got = records(FleetTopics.RECORDS, "split ");
        Map<String, Long> times = got.stream().collect(Collectors.groupingBy(r -> text(r.value()), Collectors.counting()));
        assertThat(times).hasSize(total).allSatisfy((payload, n) -> assertThat(n).as(payload).isEqualTo(1));
        for (ConsumerRecord<byte[], byte[]> r : got) {
            String payload = text(r.value());
            assertThat(FleetTopics.device(r.key())).isEqualTo(published.get(payload));
            assertThat(header(r, FleetTopics.HEADER_KIND))
                    .isEqualTo(payload.startsWith("split status") ? FleetTopics.KIND_STATUS : FleetTopics.KIND_READINGS);
            assertThat(FleetTopics.epochMs(r.headers().lastHeader(FleetTopics.HEADER_RECEIVED).value()))
                    .isIn(1_000_000_001L, 2_000_000_002L);
        }
        // one device's records stay in one partition, in the order published
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byDevice = got.stream()
                .filter(r -> header(r, FleetTopics.HEADER_KIND).equals(FleetTopics.KIND_READINGS))
                .collect(Collectors.groupingBy(r -> FleetTopics.device(r.key())));
        assertThat(byDevice).hasSize(devices);
        byDevice.values().forEach(rs -> assertThat(rs.stream().map(ConsumerRecord::partition).distinct()).hasSize(1));

        // both instances took a share, and the counts add up
        assertThat(a.metrics().forwarded()).isPositive();
        assertThat(b.metrics().forwarded()).isPositive();
        assertThat(a.metrics().forwarded() + b.metrics().forwarded()).isEqualTo(total);
        assertThat(a.metrics().received() + b.metrics().received()).isEqualTo(total);
        assertThat(a.metrics().produceFailures() + b.metrics().produceFailures()).isZero();
        assertThat(a.metrics().inFlight() + b.metrics().inFlight()).isZero();
        assertThat(a.metrics().inFlightPeak()).isPositive().isLessThanOrEqualTo(maxInFlight);
        assertThat(b.metrics().inFlightPeak()).isPositive().isLessThanOrEqualTo(maxInFlight);
        assertThat(a.metrics().produceLatencyCount()).isEqualTo(a.metrics().forwarded());
    }

    @Test
    void badDeviceIdsAndOversizedPayloadsBecomeFindingsAndTheIngestGoesOn() throws Exception {
        broker = MosquittoBroker.start(dir.resolve("broker"));
        MqttKafkaIngest ingest = start(settings("ingest-findings").withLimits(1024, 8), at(1_700_000_000_000L));
        Await.until(Duration.ofSeconds(10), () -> "subscribed", ingest::subscribed);

        String longId = "d".repeat(FleetTopics.MAX_DEVICE_ID_BYTES + 1);
        String maxId = "é".repeat(FleetTopics.MAX_DEVICE_ID_BYTES / 2); // 2 bytes each: exactly at the limit
        try (Publisher gateway = new Publisher(broker.url())) {
            gateway.publish("certigate/v1//readings", "bad empty id");
            gateway.publish("certigate/v1/" + longId + "/readings", "bad long id");
            gateway.publish("certigate/v1/big-dev/readings", ("bad big " + "x".repeat(1024)).getBytes(StandardCharsets.UTF_8));
            gateway.publish("certigate/v1/big-dev/readings", "good after " + "y".repeat(1013)); // 1024 bytes: at the limit
            gateway.publish("certigate/v1/" + maxId + "/status", "good longest id");
        }
        Await.until(Duration.ofSeconds(30), () -> ingest.metrics().toString(), () -> ingest.metrics().acknowledged() == 5);

        IngestMetrics m = ingest.metrics();
        assertThat(m.refused(IngestMetrics.Refusal.INVALID_DEVICE_ID)).isEqualTo(2);
        assertThat(m.refused(IngestMetrics.Refusal.OVERSIZED)).isEqualTo(1);
        assertThat(m.findings()).isEqualTo(3);
        assertThat(m.forwarded()).isEqualTo(2);
        assertThat(m.inFlight()).isZero();

        List<ConsumerRecord<byte[], byte[]>> good = records(FleetTopics.RECORDS, "good ");
        assertThat(good).extracting(r -> FleetTopics.device(r.key())).containsExactlyInAnyOrder("big-dev", maxId);
        assertThat(records(FleetTopics.RECORDS, "bad ")).isEmpty();

        Function<ConsumerRecord<byte[], byte[]>, Finding> decode = r -> Finding.decode(r.value());
        List<Finding> findings = IngestFixture.read(kafka.bootstrapServers(), FleetTopics.FINDINGS).stream()
                .map(decode).filter(f -> f.atMs() == 1_700_000_000_000L).toList();
        assertThat(findings).hasSize(3);
        assertThat(findings).filteredOn(f -> f.type() == FindingType.MALFORMED).hasSize(2)
                .allSatisfy(f -> assertThat(f.device()).isEqualTo(MqttKafkaIngest.NO_DEVICE))
                .anySatisfy(f -> assertThat(f.detail()).contains("empty device id"))
                .anySatisfy(f -> assertThat(f.detail()).contains("129 bytes"));
        assertThat(findings).filteredOn(f -> f.type() == FindingType.OVERSIZED).singleElement()
                .satisfies(f -> assertThat(f.device()).isEqualTo("big-dev"))
                .satisfies(f -> assertThat(f.detail()).contains("1032 bytes").contains("1024"));
        // findings are keyed like records: by their device (the placeholder for no valid id)
        assertThat(IngestFixture.read(kafka.bootstrapServers(), FleetTopics.FINDINGS).stream()
                .filter(r -> decode.apply(r).atMs() == 1_700_000_000_000L).map(r -> FleetTopics.device(r.key())))
                .containsExactlyInAnyOrder("", "", "big-dev");
    }

    @Test
    void aBrokerRequiringAPasswordRefusesAWrongOneAndServesTheOneFromThePasswordSource() throws Exception {
        broker = MosquittoBroker.in(dir.resolve("broker")).password("ingest", "ingest secret")
                .password("gateway", "gateway secret").start();
        Path secret = Files.writeString(dir.resolve("ingest.pass"), "ingest secret\n");
        Map<String, String> config = new HashMap<>(Map.of(
                "fleet.ingest.mqtt.url", broker.url(),
                "fleet.ingest.mqtt.client-id", "ingest-login",
                "fleet.ingest.mqtt.username", "ingest",
                "fleet.ingest.mqtt.password-source", "file:" + dir.resolve("wrong.pass"),
                "fleet.ingest.mqtt.reconnect-min-ms", "50",
                "fleet.ingest.mqtt.reconnect-max-ms", "200",
                "fleet.ingest.kafka.bootstrap-servers", kafka.bootstrapServers()));
        Files.writeString(dir.resolve("wrong.pass"), "guess\n");

        MqttKafkaIngest wrong = start(IngestSettings.parse("test.properties", config), Clock.systemUTC());
        Await.until(Duration.ofSeconds(10), () -> "refusals " + wrong.refusedLogins(), () -> wrong.refusedLogins() >= 2);
        assertThat(wrong.subscribed()).isFalse();
        assertThat(wrong.lastError()).contains("login refused").contains("user ingest");
        wrong.close();
        ingests.remove(wrong);

        config.put("fleet.ingest.mqtt.password-source", "file:" + secret);
        IngestSettings right = IngestSettings.parse("test.properties", config);
        assertThat(right.toString()).contains("ingest").doesNotContain("secret");
        MqttKafkaIngest ingest = start(right, Clock.systemUTC());
        Await.until(Duration.ofSeconds(10), () -> "subscribed; " + ingest.lastError(), ingest::subscribed);
        try (Publisher gateway = new Publisher(broker.url(), "gateway", "gateway secret")) {
            gateway.publish("certigate/v1/login-dev/readings", "login batch");
        }
        Await.until(Duration.ofSeconds(30), () -> ingest.metrics().toString(), () -> ingest.metrics().acknowledged() == 1);
        assertThat(records(FleetTopics.RECORDS, "login ")).singleElement()
                .satisfies(r -> assertThat(FleetTopics.device(r.key())).isEqualTo("login-dev"));
        assertThat(ingest.refusedLogins()).isZero();
    }

    @Test
    void aBrokerRequiringClientCertificatesServesTheIngestWithTheKeyStoreFromItsSettings() throws Exception {
        TestPki pki = TestPki.create("certigate test broker CA");
        broker = MosquittoBroker.in(dir.resolve("broker")).tls(pki, dir, true).start();
        Path ca = dir.resolve("ca.pem");
        char[] passphrase = "ingest key store".toCharArray();
        Path keyStore = pki.clientKeyStore(dir, "ingest-cn", passphrase);
        Path passFile = Files.writeString(dir.resolve("ingest-ks.pass"), new String(passphrase));
        IngestSettings settings = IngestSettings.parse("test.properties", Map.of(
                "fleet.ingest.mqtt.url", broker.tlsUrl(),
                "fleet.ingest.mqtt.client-id", "ingest-tls",
                "fleet.ingest.mqtt.tls.ca", ca.toString(),
                "fleet.ingest.mqtt.tls.client-keystore", keyStore.toString(),
                "fleet.ingest.mqtt.tls.client-passphrase-source", "file:" + passFile,
                "fleet.ingest.kafka.bootstrap-servers", kafka.bootstrapServers()));
        MqttKafkaIngest ingest = start(settings, Clock.systemUTC());
        Await.until(Duration.ofSeconds(10), () -> "subscribed; " + ingest.lastError(), ingest::subscribed);
        assertThat(broker.log()).contains("u'ingest-cn'"); // Mosquitto took the certificate's CN as the user name

        // the gateway publishes on the broker's plain listener; the ingest reads on the mutual-TLS one
        try (Publisher gateway = new Publisher(broker.url())) {
            gateway.publish("certigate/v1/tls-dev/readings", "tls batch");
        }
        Await.until(Duration.ofSeconds(30), () -> ingest.metrics().toString(), () -> ingest.metrics().acknowledged() == 1);
        assertThat(records(FleetTopics.RECORDS, "tls ")).singleElement()
                .satisfies(r -> assertThat(FleetTopics.device(r.key())).isEqualTo("tls-dev"));
    }

    @Test
    void aBrokerRestartLosesNothingAndTheSessionSurvives() throws Exception {
        broker = MosquittoBroker.start(dir.resolve("broker"));
        MqttKafkaIngest ingest = start(settings("ingest-broker-restart"), Clock.systemUTC());
        Await.until(Duration.ofSeconds(10), () -> "subscribed", ingest::subscribed);
        int perRun = 100;
        try (Publisher gateway = new Publisher(broker.url())) {
            for (int n = 0; n < perRun; n++) {
                gateway.publish("certigate/v1/restart-broker-dev/readings", "broker-restart #" + n);
            }
        }
        broker.restart(); // SIGTERM: Mosquitto saves the ingest's session, its queue and what is in flight
        // Mosquitto 2.0 does not restore shared subscriptions from its persistence file: what is published
        // before the ingest subscribes again reaches no one (see the README), so the gateway waits for it here
        Await.until(Duration.ofSeconds(10), () -> "subscribed again; " + ingest.lastError(),
                () -> ingest.connections() >= 2 && ingest.subscribed());
        try (Publisher gateway = new Publisher(broker.url())) {
            for (int n = perRun; n < 2 * perRun; n++) {
                gateway.publish("certigate/v1/restart-broker-dev/readings", "broker-restart #" + n);
            }
        }
        Await.until(Duration.ofSeconds(30), () -> "connections " + ingest.connections() + ", " + ingest.metrics(),
                () -> records(FleetTopics.RECORDS, "broker-restart ").stream().map(r -> text(r.value())).distinct()
                        .count() == 2 * perRun);
        assertThat(ingest.connections()).isGreaterThanOrEqualTo(2);
        assertThat(ingest.sessionsLost()).isZero();
        // what was in Kafka but not yet acknowledged when the broker stopped comes twice, nothing more
        long extra = records(FleetTopics.RECORDS, "broker-restart ").size() - 2L * perRun;
        assertThat(extra).isBetween(0L, (long) ingest.settings().maxInFlight());
        assertThat(ingest.metrics().forwarded()).isEqualTo(2L * perRun + extra);
    }
}
