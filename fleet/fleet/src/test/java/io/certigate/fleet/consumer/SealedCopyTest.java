package io.certigate.fleet.consumer;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.certigate.testbed.time.ManualScheduler;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.consent.SubjectHash;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.ledger.LedgerReader;
import java.security.cert.X509Certificate;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed consumer copies on real components (PostgreSQL, the anvil dev chain with the registries,
 * HTTPS with client certificates of the test CA): a granted consumer fetches a sealed copy that holds
 * no payload (neither the readings' values nor their COSE bytes) and whose export verifies alone as a
 * hash-only chain; with its copy key it opens into an export the verifier checks in full. The holder
 * revokes: the watcher, on virtual time, destroys the key at its next poll (the next block), the key
 * is refused as revoked, the copy still verifies hash-only. Erasing the subject destroys the keys of
 * its other copies.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the last test erases the subject
class SealedCopyTest {
    static final String VIN = "WVWZZZ1JZXW000077";
    static final String PURPOSE = "insurance.mileage";
    static final String OTHER_VIN = "WVWZZZ1JZXW000078";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestChain chain;
    static TestParties parties;
    static PostgresServer pg;
    static TestDevice device;
    static ConsumerApiServer server;
    static LedgerReader ledger;
    static ConsentReader consents;
    static StoreConnector db;
    static LedgerAccount holder;
    static LedgerAccount insurer;
    static SSLContext insurerTls;
    static byte[] salt;
    static TestPki ca;
    static final char[] PW = ConsumerParties.PW;
    static List<VerifiedRecord> chainRecords = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir.resolve("chain"));
        parties = TestParties.deploy(chain);
        pg = PostgresServer.start(dir.resolve("pg"));
        Path masterKey = Files.writeString(dir.resolve("master.key"), StoreKeys.newMasterKeyHex() + "\n");
        db = StoreOptions.of("test", Map.of(StoreSettings.JDBC_URL.key(), pg.jdbcUrl(),
                StoreSettings.USER.key(), pg.user(), StoreSettings.PASSWORD.key(), "file:" + pg.passwordFile(),
                StoreSettings.MASTER_KEY_SOURCE.key(), "file:" + masterKey)).connector();
        new FleetStore(db).createOrUpdateSchema();

        ca = TestPki.create("consortium");
        holder = parties.account(dir, "holder");
        insurer = parties.account(dir, "insurer");
        registered("holder:erin", holder.address());
        insurerTls = client(registered("consumer:insurer", insurer.address()),
                ca.caCertificate());

        device = TestDevice.create(dir, "tcu-7");
        byte[] prev = new byte[32];
        for (long seq = 1; seq <= 6; seq++) {
            String kind = seq % 2 == 1 ? "vehicle.odometer" : "vehicle.speed";
            ChainedReading c = new ChainedReading(device.id(), seq, prev, new byte[16], new Reading(
                    1_700_000_000_000L + seq * 1000, TimeQuality.NTP, "obd", kind, VIN, ReadingValue.of(48_210 + seq),
                    kind.equals("vehicle.speed") ? "km/h" : "km"));
            byte[] cose = CoseSign1.sign(device.key(), ReadingCodec.encode(c));
            chainRecords.add(new VerifiedRecord(device.id(), seq, c.reading().observedAtMillis(), kind, VIN,
                    RecordHashes.leafHash(cose), RecordHashes.chainHash(cose), cose, seq > 1,
                    System.currentTimeMillis()));
            prev = RecordHashes.chainHash(cose);
        }
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(chainRecords, List.of());
        }
        SubjectDirectory subjects = new SubjectDirectory(db);
        subjects.createSchema();
        salt = SubjectHash.newSalt(new SecureRandom());
        subjects.put(VIN, salt, holder.address());
        subjects.put(OTHER_VIN, SubjectHash.newSalt(new SecureRandom()), holder.address());

        ledger = LedgerReader.connect(chain.chain.rpcUrl(), parties.consentRegistry);
        consents = new ConsentReader(ledger, parties.consentRegistry);
        server = new ConsumerParties(chain, parties, ca, dir).server(db, ledger, consents,
                d -> d.equals(device.id()) ? List.of(device.key().publicKey()) : List.of(), null, null);
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
    @Order(2)
    void aSealedCopyOpensWhileTheConsentIsInForceAndBecomesUnreadableAtTheNextBlockAfterRevocation()
            throws Exception {
        CopyKeys keys = new CopyKeys(db);
        ManualScheduler scheduler = new ManualScheduler();
        CopyKeyWatcher watcher = new CopyKeyWatcher(consents, keys).start(scheduler, Duration.ofSeconds(1));
        scheduler.runDue();

        String sealedUrl = "/v1/subjects/" + VIN + "/records?purpose=" + PURPOSE + "&format=sealed";
        assertThat(get(sealedUrl).statusCode()).as("no consent yet").isEqualTo(403);
        long consent = grant(PURPOSE, List.of("vehicle.odometer"));

        HttpResponse<String> served = get(sealedUrl);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        String file = served.body();
        assertThat(file).doesNotContain(VIN);
        for (VerifiedRecord r : chainRecords) {
            assertThat(file).as("seq " + r.seq() + "'s COSE bytes")
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(r.cose()))
                    .doesNotContain(Base64.getEncoder().encodeToString(r.cose()));
        }
        for (long v = 48_211; v <= 48_216; v++) {
            assertThat(file).doesNotContain(Long.toString(v));
        }
        SealedCopy.Copy copy = SealedCopy.parse(JSON.readTree(file), "served copy");
        assertThat(copy.header().subjectHash()).isEqualTo(SubjectHash.of(salt, VIN));
        assertThat(copy.header().consumer()).isEqualToIgnoringCase(insurer.address());
        assertThat(copy.sealed()).extracting(SealedCopy.Sealed::seq).containsExactly(1L, 3L, 5L);
        VerificationReport alone = new Verifier().export(ExportFile.parse(copy.export(), "copy's export"));
        assertThat(alone.ok()).as(alone.toString()).isTrue();
        assertThat(alone.records()).isEqualTo(6);
        assertThat(alone.verified()).isZero();

        // a second delivery reuses the live key
        SealedCopy.Copy again = SealedCopy.parse(JSON.readTree(get(sealedUrl).body()), "second copy");
        assertThat(again.header().keyId()).isEqualTo(copy.header().keyId());

        String keyUrl = "/v1/subjects/" + VIN + "/copy-key?purpose=" + PURPOSE + "&key=" + copy.header().keyId();
        HttpResponse<String> keyReply = get(keyUrl);
        assertThat(keyReply.statusCode()).as(keyReply.body()).isEqualTo(200);
        var key = SealedCopy.key(JSON.readTree(keyReply.body()).path("key").asText());
        VerificationReport opened = new Verifier().export(ExportFile.parse(SealedCopy.open(copy, key), "opened"));
        assertThat(opened.ok()).as(opened.toString()).isTrue();
        assertThat(opened.verified()).as("the odometer readings in full").isEqualTo(3);
        assertThat(opened.omitted()).isEqualTo(3);
        assertThat(get("/v1/subjects/" + VIN + "/copy-key?purpose=insurance.claims&key=" + copy.header().keyId())
                .statusCode()).as("the key under another purpose").isEqualTo(403);
        HttpResponse<String> otherSubject = get("/v1/subjects/" + OTHER_VIN + "/copy-key?purpose=" + PURPOSE
                + "&key=" + copy.header().keyId());
        assertThat(otherSubject.statusCode()).as("the key asked for with another subject").isEqualTo(403);
        assertThat(JSON.readTree(otherSubject.body()).path("refused").asText()).isEqualTo(Refusal.UNKNOWN_KEY);

        long revokedIn;
        try (LedgerClient c = chain.client()) {
            revokedIn = new ConsentRegistryClient(c, parties.consentRegistry, holder, Duration.ofSeconds(30))
                    .revoke(consent).block();
        }
        assertThat(keys.find(copy.header().keyId()).orElseThrow().live()).as("before the watcher's poll").isTrue();
        scheduler.advance(Duration.ofSeconds(1));
        CopyKeys.Row row = keys.find(copy.header().keyId()).orElseThrow();
        assertThat(row.live()).isFalse();
        assertThat(row.destroyedBlock()).isEqualTo(revokedIn);
        assertThat(row.destroyedReason()).startsWith(CopyKeys.REVOKED).contains("consent [" + consent + "]");

        HttpResponse<String> refused = get(keyUrl);
        assertThat(refused.statusCode()).isEqualTo(403);
        JsonNode why = JSON.readTree(refused.body());
        assertThat(why.path("refused").asText()).isEqualTo(Refusal.REVOKED);
        assertThat(why.path("reason").asText()).contains("revoked at block " + revokedIn);
        VerificationReport stillAlone = new Verifier().export(ExportFile.parse(
                SealedCopy.parse(JSON.readTree(file), "kept copy").export(), "kept copy's export"));
        assertThat(stillAlone.ok()).as("the kept copy still verifies as a hash-only chain").isTrue();

        // a new grant: a new key; erasing the subject destroys it
        grant(PURPOSE, List.of("vehicle.odometer"));
        SealedCopy.Copy fresh = SealedCopy.parse(JSON.readTree(get(sealedUrl).body()), "fresh copy");
        assertThat(fresh.header().keyId()).isNotEqualTo(copy.header().keyId());
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(keys.find(fresh.header().keyId()).orElseThrow().live()).as("its consent is in force").isTrue();
        new FleetStore(db).eraseSubject(VIN);
        assertThat(keys.destroySubject(SubjectHash.of(salt, VIN))).containsExactly(fresh.header().keyId());
        HttpResponse<String> erased = get("/v1/subjects/" + VIN + "/copy-key?purpose=" + PURPOSE + "&key="
                + fresh.header().keyId());
        assertThat(erased.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(erased.body()).path("refused").asText()).isEqualTo(Refusal.KEY_DESTROYED);
        assertThat(JSON.readTree(erased.body()).path("reason").asText()).contains(CopyKeys.SUBJECT_ERASED);
        assertThat(keys.ofSubject(SubjectHash.of(salt, VIN))).noneMatch(CopyKeys.Row::live)
                .filteredOn(r -> r.purpose().equals(PURPOSE)).extracting(CopyKeys.Row::destroyedReason)
                .hasSize(2).last().isEqualTo(CopyKeys.SUBJECT_ERASED);

        List<AccessLog.Access> log = new AccessLog(db).all();
        assertThat(log).extracting(AccessLog.Access::endpoint).contains(ConsumerApiServer.SEALED_COPY,
                ConsumerApiServer.COPY_KEY);
        assertThat(log).allSatisfy(a -> assertThat(a.reason() == null ? "" : a.reason()).doesNotContain(VIN));
        watcher.close();
        assertThat(scheduler.failures()).isEmpty();
    }

    @Test
    @Order(1)
    void theKeyOfAConsentWhoseValidityEndedByTheChainsClockIsDestroyedAsExpired() throws Exception {
        String purpose = "insurance.pricing";
        Instant until;
        try (LedgerClient c = chain.client()) {
            until = c.blockTime(c.blockNumber()).plus(Duration.ofHours(1));
            new ConsentRegistryClient(c, parties.consentRegistry, holder, Duration.ofSeconds(30))
                    .grant(new ConsentGrant(insurer.address(), SubjectHash.of(salt, VIN), purpose,
                            List.of("vehicle.odometer"), Instant.EPOCH, until));
        }
        HttpResponse<String> served = get("/v1/subjects/" + VIN + "/records?purpose=" + purpose + "&format=sealed");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        String keyId = JSON.readTree(served.body()).path("keyId").asText();
        CopyKeys keys = new CopyKeys(db);
        assertThat(keys.find(keyId).orElseThrow().validUntil()).isEqualTo(until);
        ManualScheduler scheduler = new ManualScheduler();
        try (CopyKeyWatcher watcher = new CopyKeyWatcher(consents, keys).start(scheduler, Duration.ofSeconds(1))) {
            scheduler.runDue();
            assertThat(keys.find(keyId).orElseThrow().live()).isTrue();
            // two hours later on the chain's clock
            HttpService http = new HttpService(chain.chain.rpcUrl());
            try {
                assertThat(new Request<>("evm_increaseTime", List.of(7200), http, Response.class).send().hasError())
                        .isFalse();
            } finally {
                http.close();
            }
            chain.chain.rpc("evm_mine");
            scheduler.advance(Duration.ofSeconds(1));
        }
        CopyKeys.Row row = keys.find(keyId).orElseThrow();
        assertThat(row.live()).isFalse();
        assertThat(row.destroyedReason()).startsWith(CopyKeys.EXPIRED);
        HttpResponse<String> refused = get("/v1/subjects/" + VIN + "/copy-key?purpose=" + purpose + "&key=" + keyId);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("refused").asText()).isEqualTo(Refusal.EXPIRED);
        assertThat(scheduler.failures()).isEmpty();
    }

    static long grant(String purpose, List<String> kinds) throws Exception {
        try (LedgerClient c = chain.client()) {
            return new ConsentRegistryClient(c, parties.consentRegistry, holder, Duration.ofSeconds(30))
                    .grant(new ConsentGrant(insurer.address(), SubjectHash.of(salt, VIN), purpose, kinds,
                            Instant.EPOCH, Instant.now().plus(Duration.ofDays(400))))
                    .id();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return ConsumerParties.get(insurerTls, server.port(), path);
    }

    /** A client key store for a fresh key certified by the test CA, the party registered with its hashes. */
    static Path registered(String id, String account) throws Exception {
        return new ConsumerParties(chain, parties, ca, dir).registered(id, account);
    }

    static Path keyStore(String name, KeyPair k, X509Certificate cert) throws Exception {
        return new ConsumerParties(chain, parties, ca, dir).keyStore(name, k, cert);
    }

    static SSLContext client(Path keyStore, X509Certificate trusted) throws Exception {
        return ConsumerParties.client(keyStore, trusted);
    }
}
