package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Edge cases of signature verification at the {@link SignatureVerifier} API, for both
 * implementations: wrong lengths, r or s of zero or n, re-encodings with leading zero bytes removed
 * or added, trailing bytes. Where SunEC alone would behave differently the test shows it by calling
 * the provider directly, so the difference the verifiers guard against is on record.
 *
 * <p>Keys: the Ed25519 key and signature of RFC 8032 §7.1 test 1 and the P-256 key of RFC 9052
 * Appendix C.7.1 ({@link KnownKeys}). For the ECDSA corner cases a public key is derived for a
 * chosen (r, s): with s and R fixed, Q = r⁻¹(s·R − e·G) makes (r, s) valid for the message (any
 * ECDSA verifier accepts it; nobody knows the private key).
 */
@Tag("unit")
class SignatureVerifierTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MESSAGE = "certigate".getBytes(StandardCharsets.US_ASCII);
    private static final SignatureVerifier[] BOTH = {SignatureVerifier.BOUNCY_CASTLE, SignatureVerifier.JDK};
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final BigInteger N = SignatureVerifier.P256_N;
    /** RFC 8032 §7.1 test 1: the signature of the empty message. */
    private static final byte[] RFC8032_SIG = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e0652249015"
            + "55fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 32, 62, 63, 65, 66, 70, 72, 128})
    void refusesEveryLengthButSixtyFourBeforeAnyProviderIsCalled(int length) {
        byte[] sig = new byte[length];
        Arrays.fill(sig, (byte) 0x11);
        for (SignatureVerifier v : BOTH) {
            assertThatThrownBy(() -> v.verify(CoseAlgorithm.ES256, KnownKeys.p256(), MESSAGE, sig))
                    .isInstanceOf(CoseException.class).hasMessage("ES256 signature has " + length
                            + " bytes, expected exactly 64 (r and s of 32 bytes each)");
            assertThatThrownBy(() -> v.verify(CoseAlgorithm.EDDSA, KnownKeys.ed25519(), new byte[0], sig))
                    .isInstanceOf(CoseException.class).hasMessage("EDDSA signature has " + length
                            + " bytes, expected exactly 64");
        }
    }

    @Test
    void aValidSignatureVerifiesWithBoth() throws Exception {
        byte[] es256 = p1363(MESSAGE);
        for (SignatureVerifier v : BOTH) {
            assertThat(v.verify(CoseAlgorithm.ES256, KnownKeys.p256(), MESSAGE, es256)).isTrue();
            assertThat(v.verify(CoseAlgorithm.EDDSA, KnownKeys.ed25519(), new byte[0], RFC8032_SIG)).isTrue();
            byte[] other = MESSAGE.clone();
            other[0] ^= 1;
            assertThat(v.verify(CoseAlgorithm.ES256, KnownKeys.p256(), other, es256)).isFalse();
            assertThat(v.verify(CoseAlgorithm.EDDSA, KnownKeys.ed25519(), other, RFC8032_SIG)).isFalse();
        }
    }

    @Test
    void aVerifierBoundToAKeyGivesTheSameAnswers() throws Exception {
        byte[] es256 = p1363(MESSAGE);
        byte[] other = MESSAGE.clone();
        other[0] ^= 1;
        for (SignatureVerifier v : BOTH) {
            SignatureVerifier.KeyVerifier p256 = v.forKey(KnownKeys.p256());
            SignatureVerifier.KeyVerifier ed = v.forKey(KnownKeys.ed25519());
            assertThat(p256.verify(CoseAlgorithm.ES256, MESSAGE, es256)).isTrue();
            assertThat(ed.verify(CoseAlgorithm.EDDSA, new byte[0], RFC8032_SIG)).isTrue();
            assertThat(p256.verify(CoseAlgorithm.ES256, other, es256)).isFalse();
            assertThat(ed.verify(CoseAlgorithm.EDDSA, other, RFC8032_SIG)).isFalse();
            assertThatThrownBy(() -> ed.verify(CoseAlgorithm.EDDSA, MESSAGE, new byte[63])).isInstanceOf(CoseException.class)
                    .hasMessage("EDDSA signature has 63 bytes, expected exactly 64");
            assertThatThrownBy(() -> ed.verify(CoseAlgorithm.ES256, MESSAGE, es256)).isInstanceOf(CoseException.class);
        }
    }

    @Test
    void refusesZeroAndNForROrS() throws Exception {
        byte[] good = p1363(MESSAGE);
        byte[] n = fixed32(N);
        byte[][] bad = {
            concat(new byte[32], slice(good, 32, 64)), // r = 0
            concat(slice(good, 0, 32), new byte[32]), // s = 0
            concat(n, slice(good, 32, 64)), // r = n
            concat(slice(good, 0, 32), n), // s = n
            concat(fixed32(N.add(BigInteger.ONE)), slice(good, 32, 64)), // r = n + 1, r mod n = 1
            new byte[64], // both zero
        };
        for (byte[] sig : bad) {
            for (SignatureVerifier v : BOTH) {
                assertThatThrownBy(() -> v.verify(CoseAlgorithm.ES256, KnownKeys.p256(), MESSAGE, sig))
                        .isInstanceOf(CoseException.class).hasMessageContaining("out of range [1, n-1]");
            }
        }
    }

    @Test
    void refusesAValidEcdsaSignatureWithALeadingZeroByteAddedToEachHalf() throws Exception {
        byte[] good = p1363(MESSAGE);
        // 0x00‖r‖0x00‖s: the same r and s, had the halves been read as unsigned numbers
        byte[] padded = concat(concat(new byte[1], slice(good, 0, 32)), concat(new byte[1], slice(good, 32, 64)));
        for (SignatureVerifier v : BOTH) {
            assertThatThrownBy(() -> v.verify(CoseAlgorithm.ES256, KnownKeys.p256(), MESSAGE, padded))
                    .isInstanceOf(CoseException.class).hasMessageContaining("has 66 bytes");
        }
    }

    @Test
    void refusesAValidEcdsaSignatureWithTheLeadingZeroBytesOfRAndSRemovedThatSunEcAccepts() throws Exception {
        // r and s below 2^248: their 64-byte form starts each half with a zero byte
        Constructed c = constructed(MESSAGE, BigInteger.valueOf(7), x -> x.bitLength() <= 248);
        assertThat(c.signature[0]).isZero();
        assertThat(c.signature[32]).isZero();
        byte[] shortForm = concat(slice(c.signature, 1, 32), slice(c.signature, 33, 64));
        assertThat(sunEc("SHA256withECDSAinP1363Format", c.key, MESSAGE, c.signature)).isTrue();
        assertThat(sunEc("SHA256withECDSAinP1363Format", c.key, MESSAGE, shortForm))
                .as("SunEC on Java 17 reads a 62-byte r‖s").isTrue();
        for (SignatureVerifier v : BOTH) {
            assertThat(v.verify(CoseAlgorithm.ES256, c.key, MESSAGE, c.signature)).isTrue();
            assertThatThrownBy(() -> v.verify(CoseAlgorithm.ES256, c.key, MESSAGE, shortForm))
                    .isInstanceOf(CoseException.class).hasMessageContaining("has 62 bytes");
        }
    }

    @Test
    void refusesEd25519SignaturesWithTrailingBytesThatSunEcAccepts() throws Exception {
        byte[] trailing = concat(RFC8032_SIG, new byte[] {0});
        assertThat(sunEc("Ed25519", KnownKeys.ed25519(), new byte[0], trailing))
                .as("SunEC on Java 17 ignores bytes after the 64th").isTrue();
        for (SignatureVerifier v : BOTH) {
            assertThatThrownBy(() -> v.verify(CoseAlgorithm.EDDSA, KnownKeys.ed25519(), new byte[0], trailing))
                    .isInstanceOf(CoseException.class).hasMessage("EDDSA signature has 65 bytes, expected exactly 64");
            assertThatThrownBy(() -> v.verify(CoseAlgorithm.EDDSA, KnownKeys.ed25519(), new byte[0],
                    slice(RFC8032_SIG, 0, 63))).isInstanceOf(CoseException.class).hasMessageContaining("has 63 bytes");
        }
    }

    @Test
    void aValidSignatureWithXOfRAtLeastNVerifiesWithBouncyCastleOnlySunEcRefusesIt() throws Exception {
        Constructed c = constructed(MESSAGE, BigInteger.ONE, null);
        assertThat(c.r).isLessThan(BigInteger.ONE.shiftLeft(129));
        assertThat(SignatureVerifier.BOUNCY_CASTLE.verify(CoseAlgorithm.ES256, c.key, MESSAGE, c.signature)).isTrue();
        assertThat(SignatureVerifier.JDK.verify(CoseAlgorithm.ES256, c.key, MESSAGE, c.signature))
                .as("SunEC on Java 17 refuses it").isFalse();
        // the production path (CoseSign1.verify without a verifier) is Bouncy Castle's
        assertThat(SignatureVerifier.BOUNCY_CASTLE.verify(CoseAlgorithm.ES256, KnownKeys.p256(), MESSAGE, p1363(MESSAGE))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void refusesAKeyOfTheOtherAlgorithmOrCurve(CoseAlgorithm alg) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        PublicKey wrong = alg == CoseAlgorithm.ES256 ? g.generateKeyPair().getPublic() : KnownKeys.p256();
        for (SignatureVerifier v : BOTH) {
            assertThatThrownBy(() -> v.verify(alg, wrong, MESSAGE, p1363(MESSAGE))).isInstanceOf(CoseException.class);
        }
    }

    private record Constructed(PublicKey key, BigInteger r, byte[] signature) {}

    /**
     * A key for which (r, s) is a valid ES256 signature of {@code message}. R is the first point with
     * x ≥ n when {@code rFilter} is null (then r = x(R) − n), else the first k·G whose x passes it.
     */
    private static Constructed constructed(byte[] message, BigInteger s, java.util.function.Predicate<BigInteger> rFilter)
            throws Exception {
        ECCurve curve = P256.getCurve();
        org.bouncycastle.math.ec.ECPoint rPoint = null;
        if (rFilter == null) {
            for (BigInteger x = N; rPoint == null; x = x.add(BigInteger.ONE)) {
                ECFieldElement fx = curve.fromBigInteger(x);
                ECFieldElement y = fx.square().add(curve.getA()).multiply(fx).add(curve.getB()).sqrt();
                if (y != null) {
                    rPoint = curve.createPoint(x, y.toBigInteger());
                }
            }
        } else {
            for (BigInteger k = BigInteger.TWO; rPoint == null; k = k.add(BigInteger.ONE)) {
                org.bouncycastle.math.ec.ECPoint p = P256.getG().multiply(k).normalize();
                BigInteger x = p.getAffineXCoord().toBigInteger();
                if (x.compareTo(N) < 0 && rFilter.test(x)) {
                    rPoint = p;
                }
            }
        }
        BigInteger r = rPoint.normalize().getAffineXCoord().toBigInteger().mod(N);
        BigInteger e = new BigInteger(1, java.security.MessageDigest.getInstance("SHA-256").digest(message));
        org.bouncycastle.math.ec.ECPoint q = rPoint.multiply(s).subtract(P256.getG().multiply(e.mod(N)))
                .multiply(r.modInverse(N)).normalize();
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), KnownKeys.p256Params()));
        return new Constructed(key, r, EcdsaSignatures.rawFromComponents(r, s, 32));
    }

    private static boolean sunEc(String algorithm, PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature s = Signature.getInstance(algorithm, "SunEC");
        s.initVerify(key);
        s.update(message);
        return s.verify(signature);
    }

    private static byte[] p1363(byte[] message) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        s.initSign(KnownKeys.p256Private());
        s.update(message);
        return s.sign();
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
