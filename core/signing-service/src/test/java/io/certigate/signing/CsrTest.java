package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.DERBitString;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** PKCS#10 requests built through a DeviceKey, and the checks a CA makes before issuing. */
@Tag("unit")
class CsrTest {
    static final Csr.Identity VEHICLE = new Csr.Identity("gw-0042", "SN-77-0042", "CG-OBD-2", Csr.SubjectKind.VIN,
            "WVWZZZ1JZXW000001");

    static SoftwareDeviceKey key(CoseAlgorithm alg) throws Exception {
        KeyPair pair = Pkcs12KeyStore.generate(alg);
        return new SoftwareDeviceKey(pair.getPrivate(),
                List.of(Certificates.selfSigned(pair, "gw-0042", alg, null, Duration.ofDays(1))), "test");
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void requestCarriesTheIdentityAndProvesPossession(CoseAlgorithm alg) throws Exception {
        SoftwareDeviceKey key = key(alg);
        byte[] der = Csr.build(key, VEHICLE);

        Csr.Verified v = Csr.verify(der);
        assertThat(v.publicKey()).isEqualTo(key.publicKey());
        assertThat(v.identity()).isEqualTo(VEHICLE);
        assertThat(v.identity().qualifiedSubject()).isEqualTo("vin:WVWZZZ1JZXW000001");
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void aClientRequestNamesItsCnAloneAndProvesPossession(CoseAlgorithm alg) throws Exception {
        SoftwareDeviceKey key = key(alg);
        byte[] der = Csr.buildClient(key, "consumer:insurer");

        Csr.Signed s = Csr.verifySignature(der);
        assertThat(s.publicKey()).isEqualTo(key.publicKey());
        assertThat(s.commonName()).isEqualTo("consumer:insurer");
        assertThat(s.subject().toString()).isEqualTo("CN=consumer:insurer");
        assertThat(s.alternativeNames()).isNull();
        assertThat(s.deviceNames()).isEmpty();
        org.bouncycastle.asn1.x509.Extensions ext = new org.bouncycastle.pkcs.PKCS10CertificationRequest(der)
                .getRequestedExtensions();
        assertThat(org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(ext)
                .hasKeyPurposeId(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth)).isTrue();
        assertThat(org.bouncycastle.asn1.x509.KeyUsage.fromExtensions(ext)
                .hasUsages(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature)).isTrue();
        assertThatThrownBy(() -> Csr.verify(der)).isInstanceOf(SigningException.class)
                .hasMessageContaining("must hold exactly one SERIALNUMBER");
    }

    @Test
    void aDeviceRequestNamesItsDeviceUris() throws Exception {
        Csr.Signed s = Csr.verifySignature(Csr.build(key(CoseAlgorithm.ES256), VEHICLE));
        assertThat(s.commonName()).isEqualTo("gw-0042");
        assertThat(s.deviceNames()).containsExactly("urn:certigate:model:CG-OBD-2", "urn:certigate:vin:WVWZZZ1JZXW000001");
    }

    @Test
    void everySubjectKindRoundTrips() throws Exception {
        SoftwareDeviceKey key = key(CoseAlgorithm.EDDSA);
        for (Csr.SubjectKind k : Csr.SubjectKind.values()) {
            Csr.Identity id = new Csr.Identity("dev-" + k, "S1", "M1", k, "X-" + k.label());
            assertThat(Csr.verify(Csr.build(key, id)).identity()).isEqualTo(id);
        }
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void aFlippedSignatureBitIsNoProofOfPossession(CoseAlgorithm alg) throws Exception {
        CertificationRequest req = CertificationRequest.getInstance(Csr.build(key(alg), VEHICLE));
        byte[] sig = req.getSignature().getBytes();
        sig[sig.length / 2] ^= 0x01;
        byte[] bad = new CertificationRequest(req.getCertificationRequestInfo(), req.getSignatureAlgorithm(),
                new DERBitString(sig)).getEncoded();
        assertThatThrownBy(() -> Csr.verify(bad)).isInstanceOf(SigningException.class)
                .hasMessageContaining("signature");
    }

    @Test
    void aSignatureBitStringWithUnusedBitsIsRefusedWithASigningException() throws Exception {
        // found by fuzzing: Bouncy Castle's isSignatureValid threw IllegalStateException for it
        CertificationRequest req = CertificationRequest.getInstance(Csr.build(key(CoseAlgorithm.EDDSA), VEHICLE));
        byte[] bad = new CertificationRequest(req.getCertificationRequestInfo(), req.getSignatureAlgorithm(),
                new DERBitString(req.getSignature().getBytes(), 3)).getEncoded();
        assertThatThrownBy(() -> Csr.verify(bad)).isInstanceOf(SigningException.class)
                .hasMessageStartingWith("CSR signature cannot be checked");
    }

    @Test
    void aRequestSignedByAnotherKeyIsRefused() throws Exception {
        // the info of one key's request, signed by a second key: the signature does not match the key inside
        CertificationRequest mine = CertificationRequest.getInstance(Csr.build(key(CoseAlgorithm.EDDSA), VEHICLE));
        CertificationRequest other = CertificationRequest.getInstance(Csr.build(key(CoseAlgorithm.EDDSA), VEHICLE));
        byte[] swapped = new CertificationRequest(mine.getCertificationRequestInfo(), mine.getSignatureAlgorithm(),
                other.getSignature()).getEncoded();
        assertThatThrownBy(() -> Csr.verify(swapped)).isInstanceOf(SigningException.class)
                .hasMessageContaining("no proof of possession");
    }

    @Test
    void aSignatureAlgorithmThatDoesNotMatchTheKeyIsRefused() throws Exception {
        CertificationRequest ed = CertificationRequest.getInstance(Csr.build(key(CoseAlgorithm.EDDSA), VEHICLE));
        byte[] relabelled = new CertificationRequest(ed.getCertificationRequestInfo(),
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(Csr.signatureOid(CoseAlgorithm.ES256)),
                ed.getSignature()).getEncoded();
        assertThatThrownBy(() -> Csr.verify(relabelled)).isInstanceOf(SigningException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void garbageAndTruncatedRequestsAreRefused() throws Exception {
        byte[] der = Csr.build(key(CoseAlgorithm.ES256), VEHICLE);
        assertThatThrownBy(() -> Csr.verify(java.util.Arrays.copyOf(der, der.length - 7)))
                .isInstanceOf(SigningException.class);
        assertThatThrownBy(() -> Csr.verify(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}))
                .isInstanceOf(SigningException.class).hasMessageContaining("PKCS#10");
    }

    @Test
    void aRequestWithoutTheIdentityExtensionIsRefused() throws Exception {
        SoftwareDeviceKey key = key(CoseAlgorithm.EDDSA);
        org.bouncycastle.pkcs.PKCS10CertificationRequest plain =
                new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                        Certificates.deviceName("gw-0042"), key.publicKey()).build(new Csr.DeviceKeySigner(key));
        assertThatThrownBy(() -> Csr.verify(plain.getEncoded())).isInstanceOf(SigningException.class)
                .hasMessageContaining("SERIALNUMBER");
        CertificationRequestInfo info = plain.toASN1Structure().getCertificationRequestInfo();
        assertThat(info.getSubject().toString()).contains("gw-0042");
    }

    @Test
    void identityFieldsAreRequired() {
        assertThatThrownBy(() -> new Csr.Identity("d", "", "m", Csr.SubjectKind.SITE, "s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serial");
        assertThatThrownBy(() -> Csr.SubjectKind.parse("boat")).hasMessageContaining("vin, meter or site");
    }

    static byte[] fixture(String name) throws Exception {
        try (java.io.InputStream in = CsrTest.class.getResourceAsStream("/csr/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void requestsMadeByOpenSslAreReadAndVerified() throws Exception {
        assertThat(Csr.verify(fixture("openssl-ed25519.der")).identity()).isEqualTo(new Csr.Identity("gw-openssl-1",
                "SN-OSSL-1", "CG-OBD-2", Csr.SubjectKind.VIN, "WVWZZZ1JZXW000042"));
        assertThat(Csr.verify(fixture("openssl-es256.der")).identity()).isEqualTo(new Csr.Identity("gw-openssl-2",
                "SN-OSSL-2", "CG-TIC-1", Csr.SubjectKind.METER, "09123456789012"));
    }

    @Test
    void corruptOpenSslRequestsAreRefused() {
        assertThatThrownBy(() -> Csr.verify(fixture("openssl-es256-bad-signature.der"))).isInstanceOf(SigningException.class);
        assertThatThrownBy(() -> Csr.verify(fixture("openssl-ed25519-altered-subject.der")))
                .isInstanceOf(SigningException.class).hasMessageContaining("no proof of possession");
    }
}
