package io.certigate.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.provisioning.registry.PartyCertificate;
import io.certigate.provisioning.testing.MemoryKey;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ConsortiumCa#issueParty}: what it issues has exactly the party profile
 * {@link PartyCertificate#check} accepts; a device's CSR is refused by the party issuance and a
 * party's CSR by the device issuance; a CSR with a bad signature, a CN that is not a party id, or
 * another party's id is refused, each saying why.
 */
@Tag("unit")
class PartyIssuanceTest {
    static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    static final Csr.Identity METER = new Csr.Identity("gw-m-7", "SN-7", "CG-TIC-1", Csr.SubjectKind.METER,
            "09123456789012");
    static ConsortiumCa ca;

    @BeforeAll
    static void init() throws Exception {
        ca = TestCa.create("Party Consortium", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void anIssuedPartyCertificatePassesThePartyCheck(CoseAlgorithm alg) throws Exception {
        DeviceKey key = new MemoryKey(alg);
        List<X509Certificate> chain = ca.issueParty(Csr.buildClient(key, "consumer:insurer"), "consumer:insurer",
                Duration.ofDays(730));

        assertThat(chain).hasSize(3);
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getPublicKey().getEncoded()).isEqualTo(key.publicKey().getEncoded());
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=consumer:insurer");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getKeyUsage()).containsExactly(true, false, false, false, false, false, false, false, false);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(PartyCertificate.CLIENT_AUTH);
        assertThat(leaf.getSubjectAlternativeNames()).isNull();
        assertThat(leaf.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(730)));
        assertThat(chain.get(2)).isEqualTo(ca.root());
        assertThat(chain.get(1).getBasicConstraints()).isZero();

        assertThat(PartyCertificate.check(chain, List.of(ca.root()), NOW.plusSeconds(1))).isEqualTo(leaf);
        assertThat(PartyCertificate.check(List.of(leaf), chain.subList(1, 3), NOW.plusSeconds(1))).isEqualTo(leaf);
        assertThat(PartyCertificate.defaultId(leaf)).isEqualTo("consumer:insurer");
    }

    @Test
    void aHolderIsCertifiedToo() throws Exception {
        List<X509Certificate> chain = ca.issueParty(Csr.buildClient(new MemoryKey(CoseAlgorithm.ES256), "holder:dana"),
                "holder:dana", Duration.ofDays(30));
        assertThat(PartyCertificate.defaultId(PartyCertificate.check(chain, List.of(ca.root()), NOW)))
                .isEqualTo("holder:dana");
    }

    @Test
    void aDevicesCsrIsRefusedByThePartyIssuance() throws Exception {
        byte[] device = Csr.build(new MemoryKey(CoseAlgorithm.EDDSA), METER);
        assertThatThrownBy(() -> ca.issueParty(device, "consumer:insurer", Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("refused CSR: it is a device's request (urn:certigate:model:CG-TIC-1")
                .hasMessageContaining("'certigate ca issue'");
        // even when its CN has the form of a party id
        Csr.Identity disguised = new Csr.Identity("consumer:insurer", "SN-7", "CG-TIC-1", Csr.SubjectKind.METER, "0912");
        byte[] csr = Csr.build(new MemoryKey(CoseAlgorithm.ES256), disguised);
        assertThatThrownBy(() -> ca.issueParty(csr, "consumer:insurer", Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("it is a device's request");
    }

    @Test
    void aPartysCsrIsRefusedByTheDeviceIssuance() throws Exception {
        byte[] party = Csr.buildClient(new MemoryKey(CoseAlgorithm.ES256), "consumer:insurer");
        assertThatThrownBy(() -> ca.issue(party, METER, Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("refused CSR: it is the request of party consumer:insurer, not a device's")
                .hasMessageContaining("'certigate ca issue-party'");
        // a client CSR whose CN is no party id is refused for what it lacks, as before
        byte[] other = Csr.buildClient(new MemoryKey(CoseAlgorithm.ES256), "Dana Example");
        assertThatThrownBy(() -> ca.issue(other, METER, Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("refused CSR: subject")
                .hasMessageContaining("SERIALNUMBER");
    }

    @Test
    void aCsrWithABadSignatureIsRefused() throws Exception {
        CertificationRequest req = CertificationRequest.getInstance(
                Csr.buildClient(new MemoryKey(CoseAlgorithm.ES256), "consumer:insurer"));
        byte[] sig = req.getSignature().getBytes();
        sig[sig.length - 3] ^= 0x40;
        byte[] bad = new CertificationRequest(req.getCertificationRequestInfo(), req.getSignatureAlgorithm(),
                new DERBitString(sig)).getEncoded();
        assertThatThrownBy(() -> ca.issueParty(bad, "consumer:insurer", Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("refused CSR: CSR signature");
        assertThatThrownBy(() -> ca.issueParty(new byte[] {0x30, 0x03, 1, 2, 3}, "consumer:insurer", Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("not a PKCS#10 certification request");
    }

    @Test
    void aCnThatIsNotAPartyIdOrAnotherPartysIdIsRefused() throws Exception {
        DeviceKey key = new MemoryKey(CoseAlgorithm.ES256);
        assertThatThrownBy(() -> ca.issueParty(Csr.buildClient(key, "insurer"), "consumer:insurer", Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("its CN is not a party id")
                .hasMessageContaining("must be holder:<name> or consumer:<name>");
        assertThatThrownBy(() -> ca.issueParty(Csr.buildClient(key, "consumer:insurer"), "consumer:broker",
                Duration.ofDays(1))).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("it names party consumer:insurer but the party to certify is consumer:broker");
        assertThatThrownBy(() -> ca.issueParty(Csr.buildClient(key, "dana"), "dana", Duration.ofDays(1)))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("party id 'dana' must be");
    }

    @Test
    void theValidityIsClippedToTheIssuingCas() throws Exception {
        List<X509Certificate> chain = ca.issueParty(Csr.buildClient(new MemoryKey(CoseAlgorithm.EDDSA), "holder:erin"),
                "holder:erin", Duration.ofDays(100_000));
        assertThat(chain.get(0).getNotAfter()).isEqualTo(chain.get(1).getNotAfter());
    }
}
