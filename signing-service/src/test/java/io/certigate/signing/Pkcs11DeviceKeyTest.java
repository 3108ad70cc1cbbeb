package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
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

    @Test
    void refusesEd25519AndAWrongPin() throws Exception {
        Pkcs11DeviceKey.TokenConfig cfg = new Pkcs11DeviceKey.TokenConfig(SoftHsmToken.LIBRARY, token.slot, "other");
        assertThatThrownBy(() -> Pkcs11DeviceKey.generate(cfg, CoseAlgorithm.EDDSA, "gw", "4321".toCharArray()))
                .isInstanceOf(SigningException.class).hasMessageContaining("ES256 only");
        assertThatThrownBy(() -> Pkcs11DeviceKey.open(cfg, "9999".toCharArray()))
                .isInstanceOf(SigningException.class).hasMessageContaining("slot " + token.slot);
    }
}
