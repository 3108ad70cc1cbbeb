package io.certigate.fleet.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.statement.AggregatedAnchorer;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.core.model.StoredRecord;
import io.certigate.fleet.ingest.IngestSettings;
import io.certigate.fleet.ingest.MqttKafkaIngest;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.testbed.time.ManualClock;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.testing.Await;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.receipt.ReceiptVerifier;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
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
 * Aggregated anchoring end to end on real pieces: gateways with real buffers in aggregated mode
 * ({@link AggregatedAnchorer}) publish their batch statements over Mosquitto, the ingest puts them
 * in Kafka, the {@link StatementConsumer} takes them into PostgreSQL, the {@link FleetAggregator}
 * checks them against the records the fleet stored and anchors one fleet root per interval on the
 * dev chain with the fleet's account registered in the device registry under the fleet id (the
 * contract bound to the registry), {@link MqttReceiptSink} sends the receipts back, and each gateway checks them and marks
 * its batches anchored. The fleet store's {@code records} are filled from the gateways' buffers here,
 * standing for the verify and store stages (tested on their own).
 */
@Tag("integration")
class AggregatedAnchoringEndToEndTest {
    static final String FLEET = "fleet-e2e";

    @TempDir
    Path dir;

    @Test
    void gatewaysEndWithVerifiedReceiptsFromOneFleetTransaction() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        ManualClock clock = new ManualClock();
        List<TestDevice> devices = new ArrayList<>();
        List<MqttClient> clients = new ArrayList<>();
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false).setNumControllerNodes(1).setNumBrokerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "false").build();
                MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"));
                TestChain chain = TestChain.start(dir);
                LedgerClient ledger = chain.client();
                Connection store = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Connection fleetDb = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic(FleetTopics.RECORDS, 2, (short) 1),
                        new NewTopic(FleetTopics.FINDINGS, 1, (short) 1),
                        new NewTopic(FleetTopics.STATEMENTS, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            AnchorFixture.storeSchema(store);
            SoftwareDeviceKey fleetKey = Pkcs12KeyStore.create(dir.resolve("fleet.p12"), CoseAlgorithm.ES256, FLEET,
                    AnchorFixture.PW);
            Map<String, PublicKey> trusted = new ConcurrentHashMap<>();
            MqttKafkaIngest ingest = new MqttKafkaIngest(IngestSettings.of(BrokerOptions.defaults(broker.url())
                    .withClientId("ingest-e2e").withReconnect(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))),
                    kafka.bootstrapServers()), Clock.systemUTC(), scheduler, new SplittableRandom(1)).start();
            Await.until(Duration.ofSeconds(10), () -> "subscribed", ingest::subscribed);

            List<BatchStore> stores = new ArrayList<>();
            List<AggregatedAnchorer> anchorers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestDevice d = new TestDevice(dir, "gw-e" + i, clock);
                devices.add(d);
                trusted.put(d.id, d.key.publicKey());
                d.produce(6);
                BatchStore bs = new BatchStore(d.buffer);
                new AnchorBatcher(bs, new AnchorBatcher.Options(3, Duration.ofHours(1)), clock).cutRipe();
                AggregatedAnchorer a = new AggregatedAnchorer(bs, d.key, d.id, fleetKey.publicKey(), clock);
                assertThat(a.step()).isEqualTo(2);
                stores.add(bs);
                anchorers.add(a);
                // the fleet's verify + store stages, for this test: the records' leaves in the store
                try (PreparedStatement ins = store.prepareStatement("INSERT INTO records (device, seq, leaf, hash,"
                        + " linked, verified_at) VALUES (?, ?, ?, ?, true, ?)")) {
                    for (StoredRecord r : d.buffer.range(1, 6)) {
                        ins.setString(1, d.id);
                        ins.setLong(2, r.seq());
                        ins.setBytes(3, r.leafHash());
                        ins.setBytes(4, r.leafHash());
                        ins.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
                // the gateway's MQTT side: receipts in, statements out (QoS 1)
                MqttClient c = new MqttClient(broker.url(), d.id, new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setCleanSession(true);
                c.connect(o);
                clients.add(c);
                c.subscribe(UplinkTopics.RECEIPTS.topic(d.id), 1, (topic, m) -> {
                    JsonNode j = new ObjectMapper().readTree(m.getPayload());
                    synchronized (a) {
                        a.accept(Base64.getUrlDecoder().decode(j.get("statement").asText()),
                                Base64.getUrlDecoder().decode(j.get("receipt").asText()));
                    }
                });
                for (AggregatedAnchorer.Stated s : a.unreceipted()) {
                    c.publish(UplinkTopics.STATEMENTS.topic(d.id), s.cose(), 1, false);
                }
            }

            // the fleet's ledger account is registered in the device registry like a device, under the fleet id,
            // and the anchor contract bound to the registry: only registered accounts anchor, each for its own id
            String registry = DeviceRegistryClient.deploy(ledger, chain.admin, Duration.ofSeconds(30));
            DeviceRegistryClient.bindAnchorContract(ledger, chain.admin, chain.contract, registry, Duration.ofSeconds(30));
            new DeviceRegistryClient(ledger, registry, chain.admin, Duration.ofSeconds(30)).register(FLEET,
                    fleetKey.publicKey(), fleetKey.certificateChain().get(0), chain.gateway.address());

            StatementInbox inbox = new StatementInbox(fleetDb);
            MqttClient fleetMqtt = new MqttClient(broker.url(), "fleet-e2e", new MemoryPersistence());
            fleetMqtt.connect();
            clients.add(fleetMqtt);
            FleetAggregator aggregator = new FleetAggregator(fleetDb, RecordLeaves.of(fleetDb),
                    d -> trusted.containsKey(d) ? List.of(trusted.get(d)) : List.of(), ledger, chain.gateway, FLEET,
                    fleetKey, new MqttReceiptSink(fleetMqtt), clock, 60_000);
            aggregator.step(); // starts the interval clock
            try (StatementConsumer consumer = new StatementConsumer(kafka.bootstrapServers(), "aggregator-e2e", inbox,
                    Clock.systemUTC())) {
                int[] taken = {0};
                Await.until(Duration.ofSeconds(30), () -> "statements taken: " + taken[0], () -> {
                    taken[0] += consumer.poll(Duration.ofMillis(200)).added();
                    return taken[0] == 6;
                });
            }
            clock.advance(Duration.ofMinutes(1));
            for (int i = 0; i < 10; i++) {
                FleetAggregator.Step s = aggregator.step();
                if (s.ledger() == FleetAggregator.LedgerOutcome.IDLE && s.closedInterval() == 0 && i > 0) {
                    break;
                }
            }
            Await.until(Duration.ofSeconds(20), () -> "every gateway anchored", () -> {
                for (BatchStore bs : stores) {
                    if (bs.lastAnchoredSeq() != 6) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(ledger.anchoredEventsOf(FLEET, ledger.blockNumber())).hasSize(1);
            for (int i = 0; i < 3; i++) {
                assertThat(anchorers.get(i).unreceipted()).isEmpty();
                for (Batch b : stores.get(i).all()) {
                    assertThat(b.state()).isEqualTo(Batch.State.ANCHORED);
                    byte[] receipt = anchorers.get(i).receipt(b.id()).orElseThrow();
                    ReceiptVerifier.Result r = ReceiptVerifier.verify(receipt,
                            anchorers.get(i).statement(b.id()).orElseThrow(), fleetKey.publicKey());
                    assertThat(r.valid()).as(r.reason()).isTrue();
                    assertThat(ledger.blockOf(AnchorAbi.deviceKey(FLEET), r.root())).isEqualTo(b.blockNumber());
                }
            }
            ingest.close();
        } finally {
            for (MqttClient c : clients) {
                if (c.isConnected()) {
                    c.disconnect();
                }
                c.close();
            }
            for (TestDevice d : devices) {
                d.close();
            }
            scheduler.shutdownNow();
        }
    }
}
