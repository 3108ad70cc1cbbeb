package io.certigate.verifier.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.export.TestExports;
import io.certigate.verifier.ledger.AnchorAbi.AnchoredEvent;
import io.certigate.verifier.merkle.MerkleTree;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export's keys judged at the anchoring blocks' times (security finding "certificate expiry is
 * checked at a time the device chooses"): the readings of {@link TestExports#odometer} are dated
 * 2023-11-14 22:13:21Z onwards, one second apart; the device certificate is valid 22:00 to 23:30
 * that day; one batch anchors seq 1..20, and the test sets its block's time.
 */
@Tag("unit")
class ExportTrustCheckTest {
    static final String DEVICE = "gw-expiring";
    static final Instant READINGS = Instant.ofEpochMilli(1_700_000_000_000L); // 2023-11-14T22:13:20Z
    static final long BLOCK = 42;

    @TempDir
    Path dir;
    X509Certificate root;
    List<X509Certificate> chain;
    SoftwareDeviceKey key;
    List<StoredRecord.Signed> records = new ArrayList<>();
    LedgerHistory history;

    @BeforeEach
    void setUp() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ca = g.generateKeyPair();
        X500Name caName = new X500Name("CN=test root,O=certigate test");
        JcaX509v3CertificateBuilder rb = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(Instant.parse("2023-01-01T00:00:00Z")), Date.from(Instant.parse("2030-01-01T00:00:00Z")), caName,
                ca.getPublic());
        rb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        rb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        rb.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(ca.getPublic()));
        root = new JcaX509CertificateConverter().getCertificate(rb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));

        key = Pkcs12KeyStore.create(dir.resolve("k.p12"), CoseAlgorithm.EDDSA, DEVICE, "pw".toCharArray());
        chain = List.of(device(key.publicKey(), ca, Instant.parse("2023-11-14T22:00:00Z"), Instant.parse("2023-11-14T23:30:00Z")), root);
        List<byte[]> leaves = new ArrayList<>();
        TestExports.chain(key, DEVICE, 20, 0).forEachRemaining(r -> {
            records.add(r);
            leaves.add(r.leafHash());
        });
        history = new LedgerHistory(DEVICE, 1337, "0x" + "a".repeat(40), 100, List.of(new AnchoredEvent("0x" + "a".repeat(40),
                MerkleTree.build(leaves).root(), new byte[32], 1, 20, "0x" + "b".repeat(64), BLOCK)));
    }

    private X509Certificate device(PublicKey k, KeyPair ca, Instant from, Instant to) throws Exception {
        Csr.Identity id = new Csr.Identity(DEVICE, "SN-1", "test-model", Csr.SubjectKind.VIN, "VF1RFB00X57177144");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, DEVICE)
                .addRDN(BCStyle.SERIALNUMBER, id.serial()).addRDN(BCStyle.OU, "certigate device").build();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                BigInteger.TWO, Date.from(from), Date.from(to), subject, k);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectAlternativeName, false, Csr.alternativeNames(id));
        b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
    }

    private Verdict judgeWithBlockAt(Instant blockTime) {
        ExportTrustCheck check = new ExportTrustCheck(DEVICE, Map.of(key.publicKey(), chain), root, null, history,
                block -> {
                    assertThat(block).isEqualTo(BLOCK);
                    return blockTime;
                });
        records.forEach(check::accept);
        return check.finish();
    }

    @Test
    void aBatchAnchoredWhileTheCertificateWasValidIsTrusted() {
        Verdict v = judgeWithBlockAt(Instant.parse("2023-11-14T23:00:00Z"));
        assertThat(v.valid()).as(v.checks().toString()).isTrue();
        assertThat(v.checks()).anySatisfy(c -> assertThat(c.detail()).contains("chain valid to the trust root at block 42"));
    }

    @Test
    void anExpiredCertificateWithBackdatedReadingsIsRefusedAtTheAnchoringBlock() {
        // every reading is dated inside the certificate's validity, but the batch was anchored after it expired
        Verdict v = judgeWithBlockAt(Instant.parse("2023-11-15T06:00:00Z"));
        assertThat(v.valid()).isFalse();
        assertThat(v.failures()).singleElement().satisfies(c -> assertThat(c.detail())
                .contains("UNTRUSTED: records seq 1..20 anchored at block 42"));
        // the same readings judged only at their own times pass: the block time is what catches it
        ExportTrustCheck readingTimesOnly = new ExportTrustCheck(DEVICE, Map.of(key.publicKey(), chain), root, null, null);
        records.forEach(readingTimesOnly::accept);
        assertThat(readingTimesOnly.finish().valid()).isTrue();
    }

    @Test
    void readingsDatedAfterTheirAnchoringBlockBeyondTheToleranceAreRefused() {
        // the readings claim 22:13:21..22:13:40, the block that anchored them is from 22:05
        Verdict v = judgeWithBlockAt(Instant.parse("2023-11-14T22:05:00Z"));
        assertThat(v.valid()).isFalse();
        assertThat(v.failures()).singleElement().satisfies(c -> assertThat(c.detail())
                .contains("after its anchoring block 42").contains("by more than 5 minutes"));
        // within the tolerance (the block 4 minutes before the last reading) they pass
        assertThat(judgeWithBlockAt(READINGS.plusSeconds(20).minusSeconds(240)).valid()).isTrue();
    }
}
