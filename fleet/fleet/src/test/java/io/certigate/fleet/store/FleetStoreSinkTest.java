package io.certigate.fleet.store;

import static io.certigate.fleet.store.StorePostgres.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.topics.VerifiedRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink between Kafka's in-process test cluster and a real PostgreSQL: committed records only,
 * each stored once, across a crash and a restart of PostgreSQL while it runs, and a replay of
 * everything that writes nothing.
 */
@Tag("component")
class FleetStoreSinkTest {
    private static final long T0 = 1_780_000_000_000L;
    private static final List<String> DEVICES = List.of("gw-1", "gw-2", "gw-3", "gw-4");
    private static final Logger KAFKA_LOGS = Logger.getLogger("org.apache.kafka");
    private static final Logger KAFKA_SERVER_LOGS = Logger.getLogger("kafka");

    @TempDir
    static Path dir;
    static StorePostgres pg;
    static KafkaClusterTestKit kafka;

    @BeforeAll
    static void start() throws Exception {
        KAFKA_LOGS.setLevel(Level.WARNING);
        KAFKA_SERVER_LOGS.setLevel(Level.WARNING);
        pg = new StorePostgres(dir.resolve("pg"));
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBaseDirectory(dir.resolve("kafka")).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(FleetTopics.VERIFIED, 3, (short) 1),
                    new NewTopic(FleetTopics.FINDINGS, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void everyCommittedRecordIsStoredOnceAcrossACrashAndARestartOfPostgres() throws Exception {
        StoreOptions options = pg.newDatabase();
        FleetStore store = new FleetStore(options.connector());
        StoreMetrics metrics = new StoreMetrics();
        Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = producer("store-test-1");
                FleetStoreSink sink = new FleetStoreSink(client, options, options.connector(), metrics)) {
            // wave 1: a value nobody can decode, an aborted transaction, records, a finding sent twice
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(FleetTopics.VERIFIED, FleetTopics.key("gw-1"),
                    "not CBOR".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(record(signed("gw-aborted", 1, T0, "VIN9")));
            producer.abortTransaction();
            send(producer, 1, 300);
            Finding gap = new Finding("gw-2", 40, 45, FindingType.GAP, "seqs 40..45 missing after 300 s", T0);
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(FleetTopics.FINDINGS, FleetTopics.key("gw-2"), gap.encode()));
            producer.send(new ProducerRecord<>(FleetTopics.FINDINGS, FleetTopics.key("gw-2"), gap.encode()));
            producer.commitTransaction();

            sink.start();
            await(() -> count(store) == 4 * 300 && metrics.findings() == 1 && metrics.undecodableValues() == 1,
                    "wave 1 stored", sink);

            await(() -> committed(options.group()).equals(endOffsets()), "wave 1's offsets committed: "
                    + committed(options.group()) + " of " + endOffsets(), sink);
            Map<TopicPartition, Long> afterWave1 = committed(options.group());

            // PostgreSQL crashes; wave 2 arrives meanwhile
            pg.server.kill();
            send(producer, 301, 600);
            await(() -> metrics.failedAttempts() > 0, "a failed write", sink);
            assertThat(committed(options.group())).as("no offset committed past what PostgreSQL holds")
                    .isEqualTo(afterWave1);
            pg.server.startAgain();
            await(() -> count(store) == 4 * 600, "wave 2 stored after the crash", sink);

            // a clean restart while wave 3 is being sent
            Thread restart = new Thread(() -> {
                try {
                    pg.server.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restart.start();
            send(producer, 601, 900);
            restart.join();
            await(() -> count(store) == 4 * 900, "wave 3 stored", sink);
            assertThat(sink.failure()).isNull();
        }
        // a transaction PostgreSQL committed just as the restart cut its answer off is written again and
        // then counts as duplicates: every record is counted once as stored, at most, and once in all at least
        assertThat(metrics.stored()).isLessThanOrEqualTo(4 * 900);
        assertThat(metrics.stored() + metrics.duplicates()).isGreaterThanOrEqualTo(4 * 900);
        assertThat(metrics.forks()).isZero();
        assertThat(metrics.undecodableValues()).isEqualTo(1);
        for (String device : DEVICES) {
            List<Long> seqs = new ArrayList<>();
            store.deviceRecords(device, 1, Long.MAX_VALUE, r -> seqs.add(r.seq()));
            assertThat(seqs).as(device).hasSize(900).first().isEqualTo(1L);
            assertThat(seqs.get(899)).isEqualTo(900L);
        }
        assertThat(store.devices()).extracting(DeviceCounts::device).containsExactlyElementsOf(DEVICES);
        assertThat(store.findings(FindingType.GAP, f -> assertThat(f).isEqualTo(
                new Finding("gw-2", 40, 45, FindingType.GAP, "seqs 40..45 missing after 300 s", T0)))).isEqualTo(1);

        // everything read again by another group: a replay, nothing written twice
        StoreMetrics replay = new StoreMetrics();
        StoreOptions again = options.withGroup(options.group() + "-replay");
        try (FleetStoreSink sink = new FleetStoreSink(client, again, again.connector(), replay)) {
            sink.start();
            await(() -> replay.duplicates() == 4 * 900, "the replay read", sink);
        }
        assertThat(replay.stored()).isZero();
        assertThat(replay.findings()).isZero();
        assertThat(count(store)).isEqualTo(4 * 900);
    }

    private static long count(FleetStore store) {
        try {
            return store.countRecords();
        } catch (java.sql.SQLException e) {
            return -1; // PostgreSQL is away for a moment
        }
    }

    /** The group's committed offsets (an empty map while none). */
    private static Map<TopicPartition, Long> committed(String group) {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> out.put(tp, o.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where every partition of the two topics that holds anything ends now. */
    private static Map<TopicPartition, Long> endOffsets() {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition(FleetTopics.VERIFIED, p), OffsetSpec.latest());
            }
            latest.put(new TopicPartition(FleetTopics.FINDINGS, 0), OffsetSpec.latest());
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> {
                if (info.offset() > 0) {
                    out.put(tp, info.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records {@code from..to} of every device, in transactions of 100 per device. */
    private static void send(KafkaProducer<byte[], byte[]> producer, long from, long to) {
        for (long start = from; start <= to; start += 100) {
            producer.beginTransaction();
            for (String device : DEVICES) {
                for (long seq = start; seq < Math.min(start + 100, to + 1); seq++) {
                    producer.send(record(signed(device, seq, T0 + seq * 1000, "VIN-" + device)));
                }
            }
            producer.commitTransaction();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(VerifiedRecord r) {
        return new ProducerRecord<>(FleetTopics.VERIFIED, FleetTopics.key(r.device()), r.encode());
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        producer.initTransactions();
        return producer;
    }

    /** Waits for something to happen (never for something not to happen), 60 s at most. */
    private static void await(BooleanSupplier condition, String what, FleetStoreSink sink) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(sink.failure()).as("sink failure").isNull();
            if (System.nanoTime() > deadline) {
                StringBuilder stack = new StringBuilder();
                Thread.getAllStackTraces().forEach((t, frames) -> {
                    if (t.getName().equals("fleet-store-sink")) {
                        for (StackTraceElement f : frames) {
                            stack.append("\n  at ").append(f);
                        }
                    }
                });
                throw new AssertionError("timed out waiting for " + what + "; sink: " + sink.metrics() + stack);
            }
            Thread.sleep(50);
        }
    }
}
