package io.certigate.verifier.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.certigate.core.model.StoredRecord;
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
            return ExportFile.chainsByKey(keys, certificateChain, keyChains);
        }
    }

    /**
     * An export's header: the device, the keys and certificate chain the file carries, and per key
     * (same order) the chain written with it (empty when none).
     */
    public record Header(String device, List<PublicKey> keys, List<X509Certificate> certificateChain,
            List<List<X509Certificate>> keyChains) {
        public Header {
            keys = List.copyOf(keys);
            certificateChain = List.copyOf(certificateChain);
            keyChains = List.copyOf(keyChains);
        }

        /** Each key with the certificate chain the file carries for it, as {@link Contents#chainsByKey()}. */
        public java.util.Map<PublicKey, List<X509Certificate>> chainsByKey() {
            return ExportFile.chainsByKey(keys, certificateChain, keyChains);
        }
    }

    /**
     * Each key with the certificate chain a file carries for it: the chain written with the key, else
     * the top-level chain when its leaf certifies this key, else none. Nothing here is trusted yet: a
     * trust root decides ({@code trust.ExportTrustCheck}).
     */
    public static java.util.Map<PublicKey, List<X509Certificate>> chainsByKey(List<PublicKey> keys,
            List<X509Certificate> certificateChain, List<List<X509Certificate>> keyChains) {
        java.util.Map<PublicKey, List<X509Certificate>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            PublicKey k = keys.get(i);
            List<X509Certificate> own = i < keyChains.size() ? keyChains.get(i) : List.of();
            out.put(k, !own.isEmpty() ? own : !certificateChain.isEmpty()
                    && certificateChain.get(0).getPublicKey().equals(k) ? certificateChain : List.of());
        }
        return out;
    }

    private ExportFile() {}

    /**
     * Reads a whole export file into memory; errors name the file and the field at fault. For a
     * file of any size, read it entry by entry with {@link ExportReader} instead.
     */
    public static Contents read(Path file) throws ExportFormatException {
        try (ExportReader r = ExportReader.open(file)) {
            List<StoredRecord> records = new ArrayList<>();
            Set<Long> omitted = new HashSet<>();
            for (ExportEntry e = r.next(); e != null; e = r.next()) {
                records.add(e.record());
                if (e.omitted()) {
                    omitted.add(e.seq());
                }
            }
            return new Contents(r.device(), r.keys(), r.certificateChain(), records, omitted, r.keyChains());
        }
    }

    /** An export already parsed as a JSON tree; {@code origin} names it in errors. */
    public static Contents parse(JsonNode root, String origin) throws ExportFormatException {
        if (root == null) {
            throw new ExportFormatException(origin + ": format is not " + FORMAT);
        }
        Header h = header(root.get("format"), root.get("device"), root.get("keys"), root.get("certificateChain"), origin);
        List<StoredRecord> records = new ArrayList<>();
        Set<Long> omitted = new HashSet<>();
        int i = 0;
        for (JsonNode r : root.path("records")) {
            ExportEntry e = entry(r, origin + ": records[" + i++ + "]");
            records.add(e.record());
            if (e.omitted()) {
                omitted.add(e.seq());
            }
        }
        return new Contents(h.device(), h.keys(), h.certificateChain(), records, omitted, h.keyChains());
    }

    /** The header from its JSON fields (each null when absent), checked in this order: format, device, keys, chain. */
    static Header header(JsonNode format, JsonNode deviceNode, JsonNode keyNodes, JsonNode chainNodes, String origin)
            throws ExportFormatException {
        if (format == null || !FORMAT.equals(format.asText())) {
            throw new ExportFormatException(origin + ": format is not " + FORMAT);
        }
        String device = deviceNode == null ? null : deviceNode.asText(null);
        if (device == null || device.isEmpty()) {
            throw new ExportFormatException(origin + ": device is missing");
        }
        List<PublicKey> keys = new ArrayList<>();
        List<List<X509Certificate>> keyChains = new ArrayList<>();
        int ki = 0;
        for (JsonNode k : keyNodes == null ? MissingNode.getInstance() : keyNodes) {
            keys.add(publicKey(bytes(k, "publicKey", origin), origin));
            keyChains.add(certificates(k.path("certificateChain"), origin + ": keys[" + ki++ + "].certificateChain"));
        }
        List<X509Certificate> chain = certificates(chainNodes == null ? MissingNode.getInstance() : chainNodes,
                origin + ": certificateChain");
        return new Header(device, keys, chain, keyChains);
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

    /** One element of {@code records}; {@code where} names it in errors ("file: records[3]"). */
    static ExportEntry entry(JsonNode r, String where) throws ExportFormatException {
        if (!r.path("seq").canConvertToLong() || r.path("seq").asLong() < 1) {
            throw new ExportFormatException(where + ": seq is missing or not a positive integer");
        }
        long seq = r.path("seq").asLong();
        if (r.has("cose")) {
            return new ExportEntry(new StoredRecord.Signed(seq, bytes(r, "cose", where)), false);
        }
        byte[] ch = bytes(r, "chainHash", where);
        byte[] lh = bytes(r, "leafHash", where);
        if (ch.length != 32 || lh.length != 32) {
            throw new ExportFormatException(where + ": chainHash and leafHash must be 32 bytes");
        }
        return new ExportEntry(new StoredRecord.Erased(seq, ch, lh), r.path("omitted").asBoolean(false));
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
