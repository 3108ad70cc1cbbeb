package io.certigate.fleet.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.testbed.device.TestPki;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.testing.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FleetVerifier} end to end on a Kafka node in KRaft mode inside the test JVM ({@link InProcessKafka}), with exactly_once_v2:
 * real signed records in, each (device, seq) out exactly once (read committed), a device's key
 * learned from its status, and a second instance that starts on an empty state folder and takes up
 * the chains (heads, duplicate window, learned keys) from the changelog topics.
 */
@Tag("component")
class FleetVerifierClusterTest {
    private static InProcessKafka cluster;

    @TempDir
    static Path clusterDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = InProcessKafka.start(clusterDir);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            List<NewTopic> topics = FleetTopics.ALL.stream().map(t -> new NewTopic(t, 2, (short) 1)).toList();
            admin.createTopics(topics).all().get();
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private FleetVerifySettings settings(Path stateDir) {
        return FleetVerifySettings.defaults().with(FleetVerifySettings.APPLICATION_ID, "fleet-verify-test")
                .with(FleetVerifySettings.STATE_DIR, stateDir).with(FleetVerifySettings.STREAM_THREADS, 1)
                .with(FleetVerifySettings.REPLICATION_FACTOR, 1).with(FleetVerifySettings.UNKNOWN_DEVICE_AFTER_MS, 0);
    }

    @Test
    void verifiesEachRecordOnceAndASecondInstanceResumesFromTheChangelogs() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice one = TestDevice.create(dir.resolve("one"), "dev-1");
        TestDevice two = TestDevice.create(dir.resolve("two"), "dev-2");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<X509Certificate> chain = List.of(pki.issueDevice(two.key().publicKey(), "dev-2"), pki.caCertificate());
            one.produce(15);
            two.produce(8);

            // before any instance runs: dev-2's records precede its status, and garbage on dev-1's key
            send(producer, "dev-1", FleetTopics.KIND_READINGS, VerifyDriver.batch("dev-1", one.buffer().range(1, 10)));
            send(producer, "dev-2", FleetTopics.KIND_READINGS, VerifyDriver.batch("dev-2", two.buffer().range(1, 5)));
            send(producer, "dev-1", FleetTopics.KIND_READINGS, "garbage".getBytes(StandardCharsets.UTF_8));
            send(producer, "dev-2", FleetTopics.KIND_STATUS,
                    new StatusMessage("dev-2", StatusMessage.State.ONLINE, 5, 0, chain).encode());
            producer.flush();

            List<VerifiedRecord> verified = new ArrayList<>();
            List<Finding> findings = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                Path state1 = dir.resolve("state-1");
                try (FleetVerifier first = new FleetVerifier(cluster.bootstrapServers(), settings(state1),
                        keys(one, pki)).start()) {
                    readUntil(consumer, verified, findings, 15, 2);
                    assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);
                    assertThat(first.metrics().verified()).isEqualTo(15);
                }
                assertThat(keys(verified)).containsExactlyInAnyOrderElementsOf(expected(1, 10, 1, 5));
                assertThat(findings).extracting(Finding::device, Finding::type).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("dev-1", FindingType.MALFORMED),
                        org.assertj.core.groups.Tuple.tuple("dev-2", FindingType.UNKNOWN_DEVICE));

                // a new instance, a new empty state folder and keys that know nothing of dev-2's status
                deleteTree(state1);
                send(producer, "dev-1", FleetTopics.KIND_READINGS, VerifyDriver.batch("dev-1", one.buffer().range(5, 15)));
                send(producer, "dev-2", FleetTopics.KIND_READINGS, VerifyDriver.batch("dev-2", two.buffer().range(4, 8)));
                producer.flush();
                verified.clear();
                findings.clear();
                try (FleetVerifier second = new FleetVerifier(cluster.bootstrapServers(), settings(dir.resolve("state-2")),
                        keys(one, pki)).start()) {
                    readUntil(consumer, verified, findings, 8, 0);
                    assertThat(second.metrics().duplicates()).isEqualTo(6 + 2);
                }
                assertThat(keys(verified)).containsExactlyInAnyOrderElementsOf(expected(11, 15, 6, 8));
                assertThat(verified).as("linked to the heads restored from the changelog").allMatch(VerifiedRecord::linked);
                assertThat(findings).isEmpty();
            }
        } finally {
            one.close();
            two.close();
        }
    }

    private static DeviceKeys keys(TestDevice one, TestPki pki) {
        DeviceKeys k = new DeviceKeys(List.of(pki.caCertificate()), false);
        k.add("dev-1", one.key().publicKey());
        return k;
    }

    private static List<String> expected(long from1, long to1, long from2, long to2) {
        List<String> out = new ArrayList<>();
        for (long s = from1; s <= to1; s++) {
            out.add("dev-1/" + s);
        }
        for (long s = from2; s <= to2; s++) {
            out.add("dev-2/" + s);
        }
        return out;
    }

    private static List<String> keys(List<VerifiedRecord> v) {
        return v.stream().map(r -> r.device() + "/" + r.seq()).toList();
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String device, String kind, byte[] value) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(FleetTopics.RECORDS, FleetTopics.key(device), value);
        r.headers().add(FleetTopics.HEADER_KIND, kind.getBytes(StandardCharsets.UTF_8));
        p.send(r).get();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fleet-verify-test-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(FleetTopics.VERIFIED, FleetTopics.FINDINGS));
        return c;
    }

    /**
     * Reads committed records until {@code count} verified ones and {@code findingCount} findings
     * arrived. Within a partition a record wrongly passed on (a duplicate) comes before the later
     * seqs awaited, so it is read too.
     */
    private static void readUntil(KafkaConsumer<byte[], byte[]> c, List<VerifiedRecord> verified, List<Finding> findings,
            int count, int findingCount) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while ((verified.size() < count || findings.size() < findingCount) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(FleetTopics.VERIFIED)) {
                    verified.add(VerifiedRecord.decode(r.value()));
                } else {
                    findings.add(Finding.decode(r.value()));
                }
            }
        }
        assertThat(verified).as("verified records within 90 s").hasSizeGreaterThanOrEqualTo(count);
        c.commitSync();
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
