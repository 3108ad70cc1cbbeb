package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.app.CliRun;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.consumer.PartyCertificates;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * What the tests of the {@code consumer} role share: parties registered in the dev chain's
 * DeviceRegistry with real client certificates of the test consortium CA, the role's configuration
 * on a PostgreSQL store and the ConsentRegistry, a device's chain of really signed records written
 * to the store, and HTTPS requests with a party's client certificate.
 */
final class ConsumerFixture {
    static final char[] PW = "tls-pass".toCharArray();

    private ConsumerFixture() {}

    /**
     * A {@code fleet.properties} with the {@code consumer} role only, on {@code pg}, the CA
     * {@code caPem}, a server certificate of {@code ca} for localhost and the chain's ConsentRegistry.
     */
    static Path consumerConfig(Path dir, PostgresServer pg, TestChain chain, TestParties parties, TestPki ca,
            Path caPem) throws Exception {
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
        return config;
    }

    /**
     * The device's chain over {@code readings} (seqs 1.., each linked to the one before), each
     * reading signed by the device as the gateway signs it, written to the store.
     */
    static List<VerifiedRecord> writeChain(StoreConnector db, TestDevice device, List<Reading> readings)
            throws Exception {
        List<VerifiedRecord> records = new ArrayList<>();
        byte[] prev = new byte[32];
        long seq = 0;
        for (Reading r : readings) {
            seq++;
            ChainedReading c = new ChainedReading(device.id(), seq, prev, new byte[16], r);
            byte[] cose = CoseSign1.sign(device.key(), ReadingCodec.encode(c));
            records.add(new VerifiedRecord(device.id(), seq, r.observedAtMillis(), r.kind(), r.subject(),
                    RecordHashes.leafHash(cose), RecordHashes.chainHash(cose), cose, seq > 1, System.currentTimeMillis()));
            prev = RecordHashes.chainHash(cose);
        }
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(records, List.of());
        }
        return records;
    }

    /** A vehicle's readings, seq 1 to 4: odometer (odd seqs, km) and speed (even seqs, km/h), one minute apart. */
    static List<Reading> odometerAndSpeed(String vin) {
        List<Reading> readings = new ArrayList<>();
        for (long seq = 1; seq <= 4; seq++) {
            String kind = seq % 2 == 1 ? "vehicle.odometer" : "vehicle.speed";
            readings.add(new Reading(1_700_000_000_000L + seq * 60_000, TimeQuality.NTP, "obd", kind, vin,
                    ReadingValue.of(500 + seq), seq % 2 == 1 ? "km" : "km/h"));
        }
        return readings;
    }

    /**
     * The holder grants {@code consumer} the odometer of {@code vin} for {@code insurance.mileage} with
     * {@code certigate consent grant} (its ledger key is TestChain's {@code holder.key.json} in {@code dir}),
     * then hands the subject's salt to the fleet with {@code certigate fleet subject add}; the holder's
     * subjects file.
     */
    static Path grantMileageAndAddSubject(TestChain chain, TestParties parties, Path dir, Path config, String vin,
            String holder, String consumer) throws Exception {
        Path pass = dir.resolve("ledger.pass");
        Files.writeString(pass, new String(TestChain.PASSPHRASE));
        Path holderLedger = dir.resolve("holder-ledger.properties");
        new LedgerSettings(chain.config(), dir.resolve("holder.key.json"), "file:" + pass).save(holderLedger);
        Path subjects = dir.resolve("subjects.properties");
        CliRun.Result g = CliRun.run("consent", "grant", "--ledger", holderLedger.toString(), "--consent-registry",
                parties.consentRegistry, "--subjects", subjects.toString(), "--subject", vin, "--consumer", consumer,
                "--purpose", "insurance.mileage", "--kinds", "vehicle.odometer", "--until", "2099-01-01");
        assertThat(g.exit()).as(g.err()).isZero();
        CliRun.Result add = CliRun.run("fleet", "subject", "add", "--config", config.toString(), "--subject", vin,
                "--subjects", subjects.toString(), "--holder", holder);
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).contains(vin).containsIgnoringCase(holder);
        return subjects;
    }

    static HttpResponse<String> get(SSLContext tls, int port, String path) throws Exception {
        return HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Registers {@code account} in the DeviceRegistry as party {@code id} with the key and certificate
     * hashes of a new client certificate of {@code ca}; returns the party's PKCS#12 key store.
     */
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

    /**
     * As {@link #register}, through the registrar's command {@code certigate consent party register}:
     * the party's new client certificate of {@code ca} as a PEM file, checked against the CA's
     * certificate {@code caPem}, registered by the chain's admin (the registrar) whose key file is
     * {@code registrarKey}; the command's output is checked. {@code byId}: name the party with
     * {@code --id} rather than by its certificate's CN.
     */
    static Path registerByCommand(TestChain chain, Path registrarKey, TestParties parties, TestPki ca, Path caPem,
            Path dir, String id, String account, boolean byId) throws Exception {
        KeyPair k = TestPki.p256();
        X509Certificate cert = ca.issue(k.getPublic(), id, false);
        String name = id.replace(':', '-');
        Path pem = TestPki.writePem(dir.resolve(name + ".pem"), List.of(cert));
        Path pass = dir.resolve("registrar.pass");
        if (!Files.exists(pass)) {
            Files.writeString(pass, new String(TestChain.PASSPHRASE));
        }
        List<String> args = new ArrayList<>(List.of("consent", "party", "register", "--rpc", chain.config().rpcUrl(),
                "--chain-id", Long.toString(chain.config().chainId()), "--registry", parties.deviceRegistry,
                "--registrar-key", registrarKey.toString(), "--registrar-passphrase", "file:" + pass,
                "--ca", caPem.toString(), "--cert", pem.toString(), "--account", account));
        if (byId) {
            args.addAll(List.of("--id", id));
        }
        CliRun.Result r = CliRun.run(args.toArray(String[]::new));
        org.assertj.core.api.Assertions.assertThat(r.exit()).as("party register: %s %s", r.out(), r.err()).isZero();
        org.assertj.core.api.Assertions.assertThat(r.out()).contains("registered party " + id + " in the DeviceRegistry")
                .contains("account      " + account.toLowerCase(java.util.Locale.ROOT))
                .contains(org.web3j.utils.Numeric.toHexString(PartyCertificates.certHash(cert)));
        return keyStore(dir, name, k, cert);
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

    /** A client TLS context with the party's key store, trusting only {@code ca}. */
    static SSLContext client(TestPki ca, Path keyStore) throws Exception {
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
