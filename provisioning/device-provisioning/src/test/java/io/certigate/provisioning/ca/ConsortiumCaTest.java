package io.certigate.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.testing.MemoryKey;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.testing.SoftHsmToken;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.verifier.trust.TrustException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The consortium CA with PKCS#12 keys: issuing, chain validation, and each refusal. */
@Tag("component")
class ConsortiumCaTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final char[] PASS = "correct horse".toCharArray();
    static final Csr.Identity METER = new Csr.Identity("gw-m-7", "SN-7", "CG-TIC-1", Csr.SubjectKind.METER,
            "09123456789012");

    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    static ConsortiumCa ca;
    static X509Certificate root;

    @BeforeAll
    static void init() throws Exception {
        // the CA's own keys in PKCS#12 files, as 'certigate ca init' makes them
        ca = newCa(shared, Clock.fixed(NOW, ZoneOffset.UTC));
        root = ca.root();
    }

    static ConsortiumCa newCa(Path dir, Clock clock) throws Exception {
        Files.createDirectories(dir);
        KeyBackend rootB = new KeyBackend.Pkcs12(dir.resolve("root.p12"), PASS);
        KeyBackend issB = new KeyBackend.Pkcs12(dir.resolve("issuing.p12"), PASS);
        DeviceKey rootKey = rootB.generate(CoseAlgorithm.ES256, "root");
        DeviceKey issKey = issB.generate(CoseAlgorithm.ES256, "issuing");
        ConsortiumCa.Hierarchy h = ConsortiumCa.init(rootKey, issKey, "Test Consortium", clock,
                Duration.ofDays(3650), Duration.ofDays(1825));
        rootB.installChain(h.rootChain());
        return new ConsortiumCa(issB.installChain(h.issuingChain()), clock);
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void issuedChainValidatesToTheRootAndTheDeviceKeyStoreAcceptsIt(CoseAlgorithm alg) throws Exception {
        KeyBackend device = new KeyBackend.Pkcs12(dir.resolve("device-" + alg + ".p12"), PASS);
        DeviceKey key = device.generate(alg, METER.deviceId());
        List<X509Certificate> chain = ca.issue(Csr.build(key, METER), METER, Duration.ofDays(365));

        assertThat(chain).hasSize(3);
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getPublicKey()).isEqualTo(key.publicKey());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getKeyUsage()).startsWith(true, false, false, false, false, false, false);
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
        assertThat(new ChainValidator(root).validate(chain, NOW.plusSeconds(60))).isEqualTo(METER);

        DeviceKey installed = device.installChain(chain);
        assertThat(device.open().certificateChain()).isEqualTo(chain);
        byte[] cose = CoseSign1.sign(installed, new byte[] {7});
        assertThat(CoseSign1.verify(cose, leaf.getPublicKey(), installed.keyId())).containsExactly(7);
    }

    @Test
    void anIssuingCaCertifiedByAnOfflineRootIssuesWithTheRootKeyAbsent() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Path rootDir = Files.createDirectories(dir.resolve("offline-root"));
        Path issuingDir = Files.createDirectories(dir.resolve("issuing"));
        char[] rootPass = "root only".toCharArray();
        KeyBackend rootB = new KeyBackend.Pkcs12(rootDir.resolve("root.p12"), rootPass);
        DeviceKey rootKey = rootB.generate(CoseAlgorithm.ES256, "root");
        X509Certificate offlineRoot = ConsortiumCa.initRoot(rootKey, "Offline Consortium", clock, Duration.ofDays(3650));
        rootB.installChain(List.of(offlineRoot));

        KeyBackend issB = new KeyBackend.Pkcs12(issuingDir.resolve("issuing.p12"), PASS);
        DeviceKey issKey = issB.generate(CoseAlgorithm.ES256, "issuing");
        X509Certificate issuing = ConsortiumCa.certifyIssuing(rootB.open(), offlineRoot, issKey, clock, Duration.ofDays(1825));
        issB.installChain(List.of(issuing, offlineRoot));
        assertThat(issuing.getSubjectX500Principal().getName()).contains("Offline Consortium issuing CA");
        assertThat(issuing.getBasicConstraints()).isZero();

        // the root goes offline: its folder is gone; issuing needs only the issuing key (another secret)
        Files.delete(rootDir.resolve("root.p12"));
        Files.delete(rootDir);
        ConsortiumCa online = new ConsortiumCa(new KeyBackend.Pkcs12(issuingDir.resolve("issuing.p12"), PASS).open(), clock);
        DeviceKey device = new MemoryKey(CoseAlgorithm.EDDSA);
        List<X509Certificate> chain = online.issue(Csr.build(device, METER), METER, Duration.ofDays(365));
        assertThat(chain).hasSize(3).endsWith(offlineRoot);
        assertThat(new ChainValidator(offlineRoot).validate(chain, NOW.plusSeconds(60))).isEqualTo(METER);
        assertThat(online.root()).isEqualTo(offlineRoot);
    }

    @Test
    void anIssuingCaIsCertifiedOnlyWithTheRootCertificatesOwnKey() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        DeviceKey rootKey = new MemoryKey(CoseAlgorithm.ES256);
        X509Certificate r = ConsortiumCa.initRoot(rootKey, "Offline Consortium", clock, Duration.ofDays(3650));
        assertThatThrownBy(() -> ConsortiumCa.certifyIssuing(new MemoryKey(CoseAlgorithm.ES256), r,
                new MemoryKey(CoseAlgorithm.ES256), clock, Duration.ofDays(10)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("is not the key of the root certificate");
    }

    @Test
    void openSslIndependentlyVerifiesTheIssuedChain() throws Exception {
        DeviceKey key = new MemoryKey(CoseAlgorithm.EDDSA);
        List<X509Certificate> chain = ca.issue(Csr.build(key, METER), METER, Duration.ofDays(1));
        Path rootPem = pem(dir.resolve("root.pem"), List.of(root));
        Path untrusted = pem(dir.resolve("issuing.pem"), List.of(chain.get(1)));
        Path leaf = pem(dir.resolve("leaf.pem"), List.of(chain.get(0)));
        String out = SoftHsmToken.run(List.of("openssl", "verify", "-attime", Long.toString(NOW.getEpochSecond() + 60),
                "-CAfile", rootPem.toString(), "-untrusted", untrusted.toString(), leaf.toString()));
        assertThat(out).contains(leaf + ": OK");
    }

    @Test
    void openSslIndependentlyVerifiesAPartysChainForTlsClientUse() throws Exception {
        DeviceKey key = new MemoryKey(CoseAlgorithm.ES256);
        List<X509Certificate> chain = ca.issueParty(Csr.buildClient(key, "consumer:insurer"), "consumer:insurer",
                Duration.ofDays(1));
        Path rootPem = pem(dir.resolve("root.pem"), List.of(root));
        Path untrusted = pem(dir.resolve("issuing.pem"), List.of(chain.get(1)));
        Path leaf = pem(dir.resolve("party.pem"), List.of(chain.get(0)));
        String out = SoftHsmToken.run(List.of("openssl", "verify", "-attime", Long.toString(NOW.getEpochSecond() + 60),
                "-purpose", "sslclient", "-CAfile", rootPem.toString(), "-untrusted", untrusted.toString(),
                leaf.toString()));
        assertThat(out).contains(leaf + ": OK");
    }

    @Test
    void aCsrNamingAnotherSubjectIsRefused() throws Exception {
        DeviceKey key = new MemoryKey(CoseAlgorithm.EDDSA);
        Csr.Identity other = new Csr.Identity("gw-m-7", "SN-7", "CG-TIC-1", Csr.SubjectKind.METER, "09999999999999");
        byte[] csr = Csr.build(key, other);
        assertThatThrownBy(() -> ca.issue(csr, METER, Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("meter:09999999999999")
                .hasMessageContaining("but the device to provision is");
        Csr.Identity otherKind = new Csr.Identity("gw-m-7", "SN-7", "CG-TIC-1", Csr.SubjectKind.SITE, "09123456789012");
        assertThatThrownBy(() -> ca.issue(Csr.build(key, otherKind), METER, Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("site:09123456789012");
    }

    @Test
    void aCsrWithABadSignatureIsRefused() throws Exception {
        DeviceKey key = new MemoryKey(CoseAlgorithm.ES256);
        CertificationRequest req = CertificationRequest.getInstance(Csr.build(key, METER));
        byte[] sig = req.getSignature().getBytes();
        sig[sig.length - 3] ^= 0x40;
        byte[] bad = new CertificationRequest(req.getCertificationRequestInfo(), req.getSignatureAlgorithm(),
                new DERBitString(sig)).getEncoded();
        assertThatThrownBy(() -> ca.issue(bad, METER, Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("refused CSR");
    }

    @Test
    void expiredAndNotYetValidCertificatesFailValidation() throws Exception {
        DeviceKey key = new MemoryKey(CoseAlgorithm.EDDSA);
        List<X509Certificate> chain = ca.issue(Csr.build(key, METER), METER, Duration.ofDays(30));
        ChainValidator v = new ChainValidator(root);
        assertThat(v.validate(chain, NOW.plus(Duration.ofDays(29)))).isEqualTo(METER);
        assertThatThrownBy(() -> v.validate(chain, NOW.plus(Duration.ofDays(31))))
                .isInstanceOf(TrustException.class).hasMessageContaining("does not validate")
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> v.validate(chain, NOW.minus(Duration.ofDays(1))))
                .isInstanceOf(TrustException.class).hasMessageContaining("not yet valid");
    }

    @Test
    void aChainFromAnotherConsortiumOrWithAnAlteredLeafIsRefused() throws Exception {
        DeviceKey key = new MemoryKey(CoseAlgorithm.EDDSA);
        ConsortiumCa rogue = TestCa.create("Other Consortium", Clock.fixed(NOW, ZoneOffset.UTC));
        List<X509Certificate> rogueChain = rogue.issue(Csr.build(key, METER), METER, Duration.ofDays(30));
        assertThatThrownBy(() -> new ChainValidator(root).validate(rogueChain, NOW.plusSeconds(1)))
                .isInstanceOf(TrustException.class).hasMessageContaining("does not validate");

        // the issuing CA's certificate itself is not a device certificate
        List<X509Certificate> good = ca.issue(Csr.build(key, METER), METER, Duration.ofDays(30));
        assertThatThrownBy(() -> new ChainValidator(root).validate(good.subList(1, 3), NOW.plusSeconds(1)))
                .isInstanceOf(TrustException.class).hasMessageContaining("not a device certificate");
    }

    @Test
    void aKeyStoreRefusesAChainForAnotherKey() throws Exception {
        KeyBackend a = new KeyBackend.Pkcs12(dir.resolve("a.p12"), PASS);
        DeviceKey ka = a.generate(CoseAlgorithm.EDDSA, "gw-m-7");
        DeviceKey kb = new MemoryKey(CoseAlgorithm.EDDSA);
        List<X509Certificate> forB = ca.issue(Csr.build(kb, METER), METER, Duration.ofDays(30));
        assertThatThrownBy(() -> a.installChain(forB)).hasMessageContaining("does not match");
        assertThat(a.open().publicKey()).isEqualTo(ka.publicKey());
    }

    @Test
    void aCaKeyWithoutItsChainIsNotAnIssuingCa() throws Exception {
        DeviceKey plain = new MemoryKey(CoseAlgorithm.ES256).withChain(List.of(root));
        assertThatThrownBy(() -> new ConsortiumCa(plain, Clock.systemUTC()))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("ca init");
    }

    static Path pem(Path file, List<X509Certificate> certs) throws Exception {
        List<String> lines = new ArrayList<>();
        for (X509Certificate c : certs) {
            lines.add("-----BEGIN CERTIFICATE-----");
            lines.add(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()));
            lines.add("-----END CERTIFICATE-----");
        }
        return Files.write(file, lines);
    }
}
