package io.certigate.fleet.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.testing.TestChain;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.time.ManualClock;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptVerifier;
import io.certigate.verifier.statement.BatchStatementCodec;
import io.certigate.verifier.statement.StatementChainVerifier;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.statement.StatementHistoryVerifier;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator on a real PostgreSQL and a real dev chain, its intervals on virtual time (a
 * {@link ManualClock}; steps are driven by the test, never by a sleep): simulated gateways' statements
 * are checked against the records the fleet stored, one fleet transaction per interval anchors them,
 * every statement gets exactly one receipt that verifies with the fleet key and names the
 * transaction that holds its fleet root (handed over again when the gateway re-sends the statement
 * after the receipt went out); an interval with nothing new sends nothing; a kill of the
 * aggregator after it fixed and sent an interval, and a ledger outage over several intervals, end with
 * every statement anchored exactly once.
 */
@Tag("integration")
class FleetAggregatorTest {
    static final long INTERVAL = 60_000;
    static final String FLEET = "fleet-a";
    /** Longer modes: {@code -Dcertigate.anchor.gateways=N} (3) and {@code -Dcertigate.anchor.outage-intervals=K} (4). */
    static final int GATEWAYS = Integer.getInteger("certigate.anchor.gateways", 3);
    static final int OUTAGE_INTERVALS = Integer.getInteger("certigate.anchor.outage-intervals", 4);

    @TempDir
    static Path dir;
    static PostgresServer pg;
    static TestChain chain;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start(dir.resolve("pg"));
        chain = TestChain.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    Connection connect() throws Exception {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }

    /** Receipts as a gateway gets them, per statement hash (hex); counts each delivery. */
    final Map<String, List<byte[]>> delivered = new ConcurrentHashMap<>();

    FleetAggregator aggregator(Connection c, ManualClock clock, Map<String, PublicKey> keys, SoftwareDeviceKey fleetKey,
            LedgerClient client) throws Exception {
        return new FleetAggregator(c, RecordLeaves.of(c), d -> keys.containsKey(d) ? List.of(keys.get(d)) : List.of(),
                client, chain.gateway, FLEET, fleetKey,
                (device, hash, receipt) -> delivered.computeIfAbsent(HexFormat.of().formatHex(hash),
                        h -> new ArrayList<>()).add(receipt),
                clock, INTERVAL);
    }

