package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.anchor.statement.AggregatedAnchorer;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.app.anchor.RunAggregatedAnchoring;
import io.certigate.app.run.RunConfig;
import io.certigate.core.model.StoredRecord;
import io.certigate.fleet.store.StoreSchema;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.KafkaCluster;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.testbed.time.ManualClock;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.mqtt.MqttUplink;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.testing.Await;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.receipt.ReceiptVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet run} with the {@code anchor} role on real pieces (Kafka, PostgreSQL, Mosquitto, the
 * dev chain): gateways with real buffers in aggregated mode publish their batch statements, the
 * instance's ingest puts them in {@code certigate.statements}, its anchor role takes them, anchors
 * one fleet root in one transaction of the fleet's account and sends the receipts back; every
 * gateway batch ends anchored with a receipt that verifies, and the statement chain is served over
 * HTTP. The store's {@code records} are filled from the gateways' buffers here, standing for the
 * verify and store roles (tested in {@link FleetEndToEndTest}).
 */
@Tag("integration")
class FleetAnchorRoleTest {
    static final String FLEET = "fleet-role";
    static final char[] PW = "pw".toCharArray();

    @TempDir
    Path dir;

    /** The gateways' side of a test, run against a started fleet instance with the anchor role. */
    interface Gateways {
        void run(Fleet fleet) throws Exception;
    }

    /** What a test's gateways see of the fleet. */
    record Fleet(FleetNode node, MosquittoBroker broker, SoftwareDeviceKey key, Path certificate, Connection store,
            LedgerClient ledger, PostgresServer pg) {}

