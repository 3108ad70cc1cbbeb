package io.certigate.app.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.fleet.consumer.ConsumerApiServer;
import io.certigate.provisioning.registry.PartyCertificate;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consent party's certificate made with the project's own CA, through the CLI:
 * {@code consent party request} (key store and CSR), {@code ca issue-party}, {@code consent party
 * install}; the key store is then one the JDK's TLS key manager (as the consumer API client and the
 * holder page use it) presents with the party's chain. And each refusal with exit 1 and a message
 * saying what is wrong: an existing key store, an id that is not a party's, a CSR with a bad
 * signature, a device's CSR given to the party issuance and a party's to the device issuance,
 * another party's id, a chain for another key, a device's chain.
 */
@Tag("component")
class PartyCertificateCliTest {
    @TempDir
    static Path ca;
    @TempDir
    Path dir;
    static Path pass;

    @BeforeAll
    static void initCa() throws Exception {
        pass = Files.writeString(ca.resolve("ca.pass"), "party ca pass\n");
        CliRun.Result r = CliRun.run("ca", "init", "--dir", ca.resolve("ca").toString(), "--consortium", "Party Fleet",
                "--secret", "file:" + pass);
        assertThat(r.exit()).as(r.err()).isZero();
    }

    Path partyPass() throws Exception {
        return Files.writeString(dir.resolve("party.pass"), "insurer pass\n");
    }

    CliRun.Result request(String id, Path keyStore, Path csr, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("consent", "party", "request", "--id", id, "--key-store",
                keyStore.toString(), "--passphrase-source", "file:" + partyPass(), "--out", csr.toString()));
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    static CliRun.Result issueParty(String id, Path csr, Path out) {
        return CliRun.run("ca", "issue-party", "--dir", ca.resolve("ca").toString(), "--csr", csr.toString(), "--id", id,
                "--out", out.toString(), "--secret", "file:" + pass);
    }

