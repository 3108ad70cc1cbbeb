package io.certigate.fleet.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A stored record's payload at rest: AES-256-GCM (NIST SP 800-38D) under the record's data key, a
 * random 96-bit nonce per record, the (device, seq) as associated data, so that a ciphertext moved to
 * another row does not open. Layout: {@code 0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16)}; the plaintext is
 * {@code subject length (4 bytes, big-endian, -1 for none) ‖ subject (UTF-8) ‖ COSE bytes}, so that
 * the subject is kept only inside the envelope.
 */
public final class RecordEnvelope {
    static final byte VERSION = 1;
    static final int NONCE = 12;
    static final int TAG_BITS = 128;
    private static final byte[] AAD_LABEL = "certigate-fleet-record-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this Java runtime", e);
        }
    });

    /** What an envelope holds. */
    public record Opened(String subject, byte[] cose) {}

    private RecordEnvelope() {}

    /** Seals {@code cose} (and {@code subject}, may be null) of (device, seq) under {@code key}. */
    public static byte[] seal(SecretKey key, String device, long seq, String subject, byte[] cose) {
        byte[] sub = subject == null ? null : subject.getBytes(StandardCharsets.UTF_8);
        int subLen = sub == null ? 0 : sub.length;
        ByteBuffer plain = ByteBuffer.allocate(4 + subLen + cose.length);
        plain.putInt(sub == null ? -1 : sub.length);
        if (sub != null) {
            plain.put(sub);
        }
        plain.put(cose);
        byte[] out = new byte[1 + NONCE + plain.capacity() + TAG_BITS / 8];
        out[0] = VERSION;
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 1, NONCE);
        try {
            Cipher c = GCM.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(device, seq));
            c.doFinal(plain.array(), 0, plain.capacity(), out, 1 + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e, e);
        }
        return out;
    }

    /**
     * Opens an envelope of (device, seq).
     *
     * @throws AEADBadTagException with another key, other associated data or changed bytes
     * @throws GeneralSecurityException when the bytes are not an envelope at all
     */
    public static Opened open(SecretKey key, String device, long seq, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < 1 + NONCE + TAG_BITS / 8 + 4 || sealed[0] != VERSION) {
            throw new GeneralSecurityException("not a record envelope of version " + VERSION);
        }
        Cipher c = GCM.get();
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE));
        c.updateAAD(aad(device, seq));
        byte[] plain = c.doFinal(sealed, 1 + NONCE, sealed.length - 1 - NONCE);
        ByteBuffer b = ByteBuffer.wrap(plain);
        int subLen = b.getInt();
        if (subLen < -1 || subLen > plain.length - 4) {
            throw new GeneralSecurityException("malformed record envelope");
        }
        String subject = subLen < 0 ? null : new String(plain, 4, subLen, StandardCharsets.UTF_8);
        int from = 4 + Math.max(subLen, 0);
        byte[] cose = new byte[plain.length - from];
        System.arraycopy(plain, from, cose, 0, cose.length);
        return new Opened(subject, cose);
    }

    /** {@code label ‖ seq (8 bytes) ‖ device (UTF-8)}: the label and the fixed-size seq keep it unambiguous. */
    static byte[] aad(String device, long seq) {
        byte[] d = device.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(AAD_LABEL.length + 8 + d.length).put(AAD_LABEL).putLong(seq).put(d).array();
    }
}
