package io.certigate.app.anchor;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.KeyIds;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * A simulated device's Ed25519 key held in memory, signing with Bouncy Castle's engine as a gateway's
 * {@code SoftwareDeviceKey} does, without a PKCS#12 file: the fleet anchoring bench needs 10,000 of
 * them, and a key store costs two PBKDF2 runs each. No certificate: the bench trusts the public key
 * directly, through the aggregator's keys function.
 */
final class MemoryEd25519Key implements DeviceKey {
    private final PublicKey publicKey;
    private final AsymmetricKeyParameter privateParams;
    private final byte[] keyId;

    private MemoryEd25519Key(KeyPair pair) throws IOException {
        this.publicKey = pair.getPublic();
        this.privateParams = PrivateKeyFactory.createKey(pair.getPrivate().getEncoded());
        this.keyId = KeyIds.of(publicKey);
    }

    /** A new key pair from {@code generator} (an {@code Ed25519} {@link KeyPairGenerator}). */
    static MemoryEd25519Key generate(KeyPairGenerator generator) throws IOException {
        return new MemoryEd25519Key(generator.generateKeyPair());
    }

    static KeyPairGenerator generator() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519");
    }

    @Override
    public CoseAlgorithm algorithm() {
        return CoseAlgorithm.EDDSA;
    }

    @Override
    public byte[] keyId() {
        return keyId.clone();
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return List.of();
    }

    @Override
    public byte[] sign(byte[] message) throws SigningException {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, privateParams);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    @Override
    public String describe() {
        return "simulated Ed25519 key " + java.util.HexFormat.of().formatHex(keyId) + " held in memory";
    }
}
