package io.certigate.signing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Verifies a COSE signature over a message. Two independent implementations exist so that records
 * signed by one are checked by the other: Bouncy Castle's low-level engines ({@link #BOUNCY_CASTLE},
 * the one every production path uses) and the JDK's own provider SunEC ({@link #JDK}, kept as a
 * cross-check).
 *
 * <p>Both are strict in the same way, before any engine or provider sees the signature
 * ({@link #checkSignature}): an ES256 signature is exactly 64 bytes, r‖s with r and s in [1, n−1]
 * (RFC 9053 §2.1), and an Ed25519 signature exactly 64 bytes (RFC 8032 §5.1.6); anything else is a
 * {@link CoseException}, not a {@code false}. This matters because the engines differ when left to
 * themselves (Java 17, Bouncy Castle 1.87; see {@code SignatureVerifierTest}):
 * <ul>
 *   <li>SunEC's {@code SHA256withECDSAinP1363Format} accepts r‖s shorter than 64 bytes (each half
 *       without its leading zero bytes); Bouncy Castle's {@code ECDSASigner} takes r and s as
 *       numbers, so splitting any even-length input into halves accepts 0x00‖r‖0x00‖s (66 bytes);
 *   <li>SunEC's {@code Ed25519} accepts a valid signature followed by trailing bytes;
 *   <li>SunEC refuses a valid ECDSA signature whose point R has x(R) ≥ n (then r = x(R) − n),
 *       which verification as FIPS 186-5 §6.4.2 defines it (x(R) mod n = r) accepts, and so does
 *       Bouncy Castle.
 *       Such signatures are rare (about 2^−128 of honest ones) but can be made on purpose; the
 *       production verifier is therefore {@link #BOUNCY_CASTLE}.
 * </ul>
 */
public interface SignatureVerifier {

    /** P-256 group order n. */
    BigInteger P256_N = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    boolean verify(CoseAlgorithm alg, PublicKey key, byte[] message, byte[] signature) throws CoseException;

    /** A verifier of one key's signatures; may be used from several threads at once. */
    @FunctionalInterface
    interface KeyVerifier {
        boolean verify(CoseAlgorithm alg, byte[] message, byte[] signature) throws CoseException;
    }

    /**
     * This verifier bound to {@code key}, for checking many signatures by the same key: the same
     * result as {@link #verify} for each, an implementation may prepare the key once.
     */
    default KeyVerifier forKey(PublicKey key) {
        return (alg, message, signature) -> verify(alg, key, message, signature);
    }

    /** Signature length for both algorithms: ES256 r‖s of 32 bytes each, Ed25519 R‖S. */
    int SIGNATURE_BYTES = 64;

    /**
     * The checks made before any engine or provider is called: exactly {@value #SIGNATURE_BYTES}
     * bytes, and for ES256 r and s in [1, n−1].
     */
    static void checkSignature(CoseAlgorithm alg, byte[] signature) throws CoseException {
        if (alg == null) {
            throw new CoseException("no signature algorithm given");
        }
        if (signature == null || signature.length != SIGNATURE_BYTES) {
            throw new CoseException(alg + " signature has " + (signature == null ? "no" : signature.length)
                    + " bytes, expected exactly " + SIGNATURE_BYTES
                    + (alg == CoseAlgorithm.ES256 ? " (r and s of 32 bytes each)" : ""));
        }
        if (alg == CoseAlgorithm.ES256) {
            checkEcdsaRange(signature);
        }
    }

    /** Refuses a 64-byte r‖s whose r or s is outside [1, n−1] of P-256. */
    static void checkEcdsaRange(byte[] raw) throws CoseException {
        if (raw == null || raw.length != SIGNATURE_BYTES) {
            throw new CoseException("ECDSA signature has " + (raw == null ? "no" : raw.length) + " bytes, expected exactly "
                    + SIGNATURE_BYTES);
        }
        BigInteger r = EcdsaSignatures.r(raw);
        BigInteger s = EcdsaSignatures.s(raw);
        if (r.signum() <= 0 || r.compareTo(P256_N) >= 0 || s.signum() <= 0 || s.compareTo(P256_N) >= 0) {
            throw new CoseException("ECDSA signature component r or s is out of range [1, n-1]");
        }
    }

    /**
     * Bouncy Castle's low-level engines; {@link #forKey} parses the key once (for Ed25519 that
     * includes decoding its point) for checking many signatures by it.
     */
    SignatureVerifier BOUNCY_CASTLE = new BouncyCastleVerifier();

    SignatureVerifier JDK = (alg, key, message, signature) -> {
        checkSignature(alg, signature);
        try {
            PublicKey jdkKey = java.security.KeyFactory.getInstance(alg == CoseAlgorithm.EDDSA ? "Ed25519" : "EC", "SunEC")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(key.getEncoded()));
            Signature s;
            if (alg == CoseAlgorithm.EDDSA) {
                s = Signature.getInstance("Ed25519", "SunEC");
            } else {
                if (!(jdkKey instanceof java.security.interfaces.ECPublicKey ec) || !ec.getParams().getOrder().equals(P256_N)) {
                    throw new CoseException("public key is not a P-256 key");
                }
                s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
            }
            s.initVerify(jdkKey);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new CoseException("JDK verification failed: " + e.getMessage(), e);
        }
    };
}