    @Test
    void statementsAreAnchoredOncePerIntervalAcrossAKillAndALedgerOutage() throws Exception {
        ManualClock clock = new ManualClock();
        SoftwareDeviceKey fleetKey = Pkcs12KeyStore.create(dir.resolve("fleet.p12"), CoseAlgorithm.ES256, FLEET,
                AnchorFixture.PW);
        List<AnchorFixture.Gateway> gateways = new ArrayList<>();
        Map<String, PublicKey> keys = new ConcurrentHashMap<>();
        for (int i = 0; i < GATEWAYS; i++) {
            AnchorFixture.Gateway g = new AnchorFixture.Gateway(dir, "gw-" + i);
            gateways.add(g);
            keys.put(g.id, g.key.publicKey());
        }
        try (Connection store = connect(); LedgerClient client = chain.client()) {
            AnchorFixture.storeSchema(store);
            Connection c1 = connect();
            FleetAggregator a = aggregator(c1, clock, keys, fleetKey, client);
            StatementInbox inbox = new StatementInbox(c1);
            assertThat(a.step().closedInterval()).isZero(); // the first step starts the clock

            // interval 1: two batches per gateway, one with a statement re-sent, one forged root
            List<StatementInbox.Incoming> in = new ArrayList<>();
            for (AnchorFixture.Gateway g : gateways) {
                in.add(new StatementInbox.Incoming(g.id, g.batch(store, 5)));
                in.add(new StatementInbox.Incoming(g.id, g.batch(store, 3)));
            }
            in.add(in.get(0));
            assertThat(inbox.take(in, List.of(new StatementInbox.Offset("certigate.statements", 0, 7)),
                    clock.millis())).isEqualTo(2 * GATEWAYS);
            AnchorFixture.Gateway liar = new AnchorFixture.Gateway(dir, "gw-liar");
            keys.put(liar.id, liar.key.publicKey());
            byte[] lie = liar.batch(store, 4);
            try (Statement st = store.createStatement()) {
                st.executeUpdate("UPDATE records SET leaf = sha256(leaf) WHERE device = 'gw-liar' AND seq = 2");
            }
            inbox.take(List.of(new StatementInbox.Incoming(liar.id, lie)), List.of(), clock.millis());
            long blockBefore = client.blockNumber();
            FleetAggregator.Step s = a.step();
            assertThat(s.accepted()).isEqualTo(2 * GATEWAYS);
            assertThat(s.refused()).isEqualTo(1);
            assertThat(s.closedInterval()).isZero(); // not due yet
            assertThat(client.blockNumber()).isEqualTo(blockBefore);
            clock.advance(Duration.ofMillis(INTERVAL));
            s = a.step();
            assertThat(s.closedInterval()).isEqualTo(1);
            runUntilIdle(a);
            assertThat(fleetTransactions(client)).isEqualTo(1);
            assertThat(delivered).hasSize(2 * GATEWAYS);

            // a statement re-sent after its receipt went to the broker (the gateway lost its session with the
            // receipt in it): nothing new is taken, the receipt goes out once more, and only once
            String resent = HexFormat.of().formatHex(BatchStatementCodec.hash(in.get(0).cose()));
            assertThat(inbox.receive(List.of(in.get(0)), List.of(), clock.millis()))
                    .isEqualTo(new StatementInbox.Taken(0, 1));
            assertThat(inbox.receive(List.of(in.get(0)), List.of(), clock.millis()))
                    .isEqualTo(new StatementInbox.Taken(0, 0));
            assertThat(a.step().delivered()).isEqualTo(1);
            assertThat(delivered.get(resent)).hasSize(2);
            assertThat(a.step().delivered()).isZero();

            // an interval with nothing new sends nothing
            long block = client.blockNumber();
            clock.advance(Duration.ofMillis(INTERVAL));
            assertThat(a.step().closedInterval()).isZero();
            assertThat(client.blockNumber()).isEqualTo(block);

            // interval 2: the aggregator is killed after it fixed the tree and sent the transaction
            for (AnchorFixture.Gateway g : gateways) {
                inbox.take(List.of(new StatementInbox.Incoming(g.id, g.batch(store, 2))), List.of(), clock.millis());
            }
            clock.advance(Duration.ofMillis(INTERVAL));
            s = a.step();
            assertThat(s.closedInterval()).isEqualTo(2);
            c1.close(); // killed: its advisory lock goes with its connection
            Connection c2 = connect();
            a = aggregator(c2, clock, keys, fleetKey, client);
            inbox = new StatementInbox(c2);
            // kill with accepted statements not yet in a tree: the next instance closes them
            for (AnchorFixture.Gateway g : gateways) {
                inbox.take(List.of(new StatementInbox.Incoming(g.id, g.batch(store, 1))), List.of(), clock.millis());
            }
            runUntilIdle(a);
            assertThat(fleetTransactions(client)).isEqualTo(2);
            c2.close();
            Connection c3 = connect();
            a = aggregator(c3, clock, keys, fleetKey, client);
            inbox = new StatementInbox(c3);
            clock.advance(Duration.ofMillis(INTERVAL));
            assertThat(a.step().closedInterval()).isEqualTo(3);
            runUntilIdle(a);
            assertThat(fleetTransactions(client)).isEqualTo(3);

            // a ledger outage over several intervals: statements keep coming, none is lost or doubled
            chain.stopNode();
            for (int k = 0; k < OUTAGE_INTERVALS; k++) {
                for (AnchorFixture.Gateway g : gateways) {
                    inbox.take(List.of(new StatementInbox.Incoming(g.id, g.batch(store, 2))), List.of(), clock.millis());
                }
                clock.advance(Duration.ofMillis(INTERVAL));
                s = a.step();
                assertThat(s.ledger()).isEqualTo(FleetAggregator.LedgerOutcome.OUTAGE);
            }
            chain.restartNode();
            for (int k = 0; k < 3; k++) {
                runUntilIdle(a);
                clock.advance(Duration.ofMillis(INTERVAL));
            }
            runUntilIdle(a);

            int statements = gateways.stream().mapToInt(g -> g.statements.size()).sum();
            assertThat(statements).isEqualTo(GATEWAYS * (2 + 1 + 1 + OUTAGE_INTERVALS));
            int anchoredIntervals = count(c3, "SELECT count(*) FROM fleet_anchor.intervals WHERE state = 'anchored'");
            assertThat(count(c3, "SELECT count(*) FROM fleet_anchor.intervals")).isEqualTo(anchoredIntervals);
            assertThat(fleetTransactions(client)).isEqualTo(anchoredIntervals);
            assertThat(count(c3, "SELECT count(*) FROM fleet_anchor.statements WHERE state = 'accepted'"
                    + " AND interval_id IS NOT NULL AND receipt IS NOT NULL AND delivered_ms IS NOT NULL"))
                    .isEqualTo(statements);
            assertThat(count(c3, "SELECT count(*) FROM fleet_anchor.statements WHERE state = 'refused'")).isEqualTo(1);

            // every gateway ends with a verified receipt for each of its statements, its root on the chain
            for (AnchorFixture.Gateway g : gateways) {
                assertThat(StatementChainVerifier.verify(g.id, g.statements, g.key.publicKey()).valid()).isTrue();
                for (byte[] st : g.statements) {
                    List<byte[]> got = delivered.get(HexFormat.of().formatHex(BatchStatementCodec.hash(st)));
                    assertThat(got).as("receipt of a statement of " + g.id).isNotEmpty();
                    ReceiptVerifier.Result r = ReceiptVerifier.verify(got.get(0), st, fleetKey.publicKey());
                    assertThat(r.valid()).as(r.reason()).isTrue();
                    var ref = ReceiptCodec.parse(got.get(0)).ledger();
                    assertThat(client.blockOf(AnchorAbi.deviceKey(FLEET), r.root())).isEqualTo(ref.blockNumber());
                    assertThat(client.anchoredEvents(AnchorAbi.deviceKey(FLEET), r.root())).hasSize(1);
                }
            }
            assertThat(delivered).doesNotContainKey(HexFormat.of().formatHex(BatchStatementCodec.hash(lie)));

            // the fleet serves each device's chain read only; a verifier checks it against the ledger
            try (StatementChainServer http = new StatementChainServer(new InetSocketAddress("127.0.0.1", 0),
                    () -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()), FLEET)) {
                HttpClient web = HttpClient.newHttpClient();
                for (AnchorFixture.Gateway g : gateways) {
                    HttpResponse<byte[]> res = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + http.port() + "/devices/" + g.id + "/statements")).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(res.statusCode()).isEqualTo(200);
                    List<StatementHistoryVerifier.Served> chainOf = StatementHistoryVerifier.parse(res.body());
                    assertThat(chainOf).hasSize(g.statements.size());
                    Verdict v = StatementHistoryVerifier.verify(g.id, chainOf, g.key.publicKey(), FLEET,
                            fleetKey.publicKey(), client);
                    assertThat(v.valid()).as(v.checks().toString()).isTrue();
                    // withholding the newest statements still verifies (what is shown is included and
                    // anchored); only the gateway's own latest statement shows the served chain is short
                    List<StatementHistoryVerifier.Served> withheld = chainOf.subList(0, chainOf.size() - 2);
                    assertThat(StatementHistoryVerifier.verify(g.id, withheld, g.key.publicKey(), FLEET,
                            fleetKey.publicKey(), client).valid()).isTrue();
                    assertThat(withheld.get(withheld.size() - 1).cose()).isNotEqualTo(g.previous);
                    // a receipt moved to another statement, or checked with another fleet key, fails
                    List<StatementHistoryVerifier.Served> swapped = new ArrayList<>(chainOf);
                    swapped.set(0, new StatementHistoryVerifier.Served(chainOf.get(0).cose(), chainOf.get(1).receipt()));
                    assertThat(StatementHistoryVerifier.verify(g.id, swapped, g.key.publicKey(), FLEET,
                            fleetKey.publicKey(), client).valid()).isFalse();
                    assertThat(StatementHistoryVerifier.verify(g.id, chainOf, g.key.publicKey(), FLEET,
                            g.key.publicKey(), client).valid()).isFalse();
                }
                HttpResponse<byte[]> none = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + http.port() + "/devices/gw-liar/statements")).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(StatementHistoryVerifier.parse(none.body())).isEmpty();
            }
            c3.close();
        }
    }

    static void runUntilIdle(FleetAggregator a) throws Exception {
        for (int i = 0; i < 50; i++) {
            FleetAggregator.Step s = a.step();
            if (s.ledger() == FleetAggregator.LedgerOutcome.IDLE && s.closedInterval() == 0) {
                return;
            }
            if (s.ledger() == FleetAggregator.LedgerOutcome.WAITING) {
                chain.chain.rpc("evm_mine");
            }
        }
        throw new AssertionError("the aggregator did not settle");
    }

    static int fleetTransactions(LedgerReader client) throws Exception {
        return client.anchoredEventsOf(FLEET, client.blockNumber()).size();
    }

    static int count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
