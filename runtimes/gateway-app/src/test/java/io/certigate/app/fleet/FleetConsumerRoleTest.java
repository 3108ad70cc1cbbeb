package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.app.CliRun;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.consumer.PartyCertificates;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.RegistryAbi;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * The {@code consumer} role as {@code certigate fleet run} configures it, on PostgreSQL and the anvil
 * dev chain: the holder grants with {@code certigate consent grant}, hands the salt to the fleet with
 * {@code certigate fleet subject add}, and the consumer gets the passport with only the covered kind
 * and the records; the configuration's consumer keys are checked.
 */
@Tag("integration")
class FleetConsumerRoleTest {
    static final String VIN = "WVWZZZ1JZXW000077";
    static final char[] PW = "tls-pass".toCharArray();

    @TempDir
    Path dir;

    @Test
    void theRoleServesThePassportOfTheCoveredKindsToAConsumerTheHolderConsentedTo() throws Exception {
        try (TestChain chain = TestChain.start(dir.resolve("chain"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"))) {
            TestParties parties = TestParties.deploy(chain);
            TestPki ca = TestPki.create("consortium");
            Path caPem = TestPki.writePem(dir.resolve("ca.pem"), List.of(ca.caCertificate()));
            LedgerAccount holder = parties.account(dir, "holder");
            LedgerAccount insurer = parties.account(dir, "insurer");
            SSLContext insurerTls = client(dir, ca, register(chain, parties, ca, dir, "consumer:insurer", insurer.address()));
            register(chain, parties, ca, dir, "holder:carol", holder.address());

            Properties p = new Properties();
            p.setProperty("fleet.roles", "consumer");
            p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9");
            p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
            p.setProperty("fleet.store.user", pg.user());
            p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
            p.setProperty("fleet.store.master-key-source", "file:" + Files.writeString(dir.resolve("master.key"),
                    StoreKeys.newMasterKeyHex() + "\n"));
            p.setProperty("fleet.verify.ca", caPem.toString());
            KeyPair serverKeys = TestPki.p256();
            p.setProperty("fleet.consumer.key-store", keyStore(dir, "server", serverKeys,
                    ca.issue(serverKeys.getPublic(), "localhost", true)).toString());
            Files.writeString(dir.resolve("tls.pass"), new String(PW));
            p.setProperty("fleet.consumer.passphrase-source", "file:" + dir.resolve("tls.pass"));
            p.setProperty("fleet.consumer.port", "0");
            p.setProperty("fleet.consumer.ledger.rpc-url", chain.config().rpcUrl());
            p.setProperty("fleet.consumer.ledger.chain-id", Long.toString(chain.config().chainId()));
            p.setProperty("fleet.consumer.consent-registry", parties.consentRegistry);
            Path config = dir.resolve("fleet.properties");
            try (var out = Files.newOutputStream(config)) {
                p.store(out, null);
            }
            FleetConfig cfg = FleetConfig.load(config);
            assertThat(cfg.roles()).containsExactly(FleetConfig.Role.CONSUMER);
            assertThat(cfg.consumer().ca()).isEqualTo(caPem);

            // the vehicle's chain in the store: odometer and speed
            TestDevice device = TestDevice.create(dir, "tcu-7");
            StoreConnector db = cfg.consumer().store().connector();
            new FleetStore(db).createOrUpdateSchema();
            List<VerifiedRecord> records = new ArrayList<>();
            byte[] prev = new byte[32];
            for (long seq = 1; seq <= 4; seq++) {
                String kind = seq % 2 == 1 ? "vehicle.odometer" : "vehicle.speed";
                ChainedReading c = new ChainedReading(device.id(), seq, prev, new byte[16], new Reading(
                        1_700_000_000_000L + seq * 60_000, TimeQuality.NTP, "obd", kind, VIN, ReadingValue.of(500 + seq),
                        seq % 2 == 1 ? "km" : "km/h"));
                byte[] cose = CoseSign1.sign(device.key(), ReadingCodec.encode(c));
                records.add(new VerifiedRecord(device.id(), seq, c.reading().observedAtMillis(), kind, VIN,
                        RecordHashes.leafHash(cose), RecordHashes.chainHash(cose), cose, seq > 1, System.currentTimeMillis()));
                prev = RecordHashes.chainHash(cose);
            }
            try (StoreWriter w = new StoreWriter(db)) {
                w.write(records, List.of());
            }

            // the holder grants with the consent command, then hands the salt to the fleet
            Path pass = dir.resolve("ledger.pass");
            Files.writeString(pass, new String(TestChain.PASSPHRASE));
            Path holderLedger = dir.resolve("holder-ledger.properties");
            new LedgerSettings(chain.config(), dir.resolve("holder.key.json"), "file:" + pass).save(holderLedger);
            Path subjects = dir.resolve("subjects.properties");
            CliRun.Result g = CliRun.run("consent", "grant", "--ledger", holderLedger.toString(), "--consent-registry",
                    parties.consentRegistry, "--subjects", subjects.toString(), "--subject", VIN, "--consumer",
                    insurer.address(), "--purpose", "insurance.mileage", "--kinds", "vehicle.odometer", "--until",
                    "2099-01-01");
            assertThat(g.exit()).as(g.err()).isZero();
            CliRun.Result add = CliRun.run("fleet", "subject", "add", "--config", config.toString(), "--subject", VIN,
                    "--subjects", subjects.toString(), "--holder", holder.address());
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).contains(VIN).containsIgnoringCase(holder.address());

            DeviceKeys keys = new DeviceKeys(List.of(), false);
            keys.add(device.id(), device.key().publicKey());
            try (FleetConsumerRole role = FleetConsumerRole.start(cfg.consumer(), keys, List.of(), null, Clock.systemUTC())) {
                HttpResponse<String> page = get(insurerTls, role.port(), "/v1/subjects/" + VIN
                        + "/passport?purpose=insurance.mileage");
                assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
                assertThat(page.body()).contains("vehicle.odometer").doesNotContain("vehicle.speed");
                HttpResponse<String> export = get(insurerTls, role.port(), "/v1/subjects/" + VIN
                        + "/records?purpose=insurance.mileage");
                assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
                assertThat(export.body()).contains("\"omitted\" : true").contains(device.id());
                assertThat(get(insurerTls, role.port(), "/v1/subjects/" + VIN + "/records?purpose=fleet.maintenance")
                        .statusCode()).as("another purpose").isEqualTo(403);
            }

            CliRun.Result removed = CliRun.run("fleet", "subject", "remove", "--config", config.toString(), "--subject", VIN);
            assertThat(removed.exit()).as(removed.err()).isZero();
        }
    }

    @Test
    void theConsumerRoleNeedsItsKeys() {
        Properties p = new Properties();
        p.setProperty("fleet.roles", "consumer");
        p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.store.jdbc-url");
        p.setProperty("fleet.store.jdbc-url", "jdbc:postgresql://127.0.0.1/x");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties"))
                .hasMessageContaining("fleet.store.master-key-source");
        p.setProperty("fleet.store.master-key-source", "env:FLEET_MASTER_KEY");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.consumer.ca");
        p.setProperty("fleet.verify.ca", "ca.pem");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties"))
                .hasMessageContaining("fleet.consumer.ledger.rpc-url");
        p.setProperty("fleet.consumer.ledger.rpc-url", "http://127.0.0.1:8545");
        p.setProperty("fleet.consumer.ledger.chain-id", "31337");
        p.setProperty("fleet.consumer.consent-registry", "not-an-address");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("not-an-address");
        p.setProperty("fleet.consumer.consent-registry", "0x" + "ab".repeat(20));
        p.setProperty("fleet.consumer.key-store", "api.p12");
        p.setProperty("fleet.consumer.passphrase-source", "env:API_PASS");
        FleetConfig c = FleetConfig.parse(p, "f.properties");
        assertThat(c.consumer().port()).isEqualTo(8443);
        assertThat(c.consumer().ca()).isEqualTo(Path.of("ca.pem"));
        assertThat(c.consumer().chainId()).isEqualTo(31337);
        p.setProperty("fleet.consumer.prot", "1");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.consumer.port");
    }

    static HttpResponse<String> get(SSLContext tls, int port, String path) throws Exception {
        return HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Path register(TestChain chain, TestParties parties, TestPki ca, Path dir, String id, String account)
            throws Exception {
        KeyPair k = TestPki.p256();
        X509Certificate cert = ca.issue(k.getPublic(), id, false);
        String data = FunctionEncoder.encode(new Function("register", List.of(new Bytes32(AnchorAbi.deviceKey(id)),
                new Bytes32(RegistryAbi.keyHash(cert.getPublicKey())), new Bytes32(PartyCertificates.certHash(cert)),
                new Address(account)), List.of()));
        try (LedgerClient c = chain.client()) {
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).send(parties.deviceRegistry, BigInteger.ZERO, data,
                    BigInteger.valueOf(400_000));
        }
        return keyStore(dir, id.replace(':', '-'), k, cert);
    }

    static Path keyStore(Path dir, String name, KeyPair k, X509Certificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(name, k.getPrivate(), PW, new Certificate[] {cert});
        Path file = dir.resolve(name + ".p12");
        try (var out = Files.newOutputStream(file)) {
            ks.store(out, PW);
        }
        return file;
    }

    static SSLContext client(Path dir, TestPki ca, Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            ks.load(in, PW);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PW);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
