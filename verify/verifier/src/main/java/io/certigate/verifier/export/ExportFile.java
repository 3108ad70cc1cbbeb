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

    /** The contents of an export file. */
    public record Contents(String device, List<PublicKey> keys, List<X509Certificate> certificateChain,
            List<StoredRecord> records, Set<Long> omitted) {}

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
        for (JsonNode k : root.path("keys")) {
            keys.add(publicKey(bytes(k, "publicKey", origin), origin));
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (JsonNode c : root.path("certificateChain")) {
                chain.add((X509Certificate) cf.generateCertificate(
                        new java.io.ByteArrayInputStream(B64D.decode(c.asText()))));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ExportFormatException(origin + ": certificateChain holds an invalid certificate: " + e.getMessage(), e);
        }
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
        return new Contents(device, keys, chain, records, omitted);
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
