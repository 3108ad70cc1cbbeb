package io.certigate.fleet.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.ingest.IngestSettings;
import io.certigate.fleet.ingest.MqttKafkaIngest;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.testing.Await;
import io.certigate.verifier.statement.BatchStatementCodec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statement path around the aggregator on real pieces (Mosquitto, the ingest, Kafka's
 * in-process cluster, PostgreSQL): a gateway publishes its statements on
 * {@code certigate/v1/<device>/statements} (one twice), the ingest puts them in
 * {@code certigate.statements} keyed by device, the {@link StatementConsumer} takes each once with
 * its offsets (also when PostgreSQL refused the first poll's statements: they are read again), and a
 * receipt handed to {@link MqttReceiptSink} reaches the gateway subscribed to
 * {@code certigate/v1/<device>/receipts}.
 */
@Tag("component")
class StatementPipelineTest {
    @TempDir
    Path dir;

    @Test
    void statementsFlowFromMqttThroughKafkaIntoTheInboxAndReceiptsFlowBack() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false).setNumControllerNodes(1).setNumBrokerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "false").build();
                MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"));
                Connection store = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic(FleetTopics.RECORDS, 2, (short) 1),
                        new NewTopic(FleetTopics.FINDINGS, 1, (short) 1),
                        new NewTopic(FleetTopics.STATEMENTS, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            AnchorFixture.storeSchema(store);
            AnchorSchema.create(store);
            AnchorFixture.Gateway g = new AnchorFixture.Gateway(dir, "gw-s");
            byte[] s1 = g.batch(store, 3);
            byte[] s2 = g.batch(store, 4);

            try (MqttKafkaIngest ingest = new MqttKafkaIngest(IngestSettings.of(BrokerOptions.defaults(broker.url())
                    .withClientId("ingest-s").withReconnect(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))),
                    kafka.bootstrapServers()), Clock.systemUTC(), scheduler, new SplittableRandom(1)).start()) {
                Await.until(Duration.ofSeconds(10), () -> "subscribed", ingest::subscribed);
                MqttClient gateway = new MqttClient(broker.url(), "gw-s", new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setCleanSession(true);
                gateway.connect(o);
                List<byte[]> receipts = new CopyOnWriteArrayList<>();
                gateway.subscribe(UplinkTopics.RECEIPTS.topic(g.id), 1, (topic, m) -> receipts.add(m.getPayload()));
                for (byte[] s : List.of(s1, s2, s1)) {
                    gateway.publish(UplinkTopics.STATEMENTS.topic(g.id), s, 1, false);
                }

                // the inbox's first write fails (the table locked by another session, a statement timeout):
                // what that poll read (all three, already in Kafka) is read again by the next one, not skipped
                try (Admin admin = kafka.admin()) {
                    Await.until(Duration.ofSeconds(30), () -> "three statements in Kafka", () -> admin.listOffsets(
                            java.util.Map.of(new org.apache.kafka.common.TopicPartition(FleetTopics.STATEMENTS, 0),
                                    org.apache.kafka.clients.admin.OffsetSpec.latest(),
                                    new org.apache.kafka.common.TopicPartition(FleetTopics.STATEMENTS, 1),
                                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().stream()
                            .mapToLong(end -> end.offset()).sum() == 3);
                }
                Connection inboxDb = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                try (Statement st = inboxDb.createStatement()) {
                    st.execute("SET statement_timeout = 300");
                }
                Connection locker = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                locker.setAutoCommit(false);
                try (Statement st = locker.createStatement()) {
                    st.execute("LOCK TABLE fleet_anchor.statements IN ACCESS EXCLUSIVE MODE");
                }
                StatementInbox inbox = new StatementInbox(inboxDb);
                try (inboxDb; locker; StatementConsumer consumer = new StatementConsumer(kafka.bootstrapServers(),
                        "aggregator-test", inbox, Clock.systemUTC())) {
                    Await.until(Duration.ofSeconds(30), () -> "a poll whose statements PostgreSQL refused", () -> {
                        try {
                            consumer.poll(Duration.ofMillis(200));
                            return false;
                        } catch (java.sql.SQLException e) {
                            return true;
                        }
                    });
                    locker.rollback();
                    int[] taken = {0};
                    Await.until(Duration.ofSeconds(30), () -> "statements taken: " + taken[0], () -> {
                        taken[0] += consumer.poll(Duration.ofMillis(200)).added();
                        return taken[0] == 2 && offsetsSum(store) == 3;
                    });
                }
                assertThat(rows(store, "SELECT count(*) FROM fleet_anchor.statements WHERE device = 'gw-s'"))
                        .isEqualTo(2);
                assertThat(rows(store, "SELECT count(*) FROM records WHERE device = 'gw-s'")).isEqualTo(7);

                MqttClient fleet = new MqttClient(broker.url(), "fleet-receipts", new MemoryPersistence());
                fleet.connect(o);
                byte[] fakeReceipt = {(byte) 0xd2, 0x01};
                new MqttReceiptSink(fleet).deliver(g.id, BatchStatementCodec.hash(s2), fakeReceipt);
                Await.until(Duration.ofSeconds(10), () -> "receipt at the gateway", () -> !receipts.isEmpty());
                JsonNode got = new ObjectMapper().readTree(receipts.get(0));
                assertThat(Base64.getUrlDecoder().decode(got.get("statement").asText()))
                        .isEqualTo(BatchStatementCodec.hash(s2));
                assertThat(Base64.getUrlDecoder().decode(got.get("receipt").asText())).isEqualTo(fakeReceipt);
                fleet.disconnect();

                // the gateway's status reaches the statements topic too (besides the records topic): the aggregator
                // learns from it the key of a device whose records another instance verifies
                TestPki pki = TestPki.create("statement pipeline CA");
                gateway.publish(UplinkTopics.STATUS.topic(g.id), new StatusMessage(g.id, StatusMessage.State.ONLINE, 7,
                        System.currentTimeMillis(), List.of(pki.issueDevice(g.key.publicKey(), g.id),
                                pki.caCertificate())).encode(), 1, false);
                gateway.disconnect();
                try (Connection statusDb = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                        StatementConsumer consumer = new StatementConsumer(kafka.bootstrapServers(), "aggregator-test",
                                new StatementInbox(statusDb), Clock.systemUTC())) {
                    Await.until(Duration.ofSeconds(30), () -> "the status kept", () -> {
                        consumer.poll(Duration.ofMillis(200));
                        return rows(store, "SELECT count(*) FROM fleet_anchor.statuses WHERE device = 'gw-s'") == 1;
                    });
                }
                assertThat(rows(store, "SELECT count(*) FROM fleet_anchor.statements")).as("not taken as a statement")
                        .isEqualTo(2);
                DeviceKeys caOnly = new DeviceKeys(List.of(pki.caCertificate()), false);
                StatusKeys keys = new StatusKeys(caOnly, store, Clock.systemUTC());
                assertThat(caOnly.keysFor(g.id)).isEmpty();
                assertThat(keys.apply(g.id)).hasSize(1);
                assertThat(keys.apply(g.id).get(0).getEncoded()).isEqualTo(g.key.publicKey().getEncoded());
                assertThat(keys.apply("gw-without-status")).isEmpty();
            }
        } finally {
            scheduler.shutdownNow();
        }
    }

    static long offsetsSum(Connection c) throws Exception {
        return rows(c, "SELECT coalesce(sum(next_offset), 0) FROM fleet_anchor.offsets WHERE topic = '"
                + FleetTopics.STATEMENTS + "'");
    }

    static long rows(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
