package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("unit")
class CoseSign1Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PAYLOAD = new CborWriter().mapHeader(1).text("t").integer(42).toByteArray();

    @TempDir
    Path dir;

    private SoftwareDeviceKey key(CoseAlgorithm alg) throws SigningException {
        return Pkcs12KeyStore.create(dir.resolve(alg + ".p12"), alg, "gw-test", "pass-word".toCharArray());
    }

    @Test
    void sigStructureMatchesRfc9052Sign1Example() {
        // RFC 9052 Appendix C.2.1: protected {1: -7}, payload "This is the content."
        byte[] tbs = CoseSign1.sigStructure(HEX.parseHex("a10126"),
                "This is the content.".getBytes(StandardCharsets.US_ASCII));
        assertThat(HEX.formatHex(tbs)).isEqualTo(
                "846a5369676e61747572653143a101264054546869732069732074686520636f6e74656e742e");
    }

    @Test
    void verifiesTheRfc9052Sign1ExampleSignature() throws Exception {
        // RFC 9052 Appendix C.2.1 signature, key "11" of Appendix C.7.1 (P-256)
        BigInteger x = new BigInteger("bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff", 16);
        BigInteger y = new BigInteger("20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e", 16);
        java.security.AlgorithmParameters ap = java.security.AlgorithmParameters.getInstance("EC");
        ap.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
        PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y),
                ap.getParameterSpec(java.security.spec.ECParameterSpec.class)));
        byte[] tbs = CoseSign1.sigStructure(HEX.parseHex("a10126"),
                "This is the content.".getBytes(StandardCharsets.US_ASCII));
        byte[] sig = HEX.parseHex("8eb33e4ca31d1c465ab05aac34cc6b23d58fef5c083106c4d25a91aef0b0117e"
                + "2af9a291aa32e14ab834dc56ed2a223444547e01f11d3b0916e5a4c345cacb36");
        assertThat(SignatureVerifier.BOUNCY_CASTLE.verify(CoseAlgorithm.ES256, pub, tbs, sig)).isTrue();
        assertThat(SignatureVerifier.JDK.verify(CoseAlgorithm.ES256, pub, tbs, sig)).isTrue();
    }

    @Test
    void ed25519MatchesRfc8032TestVector1() throws Exception {
        var priv = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(
                HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertThat(HEX.formatHex(priv.generatePublicKey().getEncoded()))
                .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        var signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
        signer.init(true, priv);
        assertThat(HEX.formatHex(signer.generateSignature())).isEqualTo(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void roundTripAndCrossImplementation(CoseAlgorithm alg) throws Exception {
        SoftwareDeviceKey k = key(alg);
        byte[] cose = CoseSign1.sign(k, PAYLOAD);
        // signed by Bouncy Castle's low-level engine, verified by the JDK's SunEC and by BC
        assertThat(CoseSign1.verify(cose, k.publicKey(), k.keyId(), SignatureVerifier.JDK)).isEqualTo(PAYLOAD);
        assertThat(CoseSign1.verify(cose, k.publicKey(), k.keyId(), SignatureVerifier.BOUNCY_CASTLE)).isEqualTo(PAYLOAD);
        CoseSign1.Parsed p = CoseSign1.parse(cose);
        assertThat(p.algorithm()).isEqualTo(alg);
        assertThat(p.keyId()).isEqualTo(k.keyId());
        assertThat(HEX.formatHex(p.protectedHeader()))
                .isEqualTo("a2012" + (alg == CoseAlgorithm.EDDSA ? "7" : "6") + "0448" + HEX.formatHex(k.keyId()));
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void jdkSignedRecordVerifiesWithBouncyCastle(CoseAlgorithm alg) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance(alg == CoseAlgorithm.EDDSA ? "Ed25519" : "EC");
        if (alg == CoseAlgorithm.ES256) {
            g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        }
        java.security.KeyPair pair = g.generateKeyPair();
        byte[] kid = KeyIds.of(pair.getPublic());
        byte[] prot = new CborWriter().mapHeader(2).integer(1).integer(alg.coseId()).integer(4).bytes(kid).toByteArray();
        Signature s = Signature.getInstance(alg == CoseAlgorithm.EDDSA ? "Ed25519" : "SHA256withECDSAinP1363Format");
        s.initSign(pair.getPrivate());
        s.update(CoseSign1.sigStructure(prot, PAYLOAD));
        byte[] cose = new CborWriter().tag(18).arrayHeader(4).bytes(prot).mapHeader(0).bytes(PAYLOAD)
                .bytes(s.sign()).toByteArray();
        assertThat(CoseSign1.verify(cose, pair.getPublic(), kid, SignatureVerifier.BOUNCY_CASTLE)).isEqualTo(PAYLOAD);
    }

    @Test
    void refusesWrongAlgorithmForKey() throws Exception {
        SoftwareDeviceKey ed = key(CoseAlgorithm.EDDSA);
        SoftwareDeviceKey ec = key(CoseAlgorithm.ES256);
        byte[] cose = CoseSign1.sign(ed, PAYLOAD);
        assertThatThrownBy(() -> CoseSign1.verify(cose, ec.publicKey(), null))
                .isInstanceOf(CoseException.class).hasMessageContaining("does not match");
    }

    @Test
    void refusesWrongKidTamperingTrailingBytesAndNonCanonicalEncoding() throws Exception {
        SoftwareDeviceKey k = key(CoseAlgorithm.EDDSA);
        byte[] cose = CoseSign1.sign(k, PAYLOAD);
        assertThatThrownBy(() -> CoseSign1.verify(cose, k.publicKey(), new byte[8]))
                .isInstanceOf(CoseException.class).hasMessageContaining("kid");

        byte[] trailing = java.util.Arrays.copyOf(cose, cose.length + 1);
        assertThatThrownBy(() -> CoseSign1.verify(trailing, k.publicKey(), k.keyId()))
                .isInstanceOf(CoseException.class).hasMessageContaining("trailing");

        byte[] tampered = cose.clone();
        int at = indexOf(tampered, PAYLOAD) + PAYLOAD.length - 1;
        tampered[at] ^= 1;
        assertThatThrownBy(() -> CoseSign1.verify(tampered, k.publicKey(), k.keyId()))
                .isInstanceOf(CoseException.class).hasMessageContaining("does not verify");

        // the same record with the array length in a non-shortest two-byte form
        byte[] nonCanonical = new byte[cose.length + 1];
        nonCanonical[0] = cose[0];
        nonCanonical[1] = (byte) 0x98;
        nonCanonical[2] = 4;
        System.arraycopy(cose, 2, nonCanonical, 3, cose.length - 2);
        assertThatThrownBy(() -> CoseSign1.verify(nonCanonical, k.publicKey(), k.keyId()))
                .isInstanceOf(CoseException.class).hasMessageContaining("deterministic");

        assertThatThrownBy(() -> CoseSign1.verify(java.util.Arrays.copyOf(cose, cose.length - 3), k.publicKey(), k.keyId()))
                .isInstanceOf(CoseException.class).hasMessageContaining("exceeds the input");
    }

    @Test
    void refusesEcdsaComponentsOutOfRange() throws Exception {
        SoftwareDeviceKey k = key(CoseAlgorithm.ES256);
        byte[] prot = CoseSign1.protectedHeader(k);
        byte[] good = k.sign(CoseSign1.sigStructure(prot, PAYLOAD));
        for (byte[] bad : new byte[][] {
            concat(new byte[32], java.util.Arrays.copyOfRange(good, 32, 64)), // r = 0
            concat(fixed(SignatureVerifier.P256_N), java.util.Arrays.copyOfRange(good, 32, 64)), // r = n
            concat(java.util.Arrays.copyOf(good, 32), fixed(SignatureVerifier.P256_N)), // s = n
            concat(java.util.Arrays.copyOf(good, 32), new byte[32]), // s = 0
        }) {
            byte[] cose = new CborWriter().tag(18).arrayHeader(4).bytes(prot).mapHeader(0).bytes(PAYLOAD).bytes(bad).toByteArray();
            for (SignatureVerifier v : new SignatureVerifier[] {SignatureVerifier.BOUNCY_CASTLE, SignatureVerifier.JDK}) {
                assertThatThrownBy(() -> CoseSign1.verify(cose, k.publicKey(), k.keyId(), v))
                        .isInstanceOf(CoseException.class).hasMessageContaining("out of range");
            }
        }
    }

    @Test
    void refusesUnprotectedHeadersAndOtherStructures() throws Exception {
        SoftwareDeviceKey k = key(CoseAlgorithm.EDDSA);
        byte[] prot = CoseSign1.protectedHeader(k);
        byte[] sig = k.sign(CoseSign1.sigStructure(prot, PAYLOAD));
        byte[] withUnprotected = new CborWriter().tag(18).arrayHeader(4).bytes(prot).mapHeader(1).integer(1).integer(-7)
                .bytes(PAYLOAD).bytes(sig).toByteArray();
        assertThatThrownBy(() -> CoseSign1.parse(withUnprotected)).hasMessageContaining("unprotected");
        byte[] untagged = new CborWriter().arrayHeader(4).bytes(prot).mapHeader(0).bytes(PAYLOAD).bytes(sig).toByteArray();
        assertThatThrownBy(() -> CoseSign1.parse(untagged)).hasMessageContaining("tag 18");
        byte[] detached = new CborWriter().tag(18).arrayHeader(4).bytes(prot).mapHeader(0).nul().bytes(sig).toByteArray();
        assertThatThrownBy(() -> CoseSign1.parse(detached)).hasMessageContaining("payload");
        byte[] unknownAlg = new CborWriter().mapHeader(2).integer(1).integer(-35).integer(4).bytes(k.keyId()).toByteArray();
        byte[] es384 = new CborWriter().tag(18).arrayHeader(4).bytes(unknownAlg).mapHeader(0).bytes(PAYLOAD).bytes(sig).toByteArray();
        assertThatThrownBy(() -> CoseSign1.parse(es384)).hasMessageContaining("-35");
        // alg 2^64 - 7 (1b fffffffffffffff9): its low 64 bits read as a long are -7, yet it is not ES256
        byte[] hugeAlg = HEX.parseHex("a2011bfffffffffffffff90448" + HEX.formatHex(k.keyId()));
        byte[] huge = new CborWriter().tag(18).arrayHeader(4).bytes(hugeAlg).mapHeader(0).bytes(PAYLOAD).bytes(sig).toByteArray();
        assertThatThrownBy(() -> CoseSign1.parse(huge)).isInstanceOf(CoseException.class)
                .hasMessageContaining("unsupported COSE algorithm 18446744073709551609");
    }

    private static byte[] fixed(BigInteger v) {
        return java.util.Arrays.copyOf(EcdsaSignatures.rawFromComponents(v, BigInteger.ONE, 32), 32);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