    CliRun.Result install(Path keyStore, Path chain, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("consent", "party", "install", "--key-store",
                keyStore.toString(), "--passphrase-source", "file:" + partyPass(), "--chain", chain.toString()));
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"es256", "ed25519"})
    void requestIssueInstallGivesAKeyStoreThatPresentsThePartysChain(String alg) throws Exception {
        Path keyStore = dir.resolve("insurer.p12");
        Path csr = dir.resolve("insurer.csr");
        CliRun.Result req = request("consumer:insurer", keyStore, csr, "--alg", alg);
        assertThat(req.exit()).as(req.err()).isZero();
        assertThat(req.out()).contains("party key consumer:insurer").contains("made in PKCS#12 file " + keyStore)
                .contains("certificate request written to " + csr).contains("ca issue-party --id consumer:insurer");
        assertThat(Csr.verifySignature(Files.readAllBytes(csr)).commonName()).isEqualTo("consumer:insurer");

        Path chainPem = dir.resolve("insurer.pem");
        CliRun.Result issued = issueParty("consumer:insurer", csr, chainPem);
        assertThat(issued.exit()).as(issued.err()).isZero();
        assertThat(issued.out()).contains("issued CN=consumer:insurer valid until").contains("chain written to " + chainPem);
        List<X509Certificate> chain = TlsSettings.readCertificates(chainPem);
        X509Certificate root = TlsSettings.readCertificates(ca.resolve("ca/root.pem")).get(0);
        assertThat(chain).hasSize(3);
        assertThat(chain.get(2)).isEqualTo(root);
        assertThat(PartyCertificate.check(chain, List.of(root), Instant.now())).isEqualTo(chain.get(0));

        CliRun.Result inst = install(keyStore, chainPem, "--ca", ca.resolve("ca/root.pem").toString());
        assertThat(inst.exit()).as(inst.err()).isZero();
        assertThat(inst.out()).contains("installed CN=consumer:insurer").contains("3 certificates) in " + keyStore)
                .contains("certigate consent party register --cert " + chainPem + " --account");
        DeviceKey key = Pkcs12KeyStore.open(keyStore, "insurer pass".toCharArray());
        assertThat(key.certificateChain()).isEqualTo(chain);

        // the JDK reads the key store as the consumer API client does, and presents the party's chain
        char[] pw = "insurer pass".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, pw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        X509KeyManager km = (X509KeyManager) kmf.getKeyManagers()[0];
        String keyType = alg.equals("es256") ? "EC" : "EdDSA";
        String alias = km.chooseClientAlias(new String[] {keyType}, new java.security.Principal[] {
            root.getSubjectX500Principal()}, null);
        assertThat(alias).isNotNull();
        assertThat(km.getCertificateChain(alias)).containsExactly(chain.toArray(X509Certificate[]::new));
        assertThat(km.getPrivateKey(alias)).isNotNull();
        assertThat(ConsumerApiServer.tls(keyStore, pw, List.of(root))).isNotNull();

        // without --ca, the chain's own root is the one it must lead to
        Path other = dir.resolve("holder.p12");
        assertThat(request("holder:dana", other, dir.resolve("dana.csr")).exit()).isZero();
        assertThat(issueParty("holder:dana", dir.resolve("dana.csr"), dir.resolve("dana.pem")).exit()).isZero();
        CliRun.Result own = install(other, dir.resolve("dana.pem"));
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(own.out()).contains("installed CN=holder:dana");
    }

    @Test
    void anExistingKeyStoreIsNotOverwritten() throws Exception {
        Path keyStore = dir.resolve("insurer.p12");
        assertThat(request("consumer:insurer", keyStore, dir.resolve("a.csr")).exit()).isZero();
        byte[] before = Files.readAllBytes(keyStore);
        CliRun.Result again = request("consumer:insurer", keyStore, dir.resolve("b.csr"));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("key store " + keyStore + " exists already: refusing to overwrite a key");
        assertThat(Files.readAllBytes(keyStore)).isEqualTo(before);
        assertThat(dir.resolve("b.csr")).doesNotExist();
    }

    @Test
    void anIdThatIsNotAPartysIsRefusedBeforeAnyKeyIsMade() throws Exception {
        CliRun.Result r = request("insurer", dir.resolve("x.p12"), dir.resolve("x.csr"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("party id 'insurer' must be holder:<name> or consumer:<name>");
        assertThat(dir.resolve("x.p12")).doesNotExist();
        assertThat(dir.resolve("x.csr")).doesNotExist();
    }

    @Test
    void theCaRefusesBadRequestsSayingWhy() throws Exception {
        Path keyStore = dir.resolve("insurer.p12");
        Path csr = dir.resolve("insurer.csr");
        assertThat(request("consumer:insurer", keyStore, csr).exit()).isZero();

        CertificationRequest req = CertificationRequest.getInstance(Files.readAllBytes(csr));
        byte[] sig = req.getSignature().getBytes();
        sig[sig.length - 3] ^= 0x40;
        Path bad = Files.write(dir.resolve("bad.csr"), new CertificationRequest(req.getCertificationRequestInfo(),
                req.getSignatureAlgorithm(), new DERBitString(sig)).getEncoded());
        DeviceKey deviceKey = Pkcs12KeyStore.create(dir.resolve("meter.p12"), CoseAlgorithm.EDDSA, "gw-m-7",
                "meter".toCharArray());
        Path deviceCsr = Files.write(dir.resolve("meter.csr"), Csr.build(deviceKey,
                new Csr.Identity("gw-m-7", "SN-7", "CG-TIC-1", Csr.SubjectKind.METER, "09123456789012")));
        Object[][] cases = {
            {"consumer:insurer", bad, "refused CSR: CSR signature"},
            {"consumer:insurer", deviceCsr, "refused CSR: it is a device's request (urn:certigate:model:CG-TIC-1"},
            {"consumer:broker", csr, "it names party consumer:insurer but the party to certify is consumer:broker"},
            {"insurer", csr, "party id 'insurer' must be holder:<name> or consumer:<name>"},
        };
        for (Object[] c : cases) {
            Path out = dir.resolve("out.pem");
            CliRun.Result r = issueParty((String) c[0], (Path) c[1], out);
            assertThat(r.exit()).as("%s: %s", c[2], r.out()).isEqualTo(1);
            assertThat(r.err()).contains((String) c[2]);
            assertThat(out).doesNotExist();
        }

        CliRun.Result asDevice = CliRun.run("ca", "issue", "--dir", ca.resolve("ca").toString(), "--csr", csr.toString(),
                "--device-id", "gw-m-7", "--serial", "SN-7", "--model", "CG-TIC-1", "--subject", "meter:09123456789012",
                "--out", dir.resolve("device.pem").toString(), "--secret", "file:" + pass);
        assertThat(asDevice.exit()).isEqualTo(1);
        assertThat(asDevice.err()).contains("refused CSR: it is the request of party consumer:insurer, not a device's")
                .contains("'certigate ca issue-party'");
        assertThat(dir.resolve("device.pem")).doesNotExist();
    }

    @Test
    void installRefusesAChainForAnotherKeyOrOfADevice() throws Exception {
        Path keyStore = dir.resolve("insurer.p12");
        assertThat(request("consumer:insurer", keyStore, dir.resolve("insurer.csr")).exit()).isZero();
        assertThat(request("consumer:broker", dir.resolve("broker.p12"), dir.resolve("broker.csr")).exit()).isZero();
        assertThat(issueParty("consumer:broker", dir.resolve("broker.csr"), dir.resolve("broker.pem")).exit()).isZero();
        byte[] before = Files.readAllBytes(keyStore);

        CliRun.Result other = install(keyStore, dir.resolve("broker.pem"));
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err()).contains("the certificate CN=consumer:broker in " + dir.resolve("broker.pem")
                + " is for another key than the one in " + keyStore);

        DeviceKey deviceKey = Pkcs12KeyStore.create(dir.resolve("meter.p12"), CoseAlgorithm.ES256, "gw-m-8",
                "insurer pass".toCharArray());
        Csr.Identity meter = new Csr.Identity("gw-m-8", "SN-8", "CG-TIC-1", Csr.SubjectKind.METER, "09123456789013");
        Path deviceCsr = Files.write(dir.resolve("meter.csr"), Csr.build(deviceKey, meter));
        assertThat(CliRun.run("ca", "issue", "--dir", ca.resolve("ca").toString(), "--csr", deviceCsr.toString(),
                "--device-id", "gw-m-8", "--serial", "SN-8", "--model", "CG-TIC-1", "--subject", "meter:09123456789013",
                "--out", dir.resolve("meter.pem").toString(), "--secret", "file:" + pass).exit()).isZero();
        CliRun.Result device = install(dir.resolve("meter.p12"), dir.resolve("meter.pem"));
        assertThat(device.exit()).isEqualTo(1);
        assertThat(device.err()).contains("is a device certificate (urn:certigate:");
        assertThat(Files.readAllBytes(keyStore)).isEqualTo(before);
    }

    @Test
    void noOutputIsWrittenOverAnInput() throws Exception {
        Path keyStore = dir.resolve("insurer.p12");
        Path csr = dir.resolve("insurer.csr");
        CliRun.Result overKeyStore = request("consumer:insurer", keyStore, keyStore);
        assertThat(overKeyStore.exit()).isEqualTo(1);
        assertThat(keyStore).doesNotExist();
        CliRun.Result overPass = request("consumer:insurer", keyStore, dir.resolve("party.pass"));
        assertThat(overPass.exit()).isEqualTo(1);
        assertThat(keyStore).doesNotExist();
        assertThat(Files.readString(dir.resolve("party.pass"))).isEqualTo("insurer pass\n");

        assertThat(request("consumer:insurer", keyStore, csr).exit()).isZero();
        byte[] request = Files.readAllBytes(csr);
        byte[] issuing = Files.readAllBytes(ca.resolve("ca/ca-issuing.p12"));
        for (Path out : new Path[] {csr, ca.resolve("ca/ca-issuing.p12"), ca.resolve("ca/root.pem"), pass}) {
            CliRun.Result r = issueParty("consumer:insurer", csr, out);
            assertThat(r.exit()).as("-o %s", out).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(csr)).isEqualTo(request);
        assertThat(Files.readAllBytes(ca.resolve("ca/ca-issuing.p12"))).isEqualTo(issuing);
    }
}
