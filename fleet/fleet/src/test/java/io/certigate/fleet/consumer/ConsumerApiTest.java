package io.certigate.fleet.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.consent.ConsentGrant;
import io.certigate.consent.ConsentRegistryClient;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.statement.BatchStatementWriter;
import io.certigate.fleet.anchor.FleetAggregator;
import io.certigate.fleet.anchor.RecordLeaves;
import io.certigate.fleet.anchor.StatementInbox;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.time.ManualClock;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.merkle.MerkleTree;
import io.certigate.verifier.statement.StatementHistoryVerifier;
import java.sql.Connection;
import java.sql.DriverManager;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.store.StoreSettings;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.consent.SubjectHash;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * The consumer API on real components: PostgreSQL (the fleet store with real signed records of two
 * kinds for one vehicle, the subjects table, the access log), an anvil dev chain with the
 * DeviceRegistry and the ConsentRegistry (holder and consumers registered with the key and
 * certificate hashes of their client certificates from the test consortium CA), and HTTPS with
 * client certificates. Grant → served with only the covered kind in full, the rest hash-only, and
 * the export verifies with the verifier; no consent → 403; revoke → the next request refused; a
 * client without a certificate of the CA cannot connect; the access log and the holder's listing.
 */
@Tag("integration")
class ConsumerApiTest {
    static final String VIN = "WVWZZZ1JZXW000001";
    static final String PURPOSE = "insurance.mileage";
    static final char[] PW = "tls-pass".toCharArray();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FLEET = "fleet-a";

