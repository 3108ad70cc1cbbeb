package io.certigate.fleet.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.Anchorer;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.anchor.testing.TestParties;
import io.certigate.consent.ConsentGrant;
import io.certigate.consent.ConsentRegistryClient;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.store.StoreSettings;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestPki;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.consent.SubjectHash;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof bundles served by the consumer API for a gateway that anchors directly, on real components:
 * a device with a real buffer and sequencer whose batches its own ledger account anchored in the
 * CertigateAnchor contract on an anvil dev chain (anchor-client's {@code Anchorer}), its records in the
 * fleet store on PostgreSQL, the DeviceRegistry and ConsentRegistry on the same chain, HTTPS with client
 * certificates. Each served bundle verifies with the verifier's {@link BundleVerifier} against the
 * ledger; records of uncovered kinds or of another subject are refused by seq; a record after the last
 * anchored batch is answered "not anchored yet"; a batch whose stored leaves are not the anchored ones
 * is an error, never a bundle; and after another subject of the same device is erased (its payloads
 * shredded), the bundles are still served and still verify.
 */
@Tag("integration")
class ConsumerProofsTest {
    static final String VIN_A = "WVWZZZ1JZXW00000A";
    static final String VIN_B = "WVWZZZ1JZXW00000B";
    static final String VIN_C = "WVWZZZ1JZXW00000C";
    static final String PURPOSE = "insurance.mileage";
    static final String ODOMETER = "vehicle.odometer";
    static final String SPEED = "vehicle.speed";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestChain chain;
    static TestParties parties;
    static PostgresServer pg;
    static TestPki ca;
    static FleetStore store;
    static ConsumerApiServer server;
    static LedgerReader consentLedger;
    static LedgerReader anchorLedger;
    static LedgerAccount holder;
    static SSLContext insurerTls;
    static LedgerAccount insurer;
    static AccessLog log;
    static byte[] salt;
    static TestDevice direct;
    static TestDevice forked;

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir.resolve("chain"));
        parties = TestParties.deploy(chain);
        pg = PostgresServer.start(dir.resolve("pg"));
        Path masterKey = Files.writeString(dir.resolve("master.key"), StoreKeys.newMasterKeyHex() + "\n");
        StoreConnector db = StoreOptions.of("test", Map.of(StoreSettings.JDBC_URL.key(), pg.jdbcUrl(),
                StoreSettings.USER.key(), pg.user(), StoreSettings.PASSWORD.key(), "file:" + pg.passwordFile(),
                StoreSettings.MASTER_KEY_SOURCE.key(), "file:" + masterKey)).connector();
        store = new FleetStore(db);
        store.createOrUpdateSchema();

        ca = TestPki.create("consortium");
        ConsumerParties tls = new ConsumerParties(chain, parties, ca, dir);
        holder = parties.account(dir, "holder");
        insurer = parties.account(dir, "insurer");
        tls.registered("holder:alice", holder.address());
        insurerTls = ConsumerParties.client(tls.registered("consumer:insurer", insurer.address()), ca.caCertificate());

        // a vehicle box that anchors its own batches: two subjects (the box moved to another vehicle
        // and back), odometer and speed readings; seqs 1..10 in batches of 4, then 11 and 12 not yet
        String[][] layout = {{VIN_A, ODOMETER}, {VIN_A, SPEED}, {VIN_B, ODOMETER}, {VIN_A, ODOMETER},
            {VIN_B, SPEED}, {VIN_A, SPEED}, {VIN_A, ODOMETER}, {VIN_B, ODOMETER}, {VIN_A, ODOMETER},
            {VIN_B, ODOMETER}, {VIN_A, ODOMETER}, {VIN_B, ODOMETER}};
        direct = new TestDevice(dir, "tcu-direct", Clock.systemUTC());
        produce(direct, 0, 10, layout);
        BatchStore batches = new BatchStore(direct.buffer);
        new AnchorBatcher(batches, new AnchorBatcher.Options(4, Duration.ofHours(1)), Clock.systemUTC()).cutAll();
        try (LedgerClient c = chain.client()) {
            Anchorer a = new Anchorer(batches, c, chain.gateway, direct.id, Clock.systemUTC());
            for (int i = 0; i < 100 && a.step() != Anchorer.Outcome.IDLE; i++) {
                Thread.sleep(20);
            }
        }
        assertThat(batches.unanchoredCount()).isZero();
        produce(direct, 10, 12, layout);
        storeAll(db, direct, 12);

        // another box whose records the fleet holds, while the chain holds another root for them
        forked = new TestDevice(dir, "tcu-forked", Clock.systemUTC());
        produce(forked, 0, 4, new String[][] {{VIN_C, ODOMETER}, {VIN_C, ODOMETER}, {VIN_C, ODOMETER},
            {VIN_C, ODOMETER}});
        storeAll(db, forked, 4);
        byte[] otherRoot = new byte[32];
        new SecureRandom().nextBytes(otherRoot);
        try (LedgerClient c = chain.client()) {
            new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30)).send(chain.contract, BigInteger.ZERO,
                    AnchorContract.encodeAnchor(otherRoot, AnchorAbi.deviceKey(forked.id), 1, 4),
                    BigInteger.valueOf(300_000));
        }

        SubjectDirectory subjects = new SubjectDirectory(db);
        subjects.createSchema();
        salt = SubjectHash.newSalt(new SecureRandom());
        for (String vin : List.of(VIN_A, VIN_B, VIN_C)) {
            subjects.put(vin, salt, holder.address());
        }
        log = new AccessLog(db);

        // the device keys and certificates as the fleet holds them: configured PEM device certificates
        DeviceKeys keys = new DeviceKeys(List.of(), false);
        keys.load(pem(dir.resolve("devices.pem"), direct, forked));
        consentLedger = LedgerReader.connect(chain.chain.rpcUrl(), parties.consentRegistry);
        anchorLedger = LedgerReader.connect(chain.chain.rpcUrl(), chain.contract);
        ConsentReader consents = new ConsentReader(consentLedger, parties.consentRegistry);
        server = tls.server(db, consentLedger, consents, keys::keysFor, null,
                new RecordProofs(store, anchorLedger, keys::chainsFor));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {consentLedger, anchorLedger, direct, forked, pg, chain}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void theCoveredRecordsGetBundlesThatVerifyOnTheLedgerAndOtherSeqsAreRefused() throws Exception {
        String proofs = "/v1/subjects/" + VIN_A + "/proofs?purpose=" + PURPOSE;
        HttpResponse<String> none = get(proofs);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(none.body()).path("refused").asText()).isEqualTo(Refusal.NO_CONSENT);

        grant(VIN_A, List.of(ODOMETER));
        int logged = log.all().size();
        HttpResponse<String> served = get(proofs);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        JsonNode doc = JSON.readTree(served.body());
        assertThat(doc.path("device").asText()).isEqualTo(direct.id);
        assertThat(doc.path("contract").asText()).isEqualToIgnoringCase(chain.contract);
        Map<Long, JsonNode> bySeq = bySeq(doc);
        assertThat(bySeq.keySet()).as("the subject's odometer readings, nothing else").containsExactly(1L, 4L, 7L,
                9L, 11L);
        for (long seq : List.of(1L, 4L, 7L, 9L)) {
            ProofBundle b = verifiedBundle(bySeq.get(seq));
            assertThat(b.records()).singleElement().extracting(ProofBundle.Entry::seq).isEqualTo(seq);
            assertThat(b.anchors()).singleElement().satisfies(a -> {
                assertThat(a.firstSeq()).isLessThanOrEqualTo(seq);
                assertThat(a.lastSeq()).isGreaterThanOrEqualTo(seq);
            });
            assertThat(b.records().get(0).cose()).isEqualTo(coseOf(direct, seq));
        }
        assertThat(bySeq.get(11L).has("bundle")).isFalse();
        assertThat(bySeq.get(11L).path("notAnchored").asText()).contains("record 11 is not anchored yet")
                .contains("last anchored seq 10");
        assertThat(served.body()).as("nothing of the other subject, nor the speed readings")
                .doesNotContain(VIN_B).doesNotContain(b64(coseOf(direct, 2))).doesNotContain(b64(coseOf(direct, 3)));

        // some seqs only; a seq of an uncovered kind, of another subject, or absent is refused by name
        HttpResponse<String> two = get(proofs + "&seq=7,4");
        assertThat(two.statusCode()).as(two.body()).isEqualTo(200);
        assertThat(bySeq(JSON.readTree(two.body())).keySet()).containsExactly(4L, 7L);
        for (long seq : List.of(2L, 3L, 99L)) {
            HttpResponse<String> r = get(proofs + "&seq=4," + seq);
            assertThat(r.statusCode()).as("seq " + seq).isEqualTo(403);
            JsonNode why = JSON.readTree(r.body());
            assertThat(why.path("refused").asText()).isEqualTo(Refusal.RECORD_NOT_COVERED);
            assertThat(why.path("reason").asText()).contains("record " + seq + " of device " + direct.id)
                    .contains(ODOMETER).doesNotContain(VIN_B);
        }
        assertThat(get(proofs + "&seq=four").statusCode()).isEqualTo(400);

        List<AccessLog.Access> mine = log.all().subList(logged, log.all().size());
        assertThat(mine).extracting(AccessLog.Access::outcome)
                .containsExactly("served", "served", "refused", "refused", "refused");
        assertThat(mine.get(0).endpoint()).isEqualTo("proofs");
        assertThat(mine.get(0).device()).isEqualTo(direct.id);
        assertThat(mine.get(0).fullSeqs()).as("the seqs that got a bundle").containsExactly(1L, 4L, 7L, 9L);
        assertThat(mine.get(0).kinds()).containsExactly(ODOMETER);
        assertThat(mine.get(2).reason()).startsWith(Refusal.RECORD_NOT_COVERED);
    }

    @Test
    void aBatchWhoseStoredLeavesAreNotTheAnchoredOnesIsAnErrorNeverABundle() throws Exception {
        grant(VIN_C, List.of(ODOMETER));
        HttpResponse<String> r = get("/v1/subjects/" + VIN_C + "/proofs?purpose=" + PURPOSE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<Long, JsonNode> bySeq = bySeq(JSON.readTree(r.body()));
        assertThat(bySeq.keySet()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(bySeq.values()).allSatisfy(p -> {
            assertThat(p.has("bundle")).isFalse();
            assertThat(p.path("error").asText()).contains("do not hash to its anchored root");
        });
        assertThat(log.all().get(log.all().size() - 1).fullSeqs()).isEmpty();
    }

    @Test
    void withoutTheCertificateOfTheSigningKeyARecordGetsAnErrorNotABundle() throws Exception {
        java.util.TreeMap<Long, VerifiedRecord> first = new java.util.TreeMap<>();
        store.deviceRecords(direct.id, 1, 1, r -> first.put(r.seq(), r));
        RecordProofs.Answer a = new RecordProofs(store, anchorLedger, d -> List.of(forked.key.certificateChain()))
                .prove(direct.id, first);
        assertThat(a.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.bundle()).isNull();
            assertThat(o.error()).contains("no certificate of the key of device " + direct.id + " that signed record 1");
        });
        assertThat(a.proven()).isEmpty();
    }

    /**
     * Issue #19: a proof still verifies after its subject's payloads were shredded. Erasing subject B,
     * whose records sit in the same batches as A's, turns them into hashes only; their leaf hashes
     * stay, so A's bundles are still built and still verify on the ledger.
     */
    @Test
    void afterAnotherSubjectOfTheDeviceIsErasedTheServedBundlesStillVerify() throws Exception {
        String purpose = "insurance.claims";
        String proofs = "/v1/subjects/" + VIN_A + "/proofs?purpose=" + purpose;
        grant(VIN_A, purpose, List.of(ODOMETER, SPEED));
        HttpResponse<String> before = get(proofs);
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        assertThat(bySeq(JSON.readTree(before.body())).keySet()).containsExactly(1L, 2L, 4L, 6L, 7L, 9L, 11L);

        FleetStore.Erasure e = store.eraseSubject(VIN_B);
        assertThat(e.recordsShredded()).isEqualTo(5);
        List<VerifiedRecord> afterErasure = new ArrayList<>();
        store.deviceRecords(direct.id, 1, 12, afterErasure::add);
        assertThat(afterErasure).filteredOn(r -> List.of(3L, 5L, 8L, 10L, 12L).contains(r.seq()))
                .allSatisfy(r -> assertThat(r.erased()).as("seq " + r.seq() + " shredded").isTrue());

        HttpResponse<String> after = get(proofs);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        Map<Long, JsonNode> bySeq = bySeq(JSON.readTree(after.body()));
        assertThat(bySeq.keySet()).containsExactly(1L, 2L, 4L, 6L, 7L, 9L, 11L);
        for (long seq : List.of(1L, 2L, 4L, 6L, 7L, 9L)) {
            verifiedBundle(bySeq.get(seq));
        }
        assertThat(bySeq.get(11L).has("notAnchored")).isTrue();
    }

    private static ProofBundle verifiedBundle(JsonNode proof) throws Exception {
        assertThat(proof.has("bundle")).as(proof.toString()).isTrue();
        ProofBundle b = ProofBundleJson.read(JSON.writeValueAsBytes(proof.path("bundle")));
        Verdict v = BundleVerifier.verify(b, chain.chain.rpcUrl(), chain.contract);
        assertThat(v.valid()).as(BundleVerifier.render(v)).isTrue();
        assertThat(v.notChecked()).as("the anchors were checked on the ledger").isEmpty();
        return b;
    }

    private static Map<Long, JsonNode> bySeq(JsonNode doc) {
        Map<Long, JsonNode> out = new LinkedHashMap<>();
        doc.path("proofs").forEach(p -> out.put(p.path("seq").asLong(), p));
        return out;
    }

    /** Seqs {@code from + 1 .. to} of {@code layout} (subject, kind), signed by the device's sequencer. */
    private static void produce(TestDevice d, int from, int to, String[][] layout) throws Exception {
        for (int i = from; i < to; i++) {
            String[] sk = layout[i];
            d.sequencer.submit(new Reading(1_780_000_000_000L + i * 1000L, TimeQuality.NTP, "obd", sk[1], sk[0],
                    ReadingValue.of(1000 + i), sk[1].equals(SPEED) ? "km/h" : "km")).get();
        }
    }

    /** The device's records 1..n as the fleet's verification hands them to the store. */
    private static void storeAll(StoreConnector db, TestDevice d, long n) throws Exception {
        List<VerifiedRecord> out = new ArrayList<>();
        for (StoredRecord r : d.buffer.range(1, n)) {
            byte[] cose = ((StoredRecord.Signed) r).cose();
            ChainedReading c = ReadingCodec.decode(CoseSign1.parse(cose).payload());
            out.add(new VerifiedRecord(d.id, c.seq(), c.reading().observedAtMillis(), c.reading().kind(),
                    c.reading().subject(), RecordHashes.leafHash(cose), RecordHashes.chainHash(cose), cose, c.seq() > 1,
                    System.currentTimeMillis()));
        }
        try (StoreWriter w = new StoreWriter(db)) {
            assertThat(w.write(out, List.of()).stored()).isEqualTo(n);
        }
    }

    private static byte[] coseOf(TestDevice d, long seq) throws Exception {
        return ((StoredRecord.Signed) d.buffer.range(seq, seq).get(0)).cose();
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static Path pem(Path file, TestDevice... devices) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (TestDevice d : devices) {
            sb.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(d.key.certificateChain().get(0).getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return Files.writeString(file, sb.toString());
    }

    private static void grant(String vin, List<String> kinds) throws Exception {
        grant(vin, PURPOSE, kinds);
    }

    private static void grant(String vin, String purpose, List<String> kinds) throws Exception {
        try (LedgerClient c = chain.client()) {
            new ConsentRegistryClient(c, parties.consentRegistry, holder, Duration.ofSeconds(30))
                    .grant(new ConsentGrant(insurer.address(), SubjectHash.of(salt, vin), purpose, kinds,
                            Instant.EPOCH, Instant.now().plus(Duration.ofDays(400))));
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return ConsumerParties.get(insurerTls, server.port(), path);
    }
}
