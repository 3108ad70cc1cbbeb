package io.certigate.signing;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * A device key held in this process (loaded from a PKCS#12 file), signing with Bouncy Castle's
 * low-level engines: much faster than the JDK's providers on small gateways. ES256 signatures use
 * deterministic nonces (RFC 6979), so a weak random source on the device cannot leak the key.
 */
public final class SoftwareDeviceKey implements DeviceKey {
    private final CoseAlgorithm algorithm;
    private final CipherParameters privateParams;
    private final PublicKey publicKey;
    private final List<X509Certificate> chain;
    private final byte[] keyId;
    private final String origin;

    SoftwareDeviceKey(PrivateKey privateKey, List<X509Certificate> chain, String origin) throws SigningException {
        this.publicKey = chain.get(0).getPublicKey();
        this.algorithm = CoseAlgorithm.of(publicKey);
        this.chain = List.copyOf(chain);
        this.keyId = KeyIds.of(publicKey);
        this.origin = origin;
        try {
            this.privateParams = PrivateKeyFactory.createKey(privateKey.getEncoded());
        } catch (IOException e) {
            throw new SigningException("cannot use the private key of " + origin + ": " + e.getMessage(), e);
        }
        if (algorithm == CoseAlgorithm.EDDSA && !(privateParams instanceof Ed25519PrivateKeyParameters)
                || algorithm == CoseAlgorithm.ES256 && !(privateParams instanceof ECPrivateKeyParameters)) {
            throw new SigningException("private key of " + origin + " does not match its certificate's algorithm");
        }
    }

    @Override
    public CoseAlgorithm algorithm() {
        return algorithm;
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
        return chain;
    }

    @Override
    public byte[] sign(byte[] message) {
        if (algorithm == CoseAlgorithm.EDDSA) {
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, privateParams);
            s.update(message, 0, message.length);
            return s.generateSignature();
        }
        SHA256Digest d = new SHA256Digest();
        d.update(message, 0, message.length);
        byte[] hash = new byte[32];
        d.doFinal(hash, 0);
        ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        s.init(true, privateParams);
        BigInteger[] rs = s.generateSignature(hash);
        return EcdsaSignatures.rawFromComponents(rs[0], rs[1], 32);
    }

    @Override
    public String describe() {
        return algorithm + " software key " + java.util.HexFormat.of().formatHex(keyId) + " from " + origin;
    }
}
