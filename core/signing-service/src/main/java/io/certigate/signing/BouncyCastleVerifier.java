package io.certigate.signing;

import java.security.PublicKey;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/** {@link SignatureVerifier#BOUNCY_CASTLE}: Bouncy Castle's low-level Ed25519 and ECDSA engines. */
final class BouncyCastleVerifier implements SignatureVerifier {
    @Override
    public boolean verify(CoseAlgorithm alg, PublicKey key, byte[] message, byte[] signature) throws CoseException {
        SignatureVerifier.checkSignature(alg, signature);
        return verify(alg, parse(key), message, signature);
    }

    @Override
    public KeyVerifier forKey(PublicKey key) {
        AsymmetricKeyParameter params;
        try {
            params = parse(key);
        } catch (CoseException e) {
            // an unusable key fails every signature the same way, when one is checked
            return (alg, message, signature) -> {
                SignatureVerifier.checkSignature(alg, signature);
                throw e;
            };
        }
        return (alg, message, signature) -> {
            SignatureVerifier.checkSignature(alg, signature);
            return verify(alg, params, message, signature);
        };
    }

    private static AsymmetricKeyParameter parse(PublicKey key) throws CoseException {
        try {
            return PublicKeyFactory.createKey(key.getEncoded());
        } catch (java.io.IOException | RuntimeException e) {
            throw new CoseException("unusable public key: " + e.getMessage(), e);
        }
    }

    /** Verifies with parsed key parameters (immutable: safe to share between threads). */
    private static boolean verify(CoseAlgorithm alg, AsymmetricKeyParameter params, byte[] message, byte[] signature)
            throws CoseException {
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
        SHA256Digest d = new SHA256Digest();
        d.update(message, 0, message.length);
        byte[] hash = new byte[32];
        d.doFinal(hash, 0);
        ECDSASigner v = new ECDSASigner();
        v.init(false, params);
        return v.verifySignature(hash, EcdsaSignatures.r(signature), EcdsaSignatures.s(signature));
    }
}
