package io.certigate.fleet.consumer;

import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.testbed.device.TestPki;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.RegistryAbi;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * The parties of the consumer API's tests: client certificates from a test consortium CA, each party
 * registered in the dev chain's DeviceRegistry with the hashes of its key and certificate (as the
 * consortium's registrar registers them), their TLS contexts, and GET requests to the API.
 */
record ConsumerParties(TestChain chain, TestParties parties, TestPki ca, Path dir) {
    static final char[] PW = "tls-pass".toCharArray();

    /** A client key store for a fresh key certified by the consortium CA, the party registered with its hashes. */
    Path registered(String id, String account) throws Exception {
        KeyPair k = TestPki.p256();
        X509Certificate cert = ca.issue(k.getPublic(), id, false);
        String data = FunctionEncoder.encode(new Function("register", List.of(new Bytes32(AnchorAbi.deviceKey(id)),
                new Bytes32(RegistryAbi.keyHash(cert.getPublicKey())), new Bytes32(PartyCertificates.certHash(cert)),
                new Address(account)), List.of()));
        try (LedgerClient c = chain.client()) {
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).send(parties.deviceRegistry, BigInteger.ZERO, data,
                    BigInteger.valueOf(400_000));
        }
        return keyStore(id.replace(':', '-'), k, cert);
    }

    /** A client key store for a fresh key certified by the consortium CA, registered for no party. */
    Path issued(String id) throws Exception {
        KeyPair k = TestPki.p256();
        return keyStore(id.replace(':', '-'), k, ca.issue(k.getPublic(), id, false));
    }

    /** The API server's own key store: a TLS server certificate for localhost from the consortium CA. */
    Path serverKeyStore() throws Exception {
        KeyPair k = TestPki.p256();
        return keyStore("fleet-api", k, ca.issue(k.getPublic(), "localhost", true));
    }

    /**
     * The consumer API on a free loopback port, with this CA's server certificate, the parties read
     * from {@code ledger}'s registries, and {@code deviceKeys} put in the exports.
     */
    ConsumerApiServer server(StoreConnector db, LedgerReader ledger, ConsentReader consents,
            java.util.function.Function<String, List<PublicKey>> deviceKeys, String fleetId, RecordProofs proofs)
            throws Exception {
        return new ConsumerApiServer(new InetSocketAddress("127.0.0.1", 0),
                ConsumerApiServer.tls(serverKeyStore(), PW, List.of(ca.caCertificate())),
                new ConsumerApiServer.Backends(db, new PartyCertificates(ledger, consents.partyRegistry()), consents,
                        deviceKeys, null, fleetId, Clock.systemUTC()), proofs, 2);
    }

    Path keyStore(String name, KeyPair k, X509Certificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(name, k.getPrivate(), PW, new Certificate[] {cert});
        Path file = dir.resolve(name + ".p12");
        try (var out = Files.newOutputStream(file)) {
            ks.store(out, PW);
        }
        return file;
    }

    /** A client TLS context with the key store's certificate, trusting {@code trusted} for the server. */
    static SSLContext client(Path keyStore, X509Certificate trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            ks.load(in, PW);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PW);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trust(trusted), null);
        return ctx;
    }

    static TrustManager[] trust(X509Certificate ca) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    static HttpResponse<String> get(SSLContext tls, int port, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
