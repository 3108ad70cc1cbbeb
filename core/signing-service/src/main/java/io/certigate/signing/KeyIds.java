package io.certigate.signing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;

/** Derives COSE key ids from public keys. */
public final class KeyIds {
    private KeyIds() {}

    /** First 8 bytes of SHA-256(SubjectPublicKeyInfo DER). */
    public static byte[] of(PublicKey key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Arrays.copyOf(h, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
