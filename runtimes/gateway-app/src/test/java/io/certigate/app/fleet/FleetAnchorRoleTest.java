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
import io.certigate.uplink.UplinkTopics;
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

    @Test
    void anchorRoleReceivesStatementsAndAnchorsOneInterval() throws Exception {
        ManualClock gatewayClock = new ManualClock();
        List<TestDevice> devices = new ArrayList<>();
        List<MqttClient> clients = new ArrayList<>();
        try (KafkaCluster kafka = KafkaCluster.builder(dir.resolve("kafka")).brokers(1).start();
                MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"));
                TestChain chain = TestChain.start(dir);
                LedgerClient ledger = chain.client();
                Connection store = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            StoreSchema.createOrUpdate(store);
            SoftwareDeviceKey fleetKey = Pkcs12KeyStore.create(dir.resolve("fleet.p12"), CoseAlgorithm.ES256, FLEET, PW);
            Files.writeString(dir.resolve("fleet.pass"), "pw");
            Files.writeString(dir.resolve("ledger.pass"), new String(TestChain.PASSPHRASE));
            new LedgerSettings(chain.config(), dir.resolve("gateway.key.json"), "file:" + dir.resolve("ledger.pass"))
                    .save(dir.resolve("fleet-ledger.properties"));
            String registry = DeviceRegistryClient.deploy(ledger, chain.admin, Duration.ofSeconds(30));
            DeviceRegistryClient.bindAnchorContract(ledger, chain.admin, chain.contract, registry, Duration.ofSeconds(30));
            new DeviceRegistryClient(ledger, registry, chain.admin, Duration.ofSeconds(30)).register(FLEET,
                    fleetKey.publicKey(), fleetKey.certificateChain().get(0), chain.gateway.address());

            List<BatchStore> stores = new ArrayList<>();
            List<AggregatedAnchorer> anchorers = new ArrayList<>();
            List<Path> keyFiles = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                TestDevice d = new TestDevice(dir, "gw-r" + i, gatewayClock);
                devices.add(d);
                keyFiles.add(TestPki.writePem(dir.resolve(d.id + ".pem"), List.of(d.key.certificateChain().get(0))));
                d.produce(6);
                BatchStore bs = new BatchStore(d.buffer);
                new AnchorBatcher(bs, new AnchorBatcher.Options(3, Duration.ofHours(1)), gatewayClock).cutRipe();
                AggregatedAnchorer a = new AggregatedAnchorer(bs, d.key, d.id, fleetKey.publicKey(), gatewayClock);
                assertThat(a.step()).isEqualTo(2);
                stores.add(bs);
                anchorers.add(a);
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
                for (int i = 0; i < devices.size(); i++) {
                    TestDevice d = devices.get(i);
                    AggregatedAnchorer a = anchorers.get(i);
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
                Await.until(Duration.ofSeconds(60), () -> "statements taken: " + node.anchor().statementsTaken(),
                        () -> node.anchor().statementsTaken() == 4);
                Await.until(Duration.ofSeconds(60), () -> "every gateway anchored", () -> {
                    for (BatchStore bs : stores) {
                        if (bs.lastAnchoredSeq() != 6) {
                            return false;
                        }
                    }
                    return true;
                });
                assertThat(node.anchor().intervalsClosed()).isEqualTo(1);
                assertThat(ledger.anchoredEventsOf(FLEET, ledger.blockNumber())).hasSize(1);
                for (int i = 0; i < devices.size(); i++) {
                    assertThat(anchorers.get(i).unreceipted()).isEmpty();
                    for (Batch b : stores.get(i).all()) {
                        assertThat(b.state()).isEqualTo(Batch.State.ANCHORED);
                        ReceiptVerifier.Result r = ReceiptVerifier.verify(anchorers.get(i).receipt(b.id()).orElseThrow(),
                                anchorers.get(i).statement(b.id()).orElseThrow(), fleetKey.publicKey());
                        assertThat(r.valid()).as(r.reason()).isTrue();
                        assertThat(ledger.blockOf(AnchorAbi.deviceKey(FLEET), r.root())).isEqualTo(b.blockNumber());
                    }
                }
                HttpResponse<String> chainDoc = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + node.anchor().httpPort() + "/devices/" + devices.get(0).id + "/statements"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(chainDoc.statusCode()).isEqualTo(200);
                JsonNode doc = new ObjectMapper().readTree(chainDoc.body());
                assertThat(doc.get("fleet").asText()).isEqualTo(FLEET);
                assertThat(doc.get("statements")).hasSize(2);
                assertThat(doc.get("statements").get(1).get("receipt").isNull()).isFalse();
            }
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
        }
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
