package io.certigate.signing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Verifies a COSE signature (64 bytes) over a message. Two independent implementations exist so
 * that records signed by one are checked by the other: Bouncy Castle's low-level engines and the
 * JDK's own providers (SunEC). Both refuse ECDSA r or s outside [1, n−1].
 */
public interface SignatureVerifier {

    /** P-256 group order n. */
    BigInteger P256_N = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    boolean verify(CoseAlgorithm alg, PublicKey key, byte[] message, byte[] signature) throws CoseException;

    static void checkEcdsaRange(byte[] raw) throws CoseException {
        BigInteger r = EcdsaSignatures.r(raw);
        BigInteger s = EcdsaSignatures.s(raw);
        if (r.signum() <= 0 || r.compareTo(P256_N) >= 0 || s.signum() <= 0 || s.compareTo(P256_N) >= 0) {
            throw new CoseException("ECDSA signature component r or s is out of range [1, n-1]");
        }
    }

    SignatureVerifier BOUNCY_CASTLE = (alg, key, message, signature) -> {
        AsymmetricKeyParameter params;
        try {
            params = PublicKeyFactory.createKey(key.getEncoded());
        } catch (java.io.IOException | RuntimeException e) {
            throw new CoseException("unusable public key: " + e.getMessage(), e);
        }
        if (alg == CoseAlgorithm.EDDSA) {
            if (!(params instanceof Ed25519PublicKeyParameters)) {
                throw new CoseException("public key is not Ed25519");
            }
            Ed25519Signer v = new Ed25519Signer();
            v.init(false, params);
            v.update(message, 0, message.length);
            return v.verifySignature(signature);
        }
        if (!(params instanceof ECPublicKeyParameters ec)
                || !ec.getParameters().getN().equals(P256_N)) {
            throw new CoseException("public key is not a P-256 key");
        }
        checkEcdsaRange(signature);
        SHA256Digest d = new SHA256Digest();
        d.update(message, 0, message.length);
        byte[] hash = new byte[32];
        d.doFinal(hash, 0);
        ECDSASigner v = new ECDSASigner();
        v.init(false, params);
        return v.verifySignature(hash, EcdsaSignatures.r(signature), EcdsaSignatures.s(signature));
    };

    SignatureVerifier JDK = (alg, key, message, signature) -> {
        try {
            PublicKey jdkKey = java.security.KeyFactory.getInstance(alg == CoseAlgorithm.EDDSA ? "Ed25519" : "EC", "SunEC")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(key.getEncoded()));
            Signature s;
            if (alg == CoseAlgorithm.EDDSA) {
                s = Signature.getInstance("Ed25519", "SunEC");
            } else {
                checkEcdsaRange(signature);
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
