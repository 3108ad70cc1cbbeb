package io.certigate.fleet.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.core.model.RecordHashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A sealed consumer copy ({@value #FORMAT}), what {@code GET /v1/subjects/<s>/records?format=sealed}
 * serves and {@code certigate consumer open} opens:
 * <pre>{
 *   "format": "certigate-sealed-copy/1",
 *   "keyId": hex, "consumer": 0x account, "purpose": code, "subjectHash": 0x hex (never the subject's id),
 *   "device": id, "block": the block it was served at, "kinds": [the kinds sealed in it],
 *   "export": a certigate-export/1 of the device's whole chain, EVERY record hash-only or erased,
 *   "sealed": [{"seq": n, "leafHash": base64url, "nonce": base64url (12 bytes), "ciphertext": base64url}]
 * }</pre>
 * The export alone verifies as a chain and holds no personal payload; each sealed entry is the
 * record's COSE bytes under AES-256-GCM with the copy key (a random 96-bit nonce, a 128-bit tag), the
 * associated data binding the key id, the device, the seq and the leaf hash
 * ({@link #aad}), so that a ciphertext moved to another record, device or copy does not open. Opening
 * ({@link #open}) decrypts each entry, checks that the COSE bytes hash to the leaf (and chain) hash the
 * export holds for that seq, and puts them in place: a normal export the verifier checks.
 */
public final class SealedCopy {
    public static final String FORMAT = "certigate-sealed-copy/1";
    private static final String EXPORT_FORMAT = "certigate-export/1";
    private static final byte[] AAD_LABEL = "certigate-sealed-copy-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who the copy was served to, for what, under which key. */
    public record Header(String keyId, String consumer, String purpose, byte[] subjectHash, String device, long block,
            List<String> kinds) {
        public Header {
            kinds = List.copyOf(kinds);
        }
    }

    /** One record's COSE bytes, sealed. */
    public record Sealed(long seq, byte[] leafHash, byte[] nonce, byte[] ciphertext) {}

    /** A copy as read from a file. */
    public record Copy(Header header, ObjectNode export, List<Sealed> sealed) {}

    private SealedCopy() {}

    /** Seals {@code cose} of (device, seq) under the copy key {@code keyId}. */
    public static Sealed seal(SecretKey key, String keyId, String device, long seq, byte[] leafHash, byte[] cose) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(keyId, device, seq, leafHash));
            return new Sealed(seq, leafHash.clone(), nonce, c.doFinal(cose));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e, e);
        }
    }

    /**
     * {@code label ‖ 0x00 ‖ key id ‖ 0x00 ‖ seq (8 bytes) ‖ leaf hash (32) ‖ device (UTF-8)}: the
     * separators and fixed sizes keep it unambiguous.
     */
    static byte[] aad(String keyId, String device, long seq, byte[] leafHash) {
        byte[] k = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] d = device.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(AAD_LABEL.length + 1 + k.length + 1 + 8 + leafHash.length + d.length)
                .put(AAD_LABEL).put((byte) 0).put(k).put((byte) 0).putLong(seq).put(leafHash).put(d).array();
    }

    /**
     * The copy's document.
     *
     * @param export the device's chain as a {@code certigate-export/1} with every record hash-only or erased
     */
    public static ObjectNode document(Header h, JsonNode export, List<Sealed> sealed) {
        for (JsonNode r : export.path("records")) {
            if (r.has("cose")) {
                throw new IllegalArgumentException("a sealed copy's export holds no record in full (seq "
                        + r.path("seq").asLong() + ")");
            }
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("keyId", h.keyId());
        doc.put("consumer", h.consumer());
        doc.put("purpose", h.purpose());
        doc.put("subjectHash", "0x" + HexFormat.of().formatHex(h.subjectHash()));
        doc.put("device", h.device());
        doc.put("block", h.block());
        h.kinds().forEach(doc.putArray("kinds")::add);
        doc.set("export", export);
        ArrayNode list = doc.putArray("sealed");
        for (Sealed s : sealed) {
            ObjectNode o = list.addObject();
            o.put("seq", s.seq());
            o.put("leafHash", B64.encodeToString(s.leafHash()));
            o.put("nonce", B64.encodeToString(s.nonce()));
            o.put("ciphertext", B64.encodeToString(s.ciphertext()));
        }
        return doc;
    }

    /**
     * Reads a copy.
     *
     * @throws IllegalArgumentException naming {@code origin} and what is wrong
     */
    public static Copy parse(JsonNode root, String origin) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(origin + ": not a sealed copy (format is not " + FORMAT + ")");
        }
        String keyId = text(root, "keyId", origin);
        if (!keyId.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException(origin + ": keyId is not 32 hex digits");
        }
        String subject = text(root, "subjectHash", origin);
        if (!subject.matches("0x[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(origin + ": subjectHash is not 0x and 32 bytes of hex");
        }
        String device = text(root, "device", origin);
        if (!root.path("block").canConvertToLong()) {
            throw new IllegalArgumentException(origin + ": block is missing");
        }
        List<String> kinds = new ArrayList<>();
        root.path("kinds").forEach(k -> kinds.add(k.asText()));
        JsonNode export = root.get("export");
        if (export == null || !export.isObject() || !EXPORT_FORMAT.equals(export.path("format").asText())) {
            throw new IllegalArgumentException(origin + ": export is missing or not a " + EXPORT_FORMAT);
        }
        for (JsonNode r : export.path("records")) {
            if (r.has("cose")) {
                throw new IllegalArgumentException(origin + ": the export holds record " + r.path("seq").asLong()
                        + " in full: a sealed copy holds every record hash-only");
            }
        }
        if (!device.equals(export.path("device").asText())) {
            throw new IllegalArgumentException(origin + ": the export is device " + export.path("device").asText()
                    + "'s, the copy names " + device);
        }
        List<Sealed> sealed = new ArrayList<>();
        int i = 0;
        for (JsonNode s : root.path("sealed")) {
            String where = origin + ": sealed[" + i++ + "]";
            if (!s.path("seq").canConvertToLong() || s.path("seq").asLong() < 1) {
                throw new IllegalArgumentException(where + ": seq is missing or not a positive integer");
            }
            byte[] leaf = bytes(s, "leafHash", where);
            byte[] nonce = bytes(s, "nonce", where);
            if (leaf.length != 32 || nonce.length != NONCE) {
                throw new IllegalArgumentException(where + ": leafHash must be 32 bytes and nonce " + NONCE);
            }
            sealed.add(new Sealed(s.path("seq").asLong(), leaf, nonce, bytes(s, "ciphertext", where)));
        }
        Header h = new Header(keyId, text(root, "consumer", origin), text(root, "purpose", origin),
                HexFormat.of().parseHex(subject.substring(2)), device, root.path("block").asLong(), kinds);
        return new Copy(h, (ObjectNode) export, sealed);
    }

    /**
     * The copy's export with each sealed record decrypted and put in place of its hash-only entry.
     *
     * @throws GeneralSecurityException when an entry does not open under {@code key} (another key, a
     *                                  changed byte, an entry moved to another record)
     * @throws IllegalArgumentException when a decrypted record does not hash to the leaf and chain
     *                                  hashes the export holds for its seq, or names a seq it lacks
     */
    public static ObjectNode open(Copy copy, SecretKey key) throws GeneralSecurityException {
        ObjectNode export = copy.export().deepCopy();
        Map<Long, ObjectNode> bySeq = new HashMap<>();
        for (JsonNode r : export.path("records")) {
            bySeq.put(r.path("seq").asLong(), (ObjectNode) r);
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        for (Sealed s : copy.sealed()) {
            ObjectNode entry = bySeq.get(s.seq());
            if (entry == null || !entry.has("leafHash")) {
                throw new IllegalArgumentException("sealed record seq " + s.seq() + " has no hash-only entry in the"
                        + " copy's export");
            }
            byte[] leaf = B64D.decode(entry.path("leafHash").asText());
            if (!MessageDigest.isEqual(leaf, s.leafHash())) {
                throw new IllegalArgumentException("sealed record seq " + s.seq() + " names another leaf hash than"
                        + " the export's");
            }
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, s.nonce()));
            c.updateAAD(aad(copy.header().keyId(), copy.header().device(), s.seq(), s.leafHash()));
            byte[] cose = c.doFinal(s.ciphertext());
            if (!MessageDigest.isEqual(RecordHashes.leafHash(cose), leaf)
                    || !MessageDigest.isEqual(RecordHashes.chainHash(cose),
                            B64D.decode(entry.path("chainHash").asText()))) {
                throw new IllegalArgumentException("sealed record seq " + s.seq() + " decrypts to bytes whose hashes"
                        + " are not those of the export's entry");
            }
            entry.removeAll();
            entry.put("seq", s.seq());
            entry.put("cose", B64.encodeToString(cose));
        }
        return export;
    }

    /** A copy key from its base64 form (as the copy-key endpoint serves it). */
    public static SecretKey key(String base64) {
        byte[] b = Base64.getDecoder().decode(base64);
        if (b.length != 32) {
            throw new IllegalArgumentException("a copy key is 32 bytes, not " + b.length);
        }
        return new SecretKeySpec(b, "AES");
    }

    private static String text(JsonNode n, String field, String origin) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + field + " is missing");
        }
        return v.asText();
    }

    private static byte[] bytes(JsonNode n, String field, String where) {
        try {
            return B64D.decode(text(n, field, where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + field + " is missing or not base64url", e);
        }
    }
}
