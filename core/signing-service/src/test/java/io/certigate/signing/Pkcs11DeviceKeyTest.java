package io.certigate.signing;

import io.certigate.signing.testing.SoftHsmToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.security.spec.PKCS8EncodedKeySpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Device keys on a real PKCS#11 token (SoftHSM2), used through the JDK's SunPKCS11. */
@Tag("integration")
class Pkcs11DeviceKeyTest {
    // SoftHSM reads its token list once per process (C_Initialize): create the token before any use
    private static SoftHsmToken token;

    @org.junit.jupiter.api.BeforeAll
    static void token() throws Exception {
        token = SoftHsmToken.create("certigate-it", "4321");
    }

    @Test
    void keyIsGeneratedOnTheTokenSignsAndIsNeverExtractable() throws Exception {
        Pkcs11DeviceKey.TokenConfig cfg = new Pkcs11DeviceKey.TokenConfig(SoftHsmToken.LIBRARY, token.slot, "device");
        Pkcs11DeviceKey key = Pkcs11DeviceKey.generate(cfg, CoseAlgorithm.ES256, "gw-hsm-1", "4321".toCharArray());

        byte[] payload = new io.certigate.cbor.CborWriter().mapHeader(1).text("t").integer(7).toByteArray();
        byte[] cose = CoseSign1.sign(key, payload);
        assertThat(CoseSign1.verify(cose, key.publicKey(), key.keyId(), SignatureVerifier.JDK)).isEqualTo(payload);
        assertThat(CoseSign1.verify(cose, key.publicKey(), key.keyId(), SignatureVerifier.BOUNCY_CASTLE)).isEqualTo(payload);

        // the JCA handle has no encoding: the value stays on the token
        assertThat(key.privateKeyHandle().getEncoded()).isNull();
        assertThatThrownBy(() -> KeyFactory.getInstance("EC").getKeySpec(key.privateKeyHandle(), PKCS8EncodedKeySpec.class))
                .isInstanceOf(Exception.class);

        // an independent PKCS#11 client sees the attributes set at generation
        String objects = token.listObjects();
        assertThat(objects).contains("Private Key Object").contains("never extractable").contains("sensitive");

        // reopening the token finds the same persistent key
        Pkcs11DeviceKey reopened = Pkcs11DeviceKey.open(cfg, "4321".toCharArray());
        assertThat(reopened.publicKey()).isEqualTo(key.publicKey());
        assertThat(CoseSign1.verify(CoseSign1.sign(reopened, payload), key.publicKey(), key.keyId())).isEqualTo(payload);

        assertThatThrownBy(() -> Pkcs11DeviceKey.generate(cfg, CoseAlgorithm.ES256, "gw-hsm-1", "4321".toCharArray()))
                .isInstanceOf(SigningException.class).hasMessageContaining("already holds a key");
    }