    @TempDir
    static Path dir;
    static TestChain chain;
    static TestParties parties;
    static PostgresServer pg;
    static TestPki ca;
    static TestDevice device;
    static ConsumerApiServer server;
    static LedgerReader ledger;
    static LedgerAccount holder;
    static LedgerAccount insurer;
    static LedgerAccount broker;
    static SSLContext holderTls;
    static SSLContext insurerTls;
    static SSLContext brokerTls;
    static SSLContext unregisteredTls;
    static AccessLog log;
    static SubjectDirectory subjects;
    static byte[] salt;
    static int records;
    static byte[] anchoredRoot;
    static SoftwareDeviceKey fleetKey;

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir.resolve("chain"));
        parties = TestParties.deploy(chain);
        pg = PostgresServer.start(dir.resolve("pg"));
        Path masterKey = Files.writeString(dir.resolve("master.key"), StoreKeys.newMasterKeyHex() + "\n");
        StoreConnector db = StoreOptions.of("test", Map.of(StoreSettings.JDBC_URL.key(), pg.jdbcUrl(),
                StoreSettings.USER.key(), pg.user(), StoreSettings.PASSWORD.key(), "file:" + pg.passwordFile(),
                StoreSettings.MASTER_KEY_SOURCE.key(), "file:" + masterKey)).connector();
        FleetStore store = new FleetStore(db);
        store.createOrUpdateSchema();

        ca = TestPki.create("consortium");
        holder = parties.account(dir, "holder");
        insurer = parties.account(dir, "insurer");
        broker = parties.account(dir, "broker");
        holderTls = client(registered("holder:alice", holder.address()), ca.caCertificate());
        insurerTls = client(registered("consumer:insurer", insurer.address()), ca.caCertificate());
        brokerTls = client(registered("consumer:broker", broker.address()), ca.caCertificate());
        unregisteredTls = client(issued("consumer:nobody"), ca.caCertificate());

        // the device's chain: odometer and speed readings of the vehicle, alternating, really signed
        device = TestDevice.create(dir, "tcu-1");
        List<VerifiedRecord> chainRecords = new ArrayList<>();
        byte[] prev = new byte[32];
        for (long seq = 1; seq <= 6; seq++) {
            String kind = seq % 2 == 1 ? "vehicle.odometer" : "vehicle.speed";
            ChainedReading c = new ChainedReading(device.id(), seq, prev, new byte[16], new Reading(
                    1_700_000_000_000L + seq * 1000, TimeQuality.NTP, "obd", kind, VIN, ReadingValue.of(1000 + seq),
                    kind.equals("vehicle.speed") ? "km/h" : "km"));
            byte[] cose = CoseSign1.sign(device.key(), ReadingCodec.encode(c));
            chainRecords.add(new VerifiedRecord(device.id(), seq, c.reading().observedAtMillis(), kind, VIN,
                    RecordHashes.leafHash(cose), RecordHashes.chainHash(cose), cose, seq > 1, System.currentTimeMillis()));
            prev = RecordHashes.chainHash(cose);
        }
        records = chainRecords.size();
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(chainRecords, List.of());
        }

        anchorByTheFleet(chainRecords);

        subjects = new SubjectDirectory(db);
        subjects.createSchema();
        salt = SubjectHash.newSalt(new SecureRandom());
        subjects.put(VIN, salt, holder.address());
        log = new AccessLog(db);

        ledger = LedgerReader.connect(chain.chain.rpcUrl(), parties.consentRegistry);
        ConsentReader consents = new ConsentReader(ledger, parties.consentRegistry);
        server = fixture().server(db, ledger, consents,
                d -> d.equals(device.id()) ? List.of(device.key().publicKey()) : List.of(), FLEET, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void aConsentServesOnlyItsKindsInFullUntilItIsRevokedAndEveryAccessIsLogged() throws Exception {
        String records = "/v1/subjects/" + VIN + "/records?purpose=" + PURPOSE;
        int logged = log.all().size();

        HttpResponse<String> none = get(insurerTls, records);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(none.body()).path("refused").asText()).isEqualTo(Refusal.NO_CONSENT);

        long id = grant(insurer, List.of("vehicle.odometer"));
        HttpResponse<String> served = get(insurerTls, records);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        ExportFile.Contents export = ExportFile.parse(JSON.readTree(served.body()), "served export");
        assertThat(export.device()).isEqualTo(device.id());
        VerificationReport report = new Verifier().export(export);
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.records()).isEqualTo(6);
        assertThat(report.verified()).as("the odometer readings, seqs 1, 3, 5").isEqualTo(3);
        assertThat(report.omitted()).as("the speed readings, hash-only").isEqualTo(3);
        for (JsonNode r : JSON.readTree(served.body()).path("records")) {
            boolean odometer = r.path("seq").asLong() % 2 == 1;
            assertThat(r.has("cose")).as("seq " + r.path("seq")).isEqualTo(odometer);
            assertThat(r.path("omitted").asBoolean()).isEqualTo(!odometer);
        }
        assertThat(get(insurerTls, records + "&kinds=vehicle.speed").statusCode())
                .as("a kind the consent does not cover").isEqualTo(403);
        HttpResponse<String> other = get(brokerTls, records);
        assertThat(other.statusCode()).as("another consumer").isEqualTo(403);
        assertThat(JSON.readTree(other.body()).path("refused").asText()).isEqualTo(Refusal.NO_CONSENT);

        long revokedIn;
        try (LedgerClient c = chain.client()) {
            revokedIn = new ConsentRegistryClient(c, parties.consentRegistry, holder, Duration.ofSeconds(30))
                    .revoke(id).block();
        }
        HttpResponse<String> after = get(insurerTls, records);
        assertThat(after.statusCode()).isEqualTo(403);
        JsonNode why = JSON.readTree(after.body());
        assertThat(why.path("refused").asText()).isEqualTo(Refusal.REVOKED);
        assertThat(why.path("reason").asText()).contains("revoked at block " + revokedIn);

        List<AccessLog.Access> all = log.all();
        List<AccessLog.Access> mine = all.subList(logged, all.size());
        assertThat(mine).extracting(AccessLog.Access::outcome)
                .containsExactly("refused", "served", "refused", "refused", "refused");
        AccessLog.Access access = mine.get(1);
        assertThat(access.consumerAccount()).isEqualToIgnoringCase(insurer.address());
        assertThat(access.consumerCertificate()).contains("CN=consumer:insurer");
        assertThat(access.subjectHash()).isEqualTo(SubjectHash.of(salt, VIN));
        assertThat(access.purpose()).isEqualTo(PURPOSE);
        assertThat(access.device()).isEqualTo(device.id());
        assertThat(access.fullSeqs()).containsExactly(1L, 3L, 5L);
        assertThat(access.kinds()).containsExactly("vehicle.odometer");
        assertThat(access.hashOnly()).isEqualTo(3);
        assertThat(mine.get(4).reason()).contains("revoked at block " + revokedIn);
        assertThat(mine).allSatisfy(a -> {
            assertThat(a.reason() == null ? "" : a.reason()).doesNotContain(VIN);
            assertThat(a.holder()).isEqualToIgnoringCase(holder.address());
        });

        // the holder lists the accesses to their subjects with their own certificate, nobody else can
        HttpResponse<String> listing = get(holderTls, "/v1/holders/" + holder.address() + "/accesses");
        assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
        assertThat(listing.body()).doesNotContain(VIN);
        List<Long> ids = new ArrayList<>();
        JSON.readTree(listing.body()).path("accesses").forEach(a -> ids.add(a.path("id").asLong()));
        assertThat(ids).containsAll(mine.stream().map(AccessLog.Access::id).toList());
        JsonNode first = JSON.readTree(listing.body()).path("accesses").get(ids.indexOf(access.id()));
        assertThat(first.path("outcome").asText()).isEqualTo("served");
        assertThat(first.path("consumer").asText()).isEqualToIgnoringCase(insurer.address());
        assertThat(first.path("subjectHash").asText()).isEqualTo(SubjectHash.hex(SubjectHash.of(salt, VIN)));
        HttpResponse<String> notHers = get(insurerTls, "/v1/holders/" + holder.address() + "/accesses");
        assertThat(notHers.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(notHers.body()).path("refused").asText()).isEqualTo(Refusal.NOT_HOLDER);
    }

    @Test
    void aCertificateOfTheCaThatNoPartyIsRegisteredWithIsRefusedAndLogged() throws Exception {
        HttpResponse<String> r = get(unregisteredTls, "/v1/subjects/" + VIN + "/records?purpose=" + PURPOSE);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("refused").asText()).isEqualTo(Refusal.UNKNOWN_CERTIFICATE);
        AccessLog.Access last = log.all().get(log.all().size() - 1);
        assertThat(last.consumerAccount()).isNull();
        assertThat(last.consumerCertificate()).contains("CN=consumer:nobody");
        assertThat(last.outcome()).isEqualTo("refused");
    }

    @Test
    void aClientWithoutACertificateOfTheConsortiumCaCannotConnect() throws Exception {
        TestPki rogue = TestPki.create("rogue");
        KeyPair k = TestPki.p256();
        SSLContext rogueTls = client(keyStore("rogue-client", k, rogue.issue(k.getPublic(), "consumer:insurer", false)),
                ca.caCertificate());
        int before = log.all().size();
        assertThatThrownBy(() -> get(rogueTls, "/v1/subjects/" + VIN + "/records?purpose=" + PURPOSE))
                .isInstanceOf(IOException.class);
        SSLContext noCert = SSLContext.getInstance("TLS");
        noCert.init(null, trust(ca.caCertificate()), null);
        assertThatThrownBy(() -> get(noCert, "/v1/subjects/" + VIN + "/records?purpose=" + PURPOSE))
                .isInstanceOf(IOException.class);
        assertThat(log.all()).as("nothing reached the API").hasSize(before);
    }

    @Test
    void theDeviceStatementsAndReceiptsShowTheServedRecordsAnchored() throws Exception {
        String purpose = "insurance.claims";
        String receipts = "/v1/subjects/" + VIN + "/receipts?purpose=" + purpose;
        assertThat(get(insurerTls, receipts).statusCode()).as("no consent for that purpose yet").isEqualTo(403);
        grant(insurer, purpose, List.of("vehicle.odometer"));

        HttpResponse<String> served = get(insurerTls, receipts);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        List<StatementHistoryVerifier.Served> statements = StatementHistoryVerifier.parse(
                served.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0).receipt()).isNotNull();
        try (LedgerReader anchors = LedgerReader.connect(chain.chain.rpcUrl(), chain.contract)) {
            Verdict v = StatementHistoryVerifier.verify(device.id(), statements, device.key().publicKey(), FLEET,
                    fleetKey.publicKey(), anchors);
            assertThat(v.valid()).as(v.checks().toString()).isTrue();
        }

        // the export's entries, full and hash-only, rebuild the anchored root
        HttpResponse<String> export = get(insurerTls, "/v1/subjects/" + VIN + "/records?purpose=" + purpose);
        assertThat(export.statusCode()).isEqualTo(200);
        List<byte[]> leaves = new ArrayList<>();
        for (JsonNode r : JSON.readTree(export.body()).path("records")) {
            leaves.add(r.has("cose") ? RecordHashes.leafHash(java.util.Base64.getUrlDecoder().decode(r.path("cose").asText()))
                    : java.util.Base64.getUrlDecoder().decode(r.path("leafHash").asText()));
        }
        assertThat(MerkleTree.build(leaves).root()).isEqualTo(anchoredRoot);
        AccessLog.Access last = log.all().get(log.all().size() - 2);
        assertThat(last.endpoint()).isEqualTo("receipts");
        assertThat(last.outcome()).isEqualTo("served");
        assertThat(last.device()).isEqualTo(device.id());
    }

    @Test
    void aConsentWhoseValidityEndedByTheChainsClockIsRefusedAsExpired() throws Exception {
        String purpose = "insurance.pricing";
        String records = "/v1/subjects/" + VIN + "/records?purpose=" + purpose;
        Instant until;
        try (LedgerClient c = chain.client()) {
            until = c.blockTime(c.blockNumber()).plus(Duration.ofHours(1));
            new ConsentRegistryClient(c, parties.consentRegistry, holder, Duration.ofSeconds(30))
                    .grant(new ConsentGrant(insurer.address(), SubjectHash.of(salt, VIN), purpose,
                            List.of("vehicle.odometer"), Instant.EPOCH, until));
        }
        assertThat(get(insurerTls, records).statusCode()).isEqualTo(200);
        // two hours later on the chain's clock
        HttpService http = new HttpService(chain.chain.rpcUrl());
        try {
            assertThat(new Request<>("evm_increaseTime", List.of(7200), http, Response.class).send().hasError())
                    .isFalse();
        } finally {
            http.close();
        }
        chain.chain.rpc("evm_mine");
        HttpResponse<String> r = get(insurerTls, records);
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode why = JSON.readTree(r.body());
        assertThat(why.path("refused").asText()).isEqualTo(Refusal.EXPIRED);
        assertThat(why.path("reason").asText()).contains("expired at " + until);
    }

    /** The device's one batch statement over seqs 1..6, anchored by the fleet's aggregator, its receipt stored. */
    static void anchorByTheFleet(List<VerifiedRecord> chainRecords) throws Exception {
        fleetKey = Pkcs12KeyStore.create(dir.resolve("fleet.p12"), CoseAlgorithm.ES256, FLEET, PW);
        anchoredRoot = MerkleTree.build(chainRecords.stream().map(VerifiedRecord::leafHash).toList()).root();
        Batch batch = new Batch(1, 1, chainRecords.size(), chainRecords.size(), anchoredRoot, 0, Batch.State.PENDING,
                null, null, null, 0, 0, null, -1, 0);
        byte[] statement = BatchStatementWriter.sign(device.key(), device.id(), batch, null);
        ManualClock clock = new ManualClock();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                LedgerClient client = chain.client()) {
            FleetAggregator a = new FleetAggregator(c, RecordLeaves.of(c), d -> List.of(device.key().publicKey()),
                    client, chain.gateway, FLEET, fleetKey, (d, hash, receipt) -> {}, clock, 60_000);
            a.step();
            new StatementInbox(c).take(List.of(new StatementInbox.Incoming(device.id(), statement)), List.of(),
                    clock.millis());
            assertThat(a.step().accepted()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(1));
            for (int i = 0; ; i++) {
                assertThat(i).as("the aggregator settles").isLessThan(50);
                FleetAggregator.Step s = a.step();
                if (s.ledger() == FleetAggregator.LedgerOutcome.IDLE && s.closedInterval() == 0) {
                    break;
                }
                if (s.ledger() == FleetAggregator.LedgerOutcome.WAITING) {
                    chain.chain.rpc("evm_mine");
                }
            }
        }
    }

    static long grant(LedgerAccount consumer, List<String> kinds) throws Exception {
        return grant(consumer, PURPOSE, kinds);
    }

    static long grant(LedgerAccount consumer, String purpose, List<String> kinds) throws Exception {
        try (LedgerClient c = chain.client()) {
            return new ConsentRegistryClient(c, parties.consentRegistry, holder, Duration.ofSeconds(30))
                    .grant(new ConsentGrant(consumer.address(), SubjectHash.of(salt, VIN), purpose, kinds,
                            Instant.EPOCH, Instant.now().plus(Duration.ofDays(400))))
                    .id();
        }
    }

    static HttpResponse<String> get(SSLContext tls, String path) throws Exception {
        return ConsumerParties.get(tls, server.port(), path);
    }

    static Path registered(String id, String account) throws Exception {
        return fixture().registered(id, account);
    }

    static Path issued(String id) throws Exception {
        return fixture().issued(id);
    }

    static Path keyStore(String name, KeyPair k, X509Certificate cert) throws Exception {
        return fixture().keyStore(name, k, cert);
    }

    static SSLContext client(Path keyStore, X509Certificate trusted) throws Exception {
        return ConsumerParties.client(keyStore, trusted);
    }

    static javax.net.ssl.TrustManager[] trust(X509Certificate ca) throws Exception {
        return ConsumerParties.trust(ca);
    }

    private static ConsumerParties fixture() {
        return new ConsumerParties(chain, parties, ca, dir);
    }
}
