package io.certigate.signing;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A device signing key whose private half stays inside its backend (a PKCS#12 file opened in this
 * process, or a PKCS#11 token). Implementations are safe for use by several threads.
 */
public interface DeviceKey {

    CoseAlgorithm algorithm();

    /** The COSE key identifier: the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo. */
    byte[] keyId();

    PublicKey publicKey();

    /** The certificate chain, leaf first: self-signed until the consortium CA issues one. */
    List<X509Certificate> certificateChain();

    /**
     * Signs {@code message} and returns the COSE signature: 64 bytes, Ed25519 or raw r‖s for ES256.
     */
    byte[] sign(byte[] message) throws SigningException;

    /** A short description for logs and errors, never containing secret material. */
    String describe();
}
