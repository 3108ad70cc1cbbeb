package io.certigate.signing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Published test keys, so that fuzz seeds and edge-case signatures are reproducible: the Ed25519
 * key of RFC 8032 §7.1 test 1 and the P-256 key "11" of RFC 9052 Appendix C.7.1.
 */
final class KnownKeys {
    private static final HexFormat HEX = HexFormat.of();
    private static final String P256_X = "bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff";
    private static final String P256_Y = "20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e";
    private static final String P256_D = "57c92077664146e876760c9520d054aa93c3afb04e306705db6090308507b4d3";
    private static final String ED25519_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    private KnownKeys() {}

    static PublicKey ed25519() {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(
                    new X509EncodedKeySpec(HEX.parseHex("302a300506032b6570032100" + ED25519_PUBLIC)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PublicKey p256() {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                    new ECPoint(new BigInteger(P256_X, 16), new BigInteger(P256_Y, 16)), p256Params()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey p256Private() {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(P256_D, 16), p256Params()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECParameterSpec p256Params() throws GeneralSecurityException {
        java.security.AlgorithmParameters ap = java.security.AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        return ap.getParameterSpec(ECParameterSpec.class);
    }
}
