package io.certigate.verifier.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How a subject (a VIN, a meter's id) appears in the {@code ConsentRegistry}: SHA-256 of a
 * per-subject random salt followed by the subject id's UTF-8 bytes. The salt (32 random bytes) is
 * known to the subject's holder and to the fleet tier, never published: without it, nobody can
 * find a consent by trying the (few, guessable) VINs or meter ids, nor tie two registries'
 * entries for the same subject together.
 */
public final class SubjectHash {
    public static final int SALT_BYTES = 32;

    private SubjectHash() {}

    /** A fresh salt for a subject. */
    public static byte[] newSalt(SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return salt;
    }

    /** The subject's {@code bytes32} in the contract: SHA-256(salt ‖ UTF-8(subjectId)). */
    public static byte[] of(byte[] salt, String subjectId) {
        if (salt == null || salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("a subject salt is " + SALT_BYTES + " bytes, not "
                    + (salt == null ? "missing" : salt.length));
        }
        if (subjectId == null || subjectId.isBlank()) {
            throw new IllegalArgumentException("the subject id is empty");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(subjectId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static String hex(byte[] hash) {
        return "0x" + HexFormat.of().formatHex(hash);
    }
}
