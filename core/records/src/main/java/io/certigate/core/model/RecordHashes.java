package io.certigate.core.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two hashes of a signed record: the chain hash SHA-256(COSE bytes), carried as the next
 * record's {@code prev}, and the Merkle leaf hash SHA-256(0x00 ‖ COSE bytes) of RFC 9162 §2.1.1.
 */
public final class RecordHashes {
    private RecordHashes() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static byte[] chainHash(byte[] cose) {
        return sha256().digest(cose);
    }

    public static byte[] leafHash(byte[] cose) {
        MessageDigest d = sha256();
        d.update((byte) 0x00);
        return d.digest(cose);
    }
}
