package io.certigate.fleet.store;

import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The store's keys (crypto-shredding). A 256-bit master key, read from a secret source
 * ({@code fleet.store.master-key-source}), never stored; from it, by HMAC-SHA256 with a label each:
 * <ul>
 *   <li>the wrapping key: each data key is stored wrapped (AES-256-GCM, random nonce, the key's owner
 *       tag as associated data) in {@code store_keys};</li>
 *   <li>the owner key: a subject's (or a device's) owner tag is HMAC-SHA256(owner key, "subject" or
 *       "device", 0x00, id), what the store indexes instead of the subject in clear;</li>
 *   <li>a check value kept in {@code store_master}, so that a wrong master key is refused at start.</li>
 * </ul>
 * Unwrapped data keys are cached in memory by key id; a key destroyed in the database is never used
 * from the cache, as every read and write looks the key's row up (see {@link FleetStore}, {@link StoreWriter}).
 */
public final class StoreKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CACHE_MAX = 100_000;

    private final SecretKey wrapKey;
    private final byte[] ownerKey;
    private final byte[] check;
    private final Map<Long, SecretKey> cache = new ConcurrentHashMap<>();
    /** One HMAC under the owner key per thread: getting a Mac from the providers costs more than the hash. */
    private final ThreadLocal<Mac> ownerMac = ThreadLocal.withInitial(this::newOwnerMac);

    private StoreKeys(byte[] master) {
        if (master.length != 32) {
            throw new IllegalArgumentException("the store's master key must be 32 bytes, not " + master.length);
        }
        this.wrapKey = new SecretKeySpec(hmac(master, "certigate fleet store: wrap"), "AES");
        this.ownerKey = hmac(master, "certigate fleet store: owner");
        this.check = hmac(master, "certigate fleet store: check");
    }

    /** Keys from a 32-byte master key. */
    public static StoreKeys of(byte[] master) {
        return new StoreKeys(master);
    }

    /**
     * Keys from the master key read from {@code source} ({@code file:PATH} or {@code env:NAME}) holding
     * 32 bytes as 64 hex digits or base64; errors name {@code setting}, never the key.
     */
    public static StoreKeys fromSource(String setting, String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException(setting + " is not set: the store keeps payloads encrypted under"
                    + " keys wrapped by a master key; give a file:PATH or env:NAME holding 32 random bytes"
                    + " (64 hex digits or base64), e.g. made with `openssl rand -hex 32`");
        }
        char[] text;
        try {
            text = Passphrase.resolve(setting, source);
        } catch (SigningException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try {
            return of(parse(new String(text).strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " = " + source + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(text, '\0');
        }
    }

    /** 64 hex digits or base64 of 32 bytes. */
    static byte[] parse(String s) {
        byte[] b = null;
        if (s.length() == 64 && s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            b = HexFormat.of().parseHex(s);
        } else {
            try {
                b = Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        if (b == null || b.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes written as 64 hex digits or base64");
        }
        return b;
    }

    /** A new random master key as 64 hex digits (what {@code fleet demo} writes for its instances). */
    public static String newMasterKeyHex() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The owner tag of a subject (the subject as stored text, see {@link StoreWriter#pgText}). */
    public byte[] subjectTag(String subject) {
        return tag("subject", StoreWriter.pgText(subject));
    }

    /** The owner tag of a device's records without a subject. */
    public byte[] deviceTag(String device) {
        return tag("device", StoreWriter.pgText(device));
    }

    private byte[] tag(String kind, String id) {
        Mac mac = ownerMac.get();
        mac.update(kind.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        return mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newOwnerMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ownerKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] checkValue() {
        return check.clone();
    }

    boolean matches(byte[] storedCheck) {
        return MessageDigest.isEqual(check, storedCheck);
    }

    /** A new random data key (AES-256). */
    public static SecretKey newDataKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new SecretKeySpec(b, "AES");
    }

    /**
     * {@code nonce (12) ‖ AES-256-GCM(wrapping key, data key, aad = owner tag)}. Public for the other
     * keys kept under the master key (the consumer API's copy keys), which pass an owner of their own
     * that no subject or device tag can equal.
     */
    public byte[] wrap(byte[] owner, SecretKey dataKey) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, wrapKey, new GCMParameterSpec(128, nonce));
            c.updateAAD(owner);
            byte[] ct = c.doFinal(dataKey.getEncoded());
            byte[] out = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(ct, 0, out, 12, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM key wrapping failed: " + e, e);
        }
    }

    /**
     * The data key of row {@code id} (cached once unwrapped).
     *
     * @throws IllegalStateException when it does not unwrap: another master key wrapped it
     */
    SecretKey dataKey(long id, byte[] owner, byte[] wrapped) {
        SecretKey k = cache.get(id);
        if (k != null) {
            return k;
        }
        try {
            k = unwrap(owner, wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("data key " + id + " of the fleet store does not unwrap with this"
                    + " master key (fleet.store.master-key-source): it is not the key the store was written with", e);
        }
        if (cache.size() >= CACHE_MAX) {
            cache.clear();
        }
        cache.put(id, k);
        return k;
    }

    /**
     * A key {@link #wrap wrapped} for {@code owner}, not cached.
     *
     * @throws GeneralSecurityException when it does not unwrap: another master key or another owner
     */
    public SecretKey unwrap(byte[] owner, byte[] wrapped) throws GeneralSecurityException {
        if (wrapped.length < 12 + 16) {
            throw new GeneralSecurityException("a wrapped key is longer than " + wrapped.length + " bytes");
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, wrapKey, new GCMParameterSpec(128, wrapped, 0, 12));
        c.updateAAD(owner);
        return new SecretKeySpec(c.doFinal(wrapped, 12, wrapped.length - 12), "AES");
    }

    /** Drops a key from the cache (it was destroyed). */
    void forget(long id) {
        cache.remove(id);
    }

    private static byte[] hmac(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "StoreKeys[master key not shown]";
    }
}
