package io.certigate.provisioning.testing;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.EcdsaSignatures;
import io.certigate.signing.KeyIds;
import io.certigate.signing.SigningException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;

/**
 * A real key pair held in the test's memory (JDK providers), for tests about certificates rather
 * than key stores: PKCS#12 files cost seconds each on a loaded build machine.
 */
public final class MemoryKey implements DeviceKey {
    private final CoseAlgorithm alg;
    private final KeyPair pair;
    private volatile List<X509Certificate> chain = List.of();

    public MemoryKey(CoseAlgorithm alg) throws GeneralSecurityException {
        this.alg = alg;
        if (alg == CoseAlgorithm.EDDSA) {
            this.pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } else {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            this.pair = g.generateKeyPair();
        }
    }

    public MemoryKey withChain(List<X509Certificate> c) {
        this.chain = List.copyOf(c);
        return this;
    }

    @Override
    public CoseAlgorithm algorithm() {
        return alg;
    }

    @Override
    public byte[] keyId() {
        return KeyIds.of(pair.getPublic());
    }

    @Override
    public PublicKey publicKey() {
        return pair.getPublic();
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    @Override
    public byte[] sign(byte[] message) throws SigningException {
        try {
            Signature s = Signature.getInstance(alg == CoseAlgorithm.EDDSA ? "Ed25519" : "SHA256withECDSA");
            s.initSign(pair.getPrivate());
            s.update(message);
            byte[] sig = s.sign();
            return alg == CoseAlgorithm.EDDSA ? sig : EcdsaSignatures.derToRaw(sig, 32);
        } catch (GeneralSecurityException e) {
            throw new SigningException("test key: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "in-memory test " + alg + " key";
    }
}