    /**
     * Starts PostgreSQL, one Kafka broker, Mosquitto and the dev chain, registers the fleet's account
     * under {@link #FLEET}, makes {@code devices} (2 gateways, 6 records each, their records in the
     * store's {@code records}), starts an instance with roles ingest and anchor (interval 8 s, long
     * enough for every statement to fall into the first) and runs {@code gateways}.
     */
    void withFleet(List<TestDevice> devices, Clock gatewayClock, Gateways gateways) throws Exception {
        try (KafkaCluster kafka = KafkaCluster.builder(dir.resolve("kafka")).brokers(1).start();
                MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"));
                TestChain chain = TestChain.start(dir);
                LedgerClient ledger = chain.client();
                Connection store = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            StoreSchema.createOrUpdate(store);
            SoftwareDeviceKey fleetKey = Pkcs12KeyStore.create(dir.resolve("fleet.p12"), CoseAlgorithm.ES256, FLEET, PW);
            Path fleetCert = TestPki.writePem(dir.resolve("fleet.pem"), List.of(fleetKey.certificateChain().get(0)));
            Files.writeString(dir.resolve("fleet.pass"), "pw");
            Files.writeString(dir.resolve("ledger.pass"), new String(TestChain.PASSPHRASE));
            new LedgerSettings(chain.config(), dir.resolve("gateway.key.json"), "file:" + dir.resolve("ledger.pass"))
                    .save(dir.resolve("fleet-ledger.properties"));
            String registry = DeviceRegistryClient.deploy(ledger, chain.admin, Duration.ofSeconds(30));
            DeviceRegistryClient.bindAnchorContract(ledger, chain.admin, chain.contract, registry, Duration.ofSeconds(30));
            new DeviceRegistryClient(ledger, registry, chain.admin, Duration.ofSeconds(30)).register(FLEET,
                    fleetKey.publicKey(), fleetKey.certificateChain().get(0), chain.gateway.address());

            List<Path> keyFiles = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                TestDevice d = new TestDevice(dir, "gw-r" + i, gatewayClock);
                devices.add(d);
                keyFiles.add(TestPki.writePem(dir.resolve(d.id + ".pem"), List.of(d.key.certificateChain().get(0))));
                d.produce(6);
                // the fleet's verify + store roles, for this test: the records' leaves in the store
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
            }

            Properties p = new Properties();
            p.setProperty("fleet.roles", "ingest,anchor");
            p.setProperty("fleet.kafka.bootstrap-servers", kafka.bootstrapServers());
            p.setProperty("fleet.kafka.partitions", "2");
            p.setProperty("fleet.kafka.replication-factor", "1");
            p.setProperty("fleet.ingest.mqtt.url", broker.url());
            p.setProperty("fleet.ingest.mqtt.client-id", "fleet-role");
            p.setProperty("fleet.verify.keys", String.join(",", keyFiles.stream().map(Path::toString).toList()));
            p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
            p.setProperty("fleet.store.user", pg.user());
            p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
            p.setProperty("fleet.anchor.fleet-id", FLEET);
            p.setProperty("fleet.anchor.key-store", dir.resolve("fleet.p12").toString());
            p.setProperty("fleet.anchor.passphrase-source", "file:" + dir.resolve("fleet.pass"));
            p.setProperty("fleet.anchor.ledger", dir.resolve("fleet-ledger.properties").toString());
            p.setProperty("fleet.anchor.interval-ms", "8000");
            p.setProperty("fleet.anchor.http.port", "0");
            p.setProperty("metrics.port", "-1");
            try (FleetNode node = FleetNode.start(FleetConfig.parse(p, "fleet-role.properties"), Clock.systemUTC())) {
                Await.until(Duration.ofSeconds(30), () -> "subscribed", node.ingest()::subscribed);
                gateways.run(new Fleet(node, broker, fleetKey, fleetCert, store, ledger, pg));
            }
        } finally {
            for (TestDevice d : devices) {
                d.close();
            }
        }
    }

    /** Every batch of {@code stores} anchored by a fleet transaction (one per interval), with a receipt that verifies. */
    static void assertEveryBatchReceipted(Fleet fleet, List<BatchStore> stores, List<AggregatedAnchorer> anchorers)
            throws Exception {
        Await.until(Duration.ofSeconds(60), () -> "every gateway anchored", () -> {
            for (BatchStore bs : stores) {
                if (bs.lastAnchoredSeq() != 6) {
                    return false;
                }
            }
            return true;
        });
        // one fleet transaction per interval that had statements, whatever the number of gateways and batches;
        // normally all of them fall in one 8 s interval, a slow machine may spread them over more
        long intervals = fleet.node().anchor().intervalsClosed();
        assertThat(intervals).isPositive();
        assertThat(fleet.ledger().anchoredEventsOf(FLEET, fleet.ledger().blockNumber())).hasSize((int) intervals);
        assertThat(intervals).isLessThan(2L * stores.size()); // fewer transactions than statements
        for (int i = 0; i < stores.size(); i++) {
            assertThat(anchorers.get(i).unreceipted()).isEmpty();
            assertThat(stores.get(i).all()).hasSize(2);
            for (Batch b : stores.get(i).all()) {
                assertThat(b.state()).isEqualTo(Batch.State.ANCHORED);
                ReceiptVerifier.Result r = ReceiptVerifier.verify(anchorers.get(i).receipt(b.id()).orElseThrow(),
                        anchorers.get(i).statement(b.id()).orElseThrow(), fleet.key().publicKey());
                assertThat(r.valid()).as(r.reason()).isTrue();
                assertThat(fleet.ledger().blockOf(AnchorAbi.deviceKey(FLEET), r.root())).isEqualTo(b.blockNumber());
            }
        }
    }

    @Test
    void anchorRoleReceivesStatementsAndAnchorsOneInterval() throws Exception {
        ManualClock gatewayClock = new ManualClock();
        List<TestDevice> devices = new ArrayList<>();
        List<MqttClient> clients = new ArrayList<>();
        try {
            withFleet(devices, gatewayClock, fleet -> {
                List<BatchStore> stores = new ArrayList<>();
                List<AggregatedAnchorer> anchorers = new ArrayList<>();
                for (TestDevice d : devices) {
                    BatchStore bs = new BatchStore(d.buffer);
                    new AnchorBatcher(bs, new AnchorBatcher.Options(3, Duration.ofHours(1)), gatewayClock).cutRipe();
                    AggregatedAnchorer a = new AggregatedAnchorer(bs, d.key, d.id, fleet.key().publicKey(), gatewayClock);
                    assertThat(a.step()).isEqualTo(2);
                    stores.add(bs);
                    anchorers.add(a);
                    MqttClient c = new MqttClient(fleet.broker().url(), d.id, new MemoryPersistence());
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
                FleetNode node = fleet.node();
                Await.until(Duration.ofSeconds(60), () -> "statements taken: " + node.anchor().statementsTaken(),
                        () -> node.anchor().statementsTaken() == 4);
                assertEveryBatchReceipted(fleet, stores, anchorers);
                HttpResponse<String> chainDoc = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + node.anchor().httpPort() + "/devices/" + devices.get(0).id + "/statements"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(chainDoc.statusCode()).isEqualTo(200);
                JsonNode doc = new ObjectMapper().readTree(chainDoc.body());
                assertThat(doc.get("fleet").asText()).isEqualTo(FLEET);
                assertThat(doc.get("statements")).hasSize(2);
                assertThat(doc.get("statements").get(1).get("receipt").isNull()).isFalse();
            });
        } finally {
            for (MqttClient c : clients) {
                if (c.isConnected()) {
                    c.disconnect();
                }
                c.close();
            }
        }
    }

    /**
     * PostgreSQL restarted under the role (its connections, and with them the aggregator's lock, gone):
     * the role opens new ones, leads again and anchors what comes after, and the statement chain is
     * served again; every batch ends receipted.
     */
    @Test
    void anchorRoleConnectsAgainAfterPostgresRestarts() throws Exception {
        ManualClock gatewayClock = new ManualClock();
        List<TestDevice> devices = new ArrayList<>();
        List<MqttClient> clients = new ArrayList<>();
        try {
            withFleet(devices, gatewayClock, fleet -> {
                List<BatchStore> stores = new ArrayList<>();
                List<AggregatedAnchorer> anchorers = new ArrayList<>();
                for (TestDevice d : devices) {
                    BatchStore bs = new BatchStore(d.buffer);
                    new AnchorBatcher(bs, new AnchorBatcher.Options(3, Duration.ofHours(1)), gatewayClock).cutRipe();
                    AggregatedAnchorer a = new AggregatedAnchorer(bs, d.key, d.id, fleet.key().publicKey(), gatewayClock);
                    assertThat(a.step()).isEqualTo(2);
                    stores.add(bs);
                    anchorers.add(a);
                    clients.add(receiving(fleet, d, a));
                }
                // the first statement of each gateway, anchored before the restart
                for (int i = 0; i < devices.size(); i++) {
                    clients.get(i).publish(UplinkTopics.STATEMENTS.topic(devices.get(i).id),
                            anchorers.get(i).unreceipted().get(0).cose(), 1, false);
                }
                Await.until(Duration.ofSeconds(60), () -> "first batches anchored", () -> {
                    for (BatchStore bs : stores) {
                        if (bs.lastAnchoredSeq() != 3) {
                            return false;
                        }
                    }
                    return true;
                });
                FleetAnchorRole role = fleet.node().anchor();
                assertThat(role.metrics().databaseFailures()).isZero();
                fleet.pg().restart();
                Await.until(Duration.ofSeconds(30), () -> "the role saw the database go", () ->
                        role.metrics().databaseFailures() > 0);
                for (int i = 0; i < devices.size(); i++) {
                    clients.get(i).publish(UplinkTopics.STATEMENTS.topic(devices.get(i).id),
                            anchorers.get(i).unreceipted().get(0).cose(), 1, false);
                }
                assertEveryBatchReceipted(fleet, stores, anchorers);
                assertThat(role.metrics().leader()).isTrue();
                assertThat(role.metrics().intervalsAnchored()).isEqualTo(role.intervalsClosed());
                HttpResponse<String> chainDoc = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + role.httpPort() + "/devices/" + devices.get(0).id + "/statements"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(chainDoc.statusCode()).as(chainDoc.body()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(chainDoc.body()).get("statements")).hasSize(2);
            });
        } finally {
            for (MqttClient c : clients) {
                if (c.isConnected()) {
                    c.disconnect();
                }
                c.close();
            }
        }
    }

    /** A gateway's MQTT client that hands the receipts of its topic to {@code a}. */
    static MqttClient receiving(Fleet fleet, TestDevice d, AggregatedAnchorer a) throws Exception {
        MqttClient c = new MqttClient(fleet.broker().url(), d.id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        c.connect(o);
        c.subscribe(UplinkTopics.RECEIPTS.topic(d.id), 1, (topic, m) -> {
            JsonNode j = new ObjectMapper().readTree(m.getPayload());
            synchronized (a) {
                a.accept(Base64.getUrlDecoder().decode(j.get("statement").asText()),
                        Base64.getUrlDecoder().decode(j.get("receipt").asText()));
            }
        });
        return c;
    }

    /**
     * {@code certigate run}'s aggregated mode ({@link RunAggregatedAnchoring} on the gateway's real
     * MQTT uplink, configured by {@code anchor.mode = aggregated}): the gateway cuts and states its
     * batches, publishes the statements on its uplink connection and takes the receipts from it; every
     * batch ends anchored with a receipt that verifies, without a ledger transaction of its own.
     */
    @Test
    void gatewayInAggregatedModeEndsWithEveryBatchReceipted() throws Exception {
        List<TestDevice> devices = new ArrayList<>();
        List<AutoCloseable> running = new ArrayList<>();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try {
            withFleet(devices, Clock.systemUTC(), fleet -> {
                List<BatchStore> stores = new ArrayList<>();
                List<AggregatedAnchorer> anchorers = new ArrayList<>();
                Properties run = new Properties();
                run.setProperty("anchor.mode", "aggregated");
                run.setProperty("anchor.fleet-certificate", fleet.certificate().toString());
                run.setProperty("anchor.batch-size", "3");
                for (TestDevice d : devices) {
                    MqttUplink uplink = new MqttUplink(d.buffer, d.key.certificateChain(),
                            MqttUplinkOptions.defaults(fleet.broker().url(), d.id)
                                    .withReconnect(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500))),
                            Clock.systemUTC(), scheduler, new SplittableRandom(1));
                    RunConfig.Values values = new RunConfig.Values(run, d.id + ".properties");
                    assertThat(RunAggregatedAnchoring.configured(values)).isTrue();
                    RunAggregatedAnchoring aggregation = RunAggregatedAnchoring.prepare(values, d.buffer, d.key, uplink,
                            Clock.systemUTC());
                    uplink.start();
                    running.add(uplink);
                    running.add(aggregation.start(scheduler, System.out));
                    stores.add(aggregation.store());
                    anchorers.add(aggregation.anchorer());
                }
                try {
                    assertEveryBatchReceipted(fleet, stores, anchorers);
                } finally { // before the broker and the buffers go
                    for (int i = running.size() - 1; i >= 0; i--) {
                        running.get(i).close();
                    }
                }
            });
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aggregatedModeNamesTheUplinkKeys() throws Exception {
        Properties run = new Properties();
        run.setProperty("anchor.mode", "aggregated");
        RunConfig.Values values = new RunConfig.Values(run, "gw.properties");
        assertThatThrownBy(() -> RunAggregatedAnchoring.prepare(values, null, null, null, Clock.systemUTC()))
                .hasMessageContaining("uplink.mqtt.url").hasMessageContaining("anchor.mode = aggregated");
        assertThat(RunAggregatedAnchoring.configured(new RunConfig.Values(new Properties(), "gw.properties"))).isFalse();
    }

    @Test
    void anchorRoleNamesTheKeysItNeeds() {
        Properties p = new Properties();
        p.setProperty("fleet.roles", "anchor");
        p.setProperty("fleet.kafka.bootstrap-servers", "localhost:9092");
        p.setProperty("fleet.verify.keys", "keys.pem");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.ingest.mqtt.url");
        p.setProperty("fleet.ingest.mqtt.url", "tcp://localhost:1883");
        p.setProperty("fleet.ingest.mqtt.client-id", "f");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.store.jdbc-url");
        p.setProperty("fleet.store.jdbc-url", "jdbc:postgresql://localhost/certigate");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.anchor.fleet-id");
        p.setProperty("fleet.anchor.fleet-id", "fleet-1");
        p.setProperty("fleet.anchor.key-store", "fleet.p12");
        p.setProperty("fleet.anchor.passphrase-source", "secret");
        p.setProperty("fleet.anchor.ledger", "ledger.properties");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties"))
                .hasMessageContaining("fleet.anchor.passphrase-source");
        p.setProperty("fleet.anchor.passphrase-source", "env:FLEET_PASS");
        FleetConfig c = FleetConfig.parse(p, "f.properties");
        assertThat(c.roles()).containsExactly(FleetConfig.Role.ANCHOR);
        assertThat(c.anchor().intervalMs()).isEqualTo(60_000);
        assertThat(c.anchor().broker().clientId()).isEqualTo("f-anchor");
        assertThat(c.anchor().httpPort()).isEqualTo(-1);
    }
}
