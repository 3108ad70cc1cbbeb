package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.anchor.statement.AggregatedAnchorer;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.app.anchor.RunAggregatedAnchoring;
import io.certigate.app.run.RunConfig;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.KafkaCluster;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.chain.DevChain;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.mqtt.MqttUplink;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.testing.Await;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.receipt.ReceiptVerifier;
import io.certigate.verifier.statement.StatementHistoryVerifier;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregated anchoring under the fleet tier's faults (issue #17), on real components in separate
 * processes: a 3-broker Kafka cluster, PostgreSQL, Mosquitto, the anvil dev chain (one block a
 * second, saved at every block) and two {@code certigate fleet run} instances, each with the roles
 * ingest, verify, store and anchor and a 2 s interval. The gateways are the real gateway-side pieces
 * in this JVM: a record buffer with its sequencer signing readings all along, the MQTT uplink, and
 * {@link RunAggregatedAnchoring} stating the batches and taking the receipts. While they produce:
 * <ol>
 *   <li>the instance that leads the aggregator is killed with SIGKILL once an interval of it is fixed
 *       or sent and not anchored yet (seen in PostgreSQL), then started again;</li>
 *   <li>the dev chain is stopped for several intervals (statements are still accepted, nothing can be
 *       anchored) and started again on its folder;</li>
 *   <li>a gateway's MQTT session (a clean one, as the uplink's) is lost while the fleet hands it
 *       receipts, which are gone with it; back, it re-sends its unreceipted statements and the fleet
 *       hands their receipts over again.</li>
 * </ol>
 * Afterwards every statement is accepted and in exactly one anchored interval, the chain holds
 * exactly one {@code Anchored} event of the fleet per anchored interval (counted over the whole
 * chain, not from the aggregator's rows) with that interval's root, every gateway batch is anchored
 * with a receipt that verifies, and each gateway's statement history as the fleet serves it verifies
 * against the ledger.
 */
@Tag("integration")
class FleetAnchorFaultTest {
    /**
     * The lean case CI runs; a longer one e.g. {@code -Dcertigate.fleet.anchor-faults.gateways=20
     * -Dcertigate.fleet.anchor-faults.rate=20 -Dcertigate.fleet.anchor-faults.outage-intervals=15}.
     */
    private static final int GATEWAYS = Integer.getInteger("certigate.fleet.anchor-faults.gateways", 3);
    /** Readings per second per gateway. */
    private static final int RATE = Integer.getInteger("certigate.fleet.anchor-faults.rate", 10);
    private static final int OUTAGE_INTERVALS = Integer.getInteger("certigate.fleet.anchor-faults.outage-intervals", 4);
    private static final long INTERVAL_MS = 2_000;
    private static final String FLEET = "fleet-faults";
    private static final char[] PW = "pw".toCharArray();

    @TempDir
    Path dir;

    /** One gateway of the test: its device, uplink and aggregated anchoring. */
    private record Gateway(TestDevice device, MqttUplink uplink, RunAggregatedAnchoring anchoring,
            java.util.function.LongConsumer commits) {
        BatchStore batches() {
            return anchoring.store();
        }

        AggregatedAnchorer anchorer() {
            return anchoring.anchorer();
        }
    }

    @Test
    void everyStatementIsAnchoredOnceThroughAKilledLeaderAndALedgerOutage() throws Exception {
        List<TestDevice> devices = new ArrayList<>();
        List<AutoCloseable> running = new ArrayList<>();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        FleetInstanceProcess a = null;
        FleetInstanceProcess b = null;
        try (KafkaCluster kafka = KafkaCluster.builder(dir.resolve("kafka")).brokers(3).start();
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"));
                MosquittoBroker mqtt = MosquittoBroker.start(dir.resolve("mqtt"));
                TestChain chain = TestChain.start(dir, DevChain.Options.defaults(DevChain.locateAnvil(),
                        dir.resolve("chain")).withBlockTime(1));
                LedgerClient ledger = chain.client();
                Connection db = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            // the fleet: its receipt key, its ledger account registered under the fleet id
            SoftwareDeviceKey fleetKey = Pkcs12KeyStore.create(dir.resolve("fleet.p12"), CoseAlgorithm.ES256, FLEET, PW);
            Path fleetCert = TestPki.writePem(dir.resolve("fleet.pem"), List.of(fleetKey.certificateChain().get(0)));
            Files.writeString(dir.resolve("fleet.pass"), new String(PW));
            Files.writeString(dir.resolve("ledger.pass"), new String(TestChain.PASSPHRASE));
            new LedgerSettings(chain.config(), dir.resolve("gateway.key.json"), "file:" + dir.resolve("ledger.pass"))
                    .save(dir.resolve("fleet-ledger.properties"));
            String registry = DeviceRegistryClient.deploy(ledger, chain.admin, Duration.ofSeconds(30));
            DeviceRegistryClient.bindAnchorContract(ledger, chain.admin, chain.contract, registry, Duration.ofSeconds(30));
            new DeviceRegistryClient(ledger, registry, chain.admin, Duration.ofSeconds(30)).register(FLEET,
                    fleetKey.publicKey(), fleetKey.certificateChain().get(0), chain.gateway.address());

            List<Path> keyFiles = new ArrayList<>();
            for (int i = 0; i < GATEWAYS; i++) {
                TestDevice d = new TestDevice(dir, "gw-f" + i, Clock.systemUTC());
                devices.add(d);
                keyFiles.add(TestPki.writePem(dir.resolve(d.id + ".pem"), List.of(d.key.certificateChain().get(0))));
            }
            Map<String, Integer> httpPorts = new HashMap<>();
            Map<String, Integer> metricsPorts = new HashMap<>();
            for (String n : List.of("a", "b")) {
                httpPorts.put(n, freePort());
                metricsPorts.put(n, freePort());
            }
            a = FleetInstanceProcess.start(dir.resolve("a"), instance("a", kafka, mqtt, pg, keyFiles, httpPorts,
                    metricsPorts));
            b = FleetInstanceProcess.start(dir.resolve("b"), instance("b", kafka, mqtt, pg, keyFiles, httpPorts,
                    metricsPorts));
            Map<String, FleetInstanceProcess> instances = Map.of("a", a, "b", b);

            // the gateways: readings signed all along, forwarded, batched, stated, receipted
            List<Gateway> gateways = new ArrayList<>();
            Properties run = new Properties();
            run.setProperty("anchor.mode", "aggregated");
            run.setProperty("anchor.fleet-certificate", fleetCert.toString());
            run.setProperty("anchor.batch-size", "10");
            run.setProperty("anchor.batch-age-s", "1");
            run.setProperty("anchor.statement-resend-s", "5");
            for (TestDevice d : devices) {
                gateways.add(connect(d, mqtt, run, scheduler));
            }
            var producing = scheduler.scheduleAtFixedRate(() -> {
                for (TestDevice d : devices) {
                    try {
                        d.produce(1);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, 1000 / RATE, TimeUnit.MILLISECONDS);
            running.add(() -> producing.cancel(false));
            running.add(() -> {
                for (Gateway g : gateways) {
                    disconnect(g);
                }
            });

            // warm-up: intervals anchored and receipts back on every gateway
            Await.until(Duration.ofSeconds(180), () -> "a first receipt on every gateway; instance metrics:\n"
                    + metricsText(metricsPorts), () -> {
                for (Gateway g : gateways) {
                    if (g.batches().lastAnchoredSeq() == 0) {
                        return false;
                    }
                }
                return true;
            });

            // 1. kill -9 of the leader once one of its intervals is fixed or sent, not yet anchored
            String leader = leader(metricsPorts);
            long caughtInterval = 0;
            String caughtState = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (caughtState == null && System.nanoTime() < deadline) {
                try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id, state FROM"
                        + " fleet_anchor.intervals WHERE state <> 'anchored' ORDER BY id LIMIT 1")) {
                    if (rs.next()) {
                        caughtInterval = rs.getLong(1);
                        caughtState = rs.getString(2);
                    }
                }
                if (caughtState == null) {
                    Thread.sleep(5);
                }
            }
            instances.get(leader).kill();
            assertThat(caughtState).as("an interval seen between fixed and anchored").isNotNull();
            System.out.println("killed instance " + leader + " with interval " + caughtInterval + " " + caughtState);
            String survivor = leader.equals("a") ? "b" : "a";
            Await.until(Duration.ofSeconds(60), () -> "instance " + survivor + " leads", () ->
                    survivor.equals(leaderOrNull(metricsPorts, survivor)));
            long interval = caughtInterval;
            Await.until(Duration.ofSeconds(60), () -> "interval " + interval + " anchored by " + survivor, () ->
                    count(db, "SELECT count(*) FROM fleet_anchor.intervals WHERE id = " + interval
                            + " AND state = 'anchored'") == 1);
            instances.get(leader).launch();

            // 2. the ledger down for several intervals: statements still accepted, nothing anchored
            long anchoredBefore = count(db, "SELECT count(*) FROM fleet_anchor.intervals WHERE state = 'anchored'");
            chain.stopNode();
            Await.until(Duration.ofSeconds(60), () -> "the leader reports the ledger outage", () -> {
                Map<String, Double> m = metrics(metricsPorts.get(survivor));
                return m.getOrDefault("certigate_fleet_anchor_ledger_outage_seconds", 0.0) > 0;
            });
            long acceptedAtOutage = count(db, "SELECT count(*) FROM fleet_anchor.statements WHERE state = 'accepted'");
            Thread.sleep(OUTAGE_INTERVALS * INTERVAL_MS); // gateways keep producing through the outage
            Await.until(Duration.ofSeconds(60), () -> "statements accepted during the outage", () ->
                    count(db, "SELECT count(*) FROM fleet_anchor.statements WHERE state = 'accepted'") > acceptedAtOutage);
            assertThat(metrics(metricsPorts.get(survivor)).get("certigate_fleet_anchor_ledger_outage_seconds"))
                    .isGreaterThan(0.0);
            long restartMs = System.currentTimeMillis(); // the instances' clock: this machine's
            chain.restartNode();
            Await.until(Duration.ofSeconds(60), () -> "anchoring resumed", () ->
                    count(db, "SELECT count(*) FROM fleet_anchor.intervals WHERE state = 'anchored'") > anchoredBefore);

            // 3. a gateway's MQTT session lost while the fleet hands it receipts (its uplink has a clean
            // session): they are gone; it re-sends the unreceipted statements when it is back, and the fleet
            // hands over their receipts once more
            Gateway lost = gateways.get(0);
            disconnect(lost);
            long lostAtMs = System.currentTimeMillis(); // a receipt handed over after this has no subscriber
            Await.until(Duration.ofSeconds(60), () -> "a receipt of " + lost.device().id + " handed to the broker while"
                    + " it is away", () -> count(db, "SELECT count(*) FROM fleet_anchor.statements WHERE device = '"
                            + lost.device().id + "' AND delivered_ms > " + lostAtMs) > 0);
            long missed;
            synchronized (lost.anchorer()) {
                missed = lost.anchorer().unreceipted().size();
            }
            assertThat(missed).as("statements of the away gateway whose receipt it missed").isPositive();
            gateways.set(0, connect(lost.device(), mqtt, run, scheduler));

            // the gateways stop; everything they stated ends receipted
            producing.cancel(false);
            Thread.sleep(200); // a produce() under way commits
            Await.until(Duration.ofSeconds(180), () -> "every reading of every gateway anchored", () -> {
                for (Gateway g : gateways) {
                    long head = g.device().buffer.head().seq();
                    synchronized (g.anchorer()) { // as RunAggregatedAnchoring uses it
                        if (g.batches().lastAnchoredSeq() != head || !g.anchorer().unreceipted().isEmpty()) {
                            return false;
                        }
                    }
                }
                return true;
            });
            for (int i = running.size() - 1; i >= 0; i--) {
                running.get(i).close();
            }
            running.clear();

            // the fleet's database: every statement accepted, in exactly one anchored interval, with its receipt
            assertThat(count(db, "SELECT count(*) FROM fleet_anchor.statements WHERE state <> 'accepted'")).isZero();
            assertThat(count(db, "SELECT count(*) FROM fleet_anchor.statements WHERE interval_id IS NULL"
                    + " OR receipt IS NULL")).isZero();
            assertThat(count(db, "SELECT count(*) FROM fleet_anchor.intervals WHERE state <> 'anchored'")).isZero();
            assertThat(count(db, "SELECT count(*) FROM fleet_anchor.intervals WHERE closed_ms < " + restartMs
                    + " AND anchored_ms >= " + restartMs)).as("an interval held through the outage").isPositive();
            assertThat(count(db, "SELECT count(*) FROM fleet_anchor.statements s JOIN fleet_anchor.intervals i"
                    + " ON s.interval_id = i.id")).isEqualTo(count(db, "SELECT count(*) FROM fleet_anchor.statements"));
            assertThat(count(db, "SELECT count(*) FROM (SELECT interval_id, leaf_index FROM fleet_anchor.statements"
                    + " GROUP BY 1, 2 HAVING count(*) > 1) twice")).isZero();
            assertThat(count(db, "SELECT count(*) FROM fleet_anchor.intervals i WHERE size <> (SELECT count(*)"
                    + " FROM fleet_anchor.statements s WHERE s.interval_id = i.id)")).isZero();
            long statements = 0;
            for (Gateway g : gateways) {
                statements += g.batches().all().size();
            }
            assertThat(count(db, "SELECT count(*) FROM fleet_anchor.statements")).isEqualTo(statements);

            // the chain: one Anchored event of the fleet per anchored interval, with its root, nothing else
            List<AnchorAbi.AnchoredEvent> events = ledger.anchoredEventsOf(FLEET, ledger.blockNumber());
            Map<String, Long> roots = new HashMap<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id, root, block"
                    + " FROM fleet_anchor.intervals")) {
                while (rs.next()) {
                    roots.put(HexFormat.of().formatHex(rs.getBytes(2)), rs.getLong(1));
                    assertThat(rs.getLong(3)).isPositive();
                }
            }
            assertThat(events).hasSize(roots.size());
            for (AnchorAbi.AnchoredEvent e : events) {
                Long id = roots.remove(HexFormat.of().formatHex(e.root()));
                assertThat(id).as("the event's root is an interval's root, once").isNotNull();
                assertThat(e.firstSeq()).isEqualTo(id);
            }

            // every gateway: each batch anchored with a receipt that verifies, and its served history verifies
            HttpClient web = HttpClient.newHttpClient();
            for (Gateway g : gateways) {
                List<Batch> all = g.batches().all();
                assertThat(all).isNotEmpty();
                for (Batch batch : all) {
                    assertThat(batch.state()).isEqualTo(Batch.State.ANCHORED);
                    ReceiptVerifier.Result r = ReceiptVerifier.verify(g.anchorer().receipt(batch.id()).orElseThrow(),
                            g.anchorer().statement(batch.id()).orElseThrow(), fleetKey.publicKey());
                    assertThat(r.valid()).as(r.reason()).isTrue();
                    assertThat(ledger.blockOf(AnchorAbi.deviceKey(FLEET), r.root())).isEqualTo(batch.blockNumber());
                }
                HttpResponse<byte[]> res = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + httpPorts.get(survivor) + "/devices/" + g.device().id + "/statements")).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(res.statusCode()).isEqualTo(200);
                List<StatementHistoryVerifier.Served> served = StatementHistoryVerifier.parse(res.body());
                assertThat(served).hasSize(all.size());
                assertThat(served).allMatch(s -> s.receipt() != null);
                assertThat(served.get(served.size() - 1).cose())
                        .isEqualTo(g.anchorer().statement(all.get(all.size() - 1).id()).orElseThrow());
                Verdict v = StatementHistoryVerifier.verify(g.device().id, served, g.device().key.publicKey(), FLEET,
                        fleetKey.publicKey(), ledger);
                assertThat(v.valid()).as(v.checks().toString()).isTrue();
            }
        } finally {
            for (int i = running.size() - 1; i >= 0; i--) {
                running.get(i).close();
            }
            scheduler.shutdownNow();
            for (FleetInstanceProcess p : new FleetInstanceProcess[] {a, b}) {
                if (p != null) {
                    p.close();
                }
            }
            if (a != null) {
                System.out.println("instance a:\n" + a.log() + "\ninstance b:\n" + (b == null ? "" : b.log()));
            }
            for (TestDevice d : devices) {
                d.close();
            }
        }
    }

    /** Starts a gateway's MQTT uplink (clean session) and aggregated anchoring on its buffer, as {@code certigate run} does. */
    private static Gateway connect(TestDevice d, MosquittoBroker mqtt, Properties run, ScheduledExecutorService scheduler)
            throws Exception {
        MqttUplink uplink = new MqttUplink(d.buffer, d.key.certificateChain(), MqttUplinkOptions.defaults(mqtt.url(), d.id)
                .withReconnect(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500))), Clock.systemUTC(), scheduler,
                new SplittableRandom(1));
        RunAggregatedAnchoring anchoring = RunAggregatedAnchoring.prepare(new RunConfig.Values(run, d.id + ".properties"),
                d.buffer, d.key, uplink, Clock.systemUTC());
        java.util.function.LongConsumer commits = uplink.commitListener();
        d.sequencer.addCommitListener(commits);
        uplink.start();
        anchoring.start(scheduler, System.out);
        return new Gateway(d, uplink, anchoring, commits);
    }

    /** Stops a gateway's anchoring and uplink (its readings go on into its buffer). */
    private static void disconnect(Gateway g) {
        g.device().sequencer.removeCommitListener(g.commits());
        g.anchoring().close();
        g.uplink().close();
    }

    /** An instance with every role, the anchor role's interval {@value #INTERVAL_MS} ms, HTTP and metrics on fixed ports. */
    private Properties instance(String name, KafkaCluster kafka, MosquittoBroker mqtt, PostgresServer pg, List<Path> keys,
            Map<String, Integer> httpPorts, Map<String, Integer> metricsPorts) {
        Properties p = new Properties();
        p.setProperty("fleet.roles", "ingest,verify,store,anchor");
        p.setProperty("fleet.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("fleet.kafka.partitions", "6");
        p.setProperty("fleet.kafka.group-instance-id", "fleet-" + name);
        p.setProperty("fleet.ingest.mqtt.url", mqtt.url());
        p.setProperty("fleet.ingest.mqtt.client-id", "fleet-" + name);
        p.setProperty("fleet.verify.keys", String.join(",", keys.stream().map(Path::toString).toList()));
        p.setProperty("fleet.verify.state-dir", dir.resolve(name + "/state").toString());
        // a status held in the killed instance's session comes back only with it
        p.setProperty("fleet.verify.unknown-device-after-ms", "90000");
        p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
        p.setProperty("fleet.store.user", pg.user());
        p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
        p.setProperty("fleet.store.master-key-source", "file:" + FleetDemoCommand.masterKey(pg));
        p.setProperty("fleet.anchor.fleet-id", FLEET);
        p.setProperty("fleet.anchor.key-store", dir.resolve("fleet.p12").toString());
        p.setProperty("fleet.anchor.passphrase-source", "file:" + dir.resolve("fleet.pass"));
        p.setProperty("fleet.anchor.ledger", dir.resolve("fleet-ledger.properties").toString());
        p.setProperty("fleet.anchor.interval-ms", Long.toString(INTERVAL_MS));
        p.setProperty("fleet.anchor.http.port", Integer.toString(httpPorts.get(name)));
        p.setProperty("metrics.port", Integer.toString(metricsPorts.get(name)));
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The instance whose metrics say it leads the aggregator, waiting up to 60 s for one. */
    private static String leader(Map<String, Integer> metricsPorts) throws Exception {
        String[] found = new String[1];
        Await.until(Duration.ofSeconds(60), () -> "an instance leads", () -> {
            for (String n : metricsPorts.keySet()) {
                if (n.equals(leaderOrNull(metricsPorts, n))) {
                    found[0] = n;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** {@code name} if its metrics say it leads, else null (also when it does not answer). */
    private static String leaderOrNull(Map<String, Integer> metricsPorts, String name) {
        try {
            return metrics(metricsPorts.get(name)).getOrDefault("certigate_fleet_anchor_leader", 0.0) == 1.0 ? name : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Every instance's non-zero series, for a failure's message. */
    private static String metricsText(Map<String, Integer> metricsPorts) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Integer> e : metricsPorts.entrySet()) {
            try {
                HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + e.getValue() + "/metrics")).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                out.append(e.getKey()).append(":\n");
                res.body().lines().filter(l -> !l.startsWith("#") && !l.endsWith(" 0"))
                        .forEach(l -> out.append("  ").append(l).append('\n'));
            } catch (Exception x) {
                out.append(e.getKey()).append(": ").append(x).append('\n');
            }
        }
        return out.toString();
    }

    /** The unlabelled series of an instance's /metrics. */
    private static Map<String, Double> metrics(int port) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + port + "/metrics")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Double> out = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^([a-z_]+) (\\S+)$").matcher(res.body());
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
