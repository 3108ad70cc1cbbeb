package io.certigate.verifier.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.core.model.StoredRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The export file's reader. An export is a JSON document (bytes in base64url without padding) holding a device's public
 * keys, its certificate chain and a run of records. Records outside the selection are written as
 * hash-only entries ({@code "omitted": true}) so that the chain stays checkable across them; erased
 * records are tombstones ({@code "erased": true}). See docs/architecture.md (Formats). The gateway writes it
 * with gateway-core's {@code ExportWriter}; this side reads it without the gateway.
 */
public final class ExportFile {
    public static final String FORMAT = "certigate-export/1";
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /**
     * The contents of an export file.
     *
     * @param keys             the device's public keys, oldest first
     * @param certificateChain the current key's certificate chain (leaf first), empty if none
     * @param keyChains        per key (same order as {@code keys}) the chain written with it, empty for a key
     *                         written without one (exports of earlier versions)
     */
    public record Contents(String device, List<PublicKey> keys, List<X509Certificate> certificateChain,
            List<StoredRecord> records, Set<Long> omitted, List<List<X509Certificate>> keyChains) {
        public Contents {
            keyChains = keyChains.size() == keys.size() ? List.copyOf(keyChains)
                    : keys.stream().map(k -> List.<X509Certificate>of()).toList();
        }

        /** Contents without per-key chains. */
        public Contents(String device, List<PublicKey> keys, List<X509Certificate> certificateChain,
                List<StoredRecord> records, Set<Long> omitted) {
            this(device, keys, certificateChain, records, omitted, List.of());
        }

        /**
         * Each key with the certificate chain the file carries for it: the chain written with the key,
         * else the top-level chain when its leaf certifies this key, else none. Nothing here is
         * trusted yet: a trust root decides ({@code trust.ExportTrustCheck}).
         */
        public java.util.Map<PublicKey, List<X509Certificate>> chainsByKey() {
            java.util.Map<PublicKey, List<X509Certificate>> out = new java.util.LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                PublicKey k = keys.get(i);
                List<X509Certificate> own = keyChains.get(i);
                out.put(k, !own.isEmpty() ? own : !certificateChain.isEmpty()
                        && certificateChain.get(0).getPublicKey().equals(k) ? certificateChain : List.of());
            }
            return out;
        }
    }

    private ExportFile() {}

    /** Reads an export file; errors name the file and the field at fault. */
    public static Contents read(Path file) throws ExportFormatException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ExportFormatException(file + ": not a readable JSON export: " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    public static Contents parse(JsonNode root, String origin) throws ExportFormatException {
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new ExportFormatException(origin + ": format is not " + FORMAT);
        }
        String device = root.path("device").asText(null);
        if (device == null || device.isEmpty()) {
            throw new ExportFormatException(origin + ": device is missing");
        }
        List<PublicKey> keys = new ArrayList<>();
        List<List<X509Certificate>> keyChains = new ArrayList<>();
        int ki = 0;
        for (JsonNode k : root.path("keys")) {
            keys.add(publicKey(bytes(k, "publicKey", origin), origin));
            keyChains.add(certificates(k.path("certificateChain"), origin + ": keys[" + ki++ + "].certificateChain"));
        }
        List<X509Certificate> chain = certificates(root.path("certificateChain"), origin + ": certificateChain");
        List<StoredRecord> records = new ArrayList<>();
        Set<Long> omitted = new HashSet<>();
        int i = 0;
        for (JsonNode r : root.path("records")) {
            String where = origin + ": records[" + i++ + "]";
            if (!r.path("seq").canConvertToLong() || r.path("seq").asLong() < 1) {
                throw new ExportFormatException(where + ": seq is missing or not a positive integer");
            }
            long seq = r.path("seq").asLong();
            if (r.has("cose")) {
                records.add(new StoredRecord.Signed(seq, bytes(r, "cose", where)));
            } else {
                byte[] ch = bytes(r, "chainHash", where);
                byte[] lh = bytes(r, "leafHash", where);
                if (ch.length != 32 || lh.length != 32) {
                    throw new ExportFormatException(where + ": chainHash and leafHash must be 32 bytes");
                }
                records.add(new StoredRecord.Erased(seq, ch, lh));
                if (r.path("omitted").asBoolean(false)) {
                    omitted.add(seq);
                }
            }
        }
        return new Contents(device, keys, chain, records, omitted, keyChains);
    }

    private static List<X509Certificate> certificates(JsonNode array, String where) throws ExportFormatException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (JsonNode c : array) {
                chain.add((X509Certificate) cf.generateCertificate(
                        new java.io.ByteArrayInputStream(B64D.decode(c.asText()))));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ExportFormatException(where + " holds an invalid certificate: " + e.getMessage(), e);
        }
        return chain;
    }

    private static byte[] bytes(JsonNode n, String field, String where) throws ExportFormatException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new ExportFormatException(where + ": " + field + " is missing");
        }
        try {
            return B64D.decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new ExportFormatException(where + ": " + field + " is not base64url: " + e.getMessage(), e);
        }
    }

    public static PublicKey publicKey(byte[] spki, String where) throws ExportFormatException {
        for (String alg : new String[] {"Ed25519", "EC"}) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ExportFormatException(where + ": publicKey is neither an Ed25519 nor an EC key");
    }
}