    /** A key retired by a rotation: its objects destroyed on the token, other keys untouched. */
    @Test
    void aDestroyedKeyIsGoneFromTheToken() throws Exception {
        char[] pin = "4321".toCharArray();
        Pkcs11DeviceKey.TokenConfig old = new Pkcs11DeviceKey.TokenConfig(SoftHsmToken.LIBRARY, token.slot, "retired");
        Pkcs11DeviceKey.TokenConfig kept = new Pkcs11DeviceKey.TokenConfig(SoftHsmToken.LIBRARY, token.slot, "kept");
        Pkcs11DeviceKey.generate(old, CoseAlgorithm.ES256, "gw-hsm-3", pin);
        Pkcs11DeviceKey current = Pkcs11DeviceKey.generate(kept, CoseAlgorithm.ES256, "gw-hsm-3", pin);
        String retiredId = java.util.HexFormat.of().formatHex("retired".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(token.listObjects()).contains(retiredId);

        Pkcs11DeviceKey.destroy(old, pin);
        assertThatThrownBy(() -> Pkcs11DeviceKey.open(old, pin)).isInstanceOf(SigningException.class)
                .hasMessageContaining("holds no private key");
        // OpenSC no longer lists a private key under the retired alias's id
        String privateKeys = SoftHsmToken.run(List.of("pkcs11-tool", "--module", SoftHsmToken.LIBRARY.toString(),
                "--slot", Long.toString(token.slot), "--login", "--pin", "4321", "--list-objects", "--type", "privkey"));
        assertThat(privateKeys).doesNotContain(retiredId).contains(
                java.util.HexFormat.of().formatHex("kept".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(Pkcs11DeviceKey.open(kept, pin).publicKey()).isEqualTo(current.publicKey());
        assertThatThrownBy(() -> Pkcs11DeviceKey.destroy(old, pin)).isInstanceOf(SigningException.class)
                .hasMessageContaining("holds no key");
    }

    @Test
    void refusesEd25519AndAWrongPin() throws Exception {
        Pkcs11DeviceKey.TokenConfig cfg = new Pkcs11DeviceKey.TokenConfig(SoftHsmToken.LIBRARY, token.slot, "other");
        assertThatThrownBy(() -> Pkcs11DeviceKey.generate(cfg, CoseAlgorithm.EDDSA, "gw", "4321".toCharArray()))
                .isInstanceOf(SigningException.class).hasMessageContaining("ES256 only");
        assertThatThrownBy(() -> Pkcs11DeviceKey.open(cfg, "9999".toCharArray()))
                .isInstanceOf(SigningException.class).hasMessageContaining("slot " + token.slot);
    }

    @Test
    void csrIsSignedOnTheTokenAndTheIssuedChainIsStoredBesideTheKey() throws Exception {
        Pkcs11DeviceKey.TokenConfig cfg = new Pkcs11DeviceKey.TokenConfig(SoftHsmToken.LIBRARY, token.slot, "csr");
        Pkcs11DeviceKey key = Pkcs11DeviceKey.generate(cfg, CoseAlgorithm.ES256, "gw-hsm-2", "4321".toCharArray());
        Csr.Identity id = new Csr.Identity("gw-hsm-2", "SN-2", "CG-TIC-1", Csr.SubjectKind.METER, "09123456789012");
        Csr.Verified v = Csr.verify(Csr.build(key, id));
        assertThat(v.publicKey()).isEqualTo(key.publicKey());
        assertThat(v.identity()).isEqualTo(id);

        // a chain as a CA would return it: a leaf for the token key, issued by a (software) CA key
        java.security.KeyPair ca = Pkcs12KeyStore.generate(CoseAlgorithm.ES256);
        X509Certificate caCert = Certificates.selfSigned(ca, "test-ca", CoseAlgorithm.ES256, null, java.time.Duration.ofDays(1));
        X509Certificate leaf = issued(ca, caCert, key.publicKey());
        Pkcs11DeviceKey installed = Pkcs11DeviceKey.installChain(cfg, "4321".toCharArray(), List.of(leaf, caCert));
        assertThat(installed.certificateChain()).containsExactly(leaf, caCert);
        assertThat(Pkcs11DeviceKey.open(cfg, "4321".toCharArray()).certificateChain()).containsExactly(leaf, caCert);
        assertThat(CoseSign1.verify(CoseSign1.sign(installed, new byte[] {1}), leaf.getPublicKey(), installed.keyId()))
                .containsExactly(1);

        // a chain for another key is refused and leaves the token as it was
        X509Certificate foreign = issued(ca, caCert, Pkcs12KeyStore.generate(CoseAlgorithm.ES256).getPublic());
        assertThatThrownBy(() -> Pkcs11DeviceKey.installChain(cfg, "4321".toCharArray(), List.of(foreign, caCert)))
                .isInstanceOf(SigningException.class).hasMessageContaining("does not match");
        assertThat(Pkcs11DeviceKey.open(cfg, "4321".toCharArray()).certificateChain().get(0)).isEqualTo(leaf);
    }

    private static X509Certificate issued(java.security.KeyPair ca, X509Certificate caCert, java.security.PublicKey subject)
            throws Exception {
        java.time.Instant now = java.time.Instant.now();
        org.bouncycastle.cert.X509v3CertificateBuilder b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                caCert, java.math.BigInteger.valueOf(now.toEpochMilli()), java.util.Date.from(now.minusSeconds(60)),
                java.util.Date.from(now.plusSeconds(3600)), Certificates.deviceName("gw-hsm-2"), subject);
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
    }
}
