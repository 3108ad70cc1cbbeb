package io.certigate.fleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.testbed.KafkaCluster;
import io.certigate.uplink.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * testbed's {@link KafkaCluster} with real broker processes (the {@code kafka_2.13} test
 * dependency's classpath): a topic replicated on 3 brokers with {@code min.insync.replicas=2} loses
 * nothing and duplicates nothing from an idempotent {@code acks=all} producer while the leader of
 * one of its partitions is killed with SIGKILL, written to with that broker down, and restarted;
 * and a broker that cannot start is named, with the end of its log, in the error. (A taken port is
 * refused before any broker starts: testbed's {@code KafkaClusterTest}.)
 */
@Tag("integration")
class KafkaClusterFaultTest {
    private static final String TOPIC = "cluster-fault";
    private static final int KEYS = 6;
    private static final int PER_PHASE = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Kept when a test fails: each broker's log is in {@code broker-<i>/broker.log}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void nothingLostOrDuplicatedWhenALeaderIsKilledAndRestarted() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.builder(dir.resolve("kafka")).brokers(3).heap("256m").start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            Await.until(WAIT, () -> "ISRs " + isrs(admin), () -> fullyReplicated(admin));
            assertThat(describe(admin).partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            int victim = describe(admin).partitions().get(0).leader().id();

            List<Future<RecordMetadata>> acks = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(cluster))) {
                send(producer, 0, acks);
                producer.flush();

                cluster.kill(victim);
                assertThat(cluster.running(victim)).isFalse();
                // written with one replica gone: acks=all is met by the two left (min.insync.replicas=2)
                send(producer, 1, acks);
                producer.flush();

                cluster.restart(victim);
                send(producer, 2, acks);
                producer.flush();
            }
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack).isDone();
                ack.get(); // throws if a record was not acknowledged by the ISR
            }
            // the restarted broker caught up: back in every partition's in-sync replicas
            Await.until(WAIT, () -> "ISRs " + isrs(admin), () -> fullyReplicated(admin));

            Map<String, List<Integer>> seqsByKey = consumeAll(cluster, 3 * KEYS * PER_PHASE);
            List<Integer> expected = IntStream.range(0, 3 * PER_PHASE).boxed().collect(Collectors.toList());
            assertThat(seqsByKey).hasSize(KEYS);
            seqsByKey.forEach((key, seqs) -> assertThat(seqs).as("records of %s, in log order", key)
                    .isEqualTo(expected));
        }
    }

    @Test
    void aBrokerThatCannotStartIsNamedWithItsLog() {
        // accepted by the storage tool, fatal when the broker loads its authorizer
        KafkaCluster.Builder builder = KafkaCluster.builder(dir.resolve("kafka")).brokers(1)
                .brokerProperty("authorizer.class.name", "com.example.MissingAuthorizer");
        assertThatThrownBy(builder::start)
                .isInstanceOf(IOException.class)
                .hasMessageMatching("(?s)Kafka broker 0 \\(127\\.0\\.0\\.1:\\d+, controller port \\d+\\) exited with code 1 "
                        + "while starting; last \\d+ lines of .*broker-0/broker\\.log:.*")
                .hasMessageContaining("ClassNotFoundException: com.example.MissingAuthorizer");
    }

    /** Phase {@code phase}'s records: for each key, seqs {@code phase * PER_PHASE} onwards. */
    private static void send(KafkaProducer<String, String> producer, int phase, List<Future<RecordMetadata>> acks) {
        for (int i = phase * PER_PHASE; i < (phase + 1) * PER_PHASE; i++) {
            for (int k = 0; k < KEYS; k++) {
                acks.add(producer.send(new ProducerRecord<>(TOPIC, "dev-" + k, Integer.toString(i))));
            }
        }
    }

    private static Map<String, Object> producerConfig(KafkaCluster cluster) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return c;
    }

    /** Every record of the topic, read_committed, from the beginning to the end offsets: key -> seqs in log order. */
    private static Map<String, List<Integer>> consumeAll(KafkaCluster cluster, int expected) throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Map<String, List<Integer>> byKey = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPIC, p))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            assertThat(end.values().stream().mapToLong(Long::longValue).sum()).as("records in the topic")
                    .isEqualTo(expected);
            Await.until(WAIT, () -> "consumed " + byKey.values().stream().mapToInt(List::size).sum(), () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Integer.parseInt(r.value()));
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return byKey;
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
    }

    /** Every partition has a leader and all 3 replicas in sync (not yet while a broker does not know the new topic). */
    private static boolean fullyReplicated(Admin admin) throws Exception {
        try {
            return describe(admin).partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == 3);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    private static String isrs(Admin admin) {
        try {
            return describe(admin).partitions().stream()
                    .map(p -> p.partition() + ":" + p.isr().stream().map(n -> Integer.toString(n.id()))
                            .collect(Collectors.joining(",", "[", "]")))
                    .collect(Collectors.joining(" "));
        } catch (Exception e) {
            return "not described: " + e;
        }
    }
}
