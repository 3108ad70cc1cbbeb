package io.certigate.verifier.proof;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.verifier.merkle.InclusionProof;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The JSON form of a {@link ProofBundle}. Byte strings are unpadded base64url (RFC 4648 §5); the
 * Ethereum identifiers (contract address, transaction hash) keep their usual 0x-hex form so that
 * any block explorer or JSON-RPC tool takes them as they are.
 *
 * <pre>
 * {"format": "certigate-proof/1", "device": "...", "certificateChain": ["&lt;DER&gt;", ...],
 *  "anchors": [{"chainId": 1337, "contract": "0x..", "txHash": "0x..", "blockNumber": 7,
 *               "root": "&lt;32 bytes&gt;", "firstSeq": 1, "lastSeq": 1000}],
 *  "records": [{"seq": 42, "cose": "&lt;COSE_Sign1&gt;", "anchor": 0, "leafIndex": 41,
 *               "treeSize": 1000, "auditPath": ["&lt;32 bytes&gt;", ...],
 *               "receipt": "&lt;RFC 9942 COSE receipt&gt;"}]}
 * </pre>
 * {@code receipt} is optional (bundles written without receipts, and those written before receipts
 * existed, have none); a reader of earlier versions ignores it.
 */
public final class ProofBundleJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    private ProofBundleJson() {}

    public static byte[] write(ProofBundle b) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", ProofBundle.FORMAT);
        root.put("device", b.device());
        ArrayNode certs = root.putArray("certificateChain");
        for (X509Certificate c : b.certificateChain()) {
            try {
                certs.add(B64.encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("cannot encode certificate " + c.getSubjectX500Principal(), e);
            }
        }
        ArrayNode anchors = root.putArray("anchors");
        for (ProofBundle.Anchor a : b.anchors()) {
            ObjectNode n = anchors.addObject();
            n.put("chainId", a.chainId());
            n.put("contract", a.contract());
            n.put("txHash", a.txHash());
            n.put("blockNumber", a.blockNumber());
            n.put("root", B64.encodeToString(a.root()));
            n.put("firstSeq", a.firstSeq());
            n.put("lastSeq", a.lastSeq());
        }
        ArrayNode records = root.putArray("records");
        for (ProofBundle.Entry e : b.records()) {
            ObjectNode n = records.addObject();
            n.put("seq", e.seq());
            n.put("cose", B64.encodeToString(e.cose()));
            n.put("anchor", e.anchor());
            n.put("leafIndex", e.proof().leafIndex());
            n.put("treeSize", e.proof().treeSize());
            ArrayNode path = n.putArray("auditPath");
            for (byte[] h : e.proof().path()) {
                path.add(B64.encodeToString(h));
            }
            if (e.receipt() != null) {
                n.put("receipt", B64.encodeToString(e.receipt()));
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a proof bundle", e);
        }
    }

    public static ProofBundle read(byte[] json) throws ProofFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ProofFormatException("proof bundle is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !ProofBundle.FORMAT.equals(root.path("format").asText())) {
            throw new ProofFormatException("not a " + ProofBundle.FORMAT + " bundle (format is '"
                    + (root == null ? "" : root.path("format").asText()) + "')", null);
        }
        String device = text(root, "device");
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (JsonNode c : array(root, "certificateChain")) {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(bytes(c, "certificateChain"))));
            }
        } catch (CertificateException e) {
            throw new ProofFormatException("certificateChain holds an invalid certificate: " + e.getMessage(), e);
        }
        List<ProofBundle.Anchor> anchors = new ArrayList<>();
        for (JsonNode a : array(root, "anchors")) {
            anchors.add(new ProofBundle.Anchor(number(a, "chainId"), text(a, "contract"), text(a, "txHash"),
                    number(a, "blockNumber"), hash(a.path("root"), "anchors.root"), number(a, "firstSeq"),
                    number(a, "lastSeq")));
        }
        List<ProofBundle.Entry> records = new ArrayList<>();
        for (JsonNode r : array(root, "records")) {
            long seq = number(r, "seq");
            long anchor = number(r, "anchor");
            if (anchor < 0 || anchor >= anchors.size()) {
                throw new ProofFormatException("record " + seq + " refers to anchor " + anchor + " of " + anchors.size(), null);
            }
            List<byte[]> path = new ArrayList<>();
            for (JsonNode h : array(r, "auditPath")) {
                path.add(hash(h, "record " + seq + " auditPath"));
            }
            byte[] receipt = r.has("receipt") ? bytes(r.path("receipt"), "record " + seq + " receipt") : null;
            records.add(new ProofBundle.Entry(seq, bytes(r.path("cose"), "record " + seq + " cose"), (int) anchor,
                    new InclusionProof(number(r, "leafIndex"), number(r, "treeSize"), path), receipt));
        }
        return new ProofBundle(device, chain, anchors, records);
    }

    private static String text(JsonNode n, String field) throws ProofFormatException {
        JsonNode v = n.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new ProofFormatException("proof bundle field '" + field + "' is missing or not text", null);
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) throws ProofFormatException {
        JsonNode v = n.path(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ProofFormatException("proof bundle field '" + field + "' is missing or not an integer", null);
        }
        return v.asLong();
    }

    private static JsonNode array(JsonNode n, String field) throws ProofFormatException {
        JsonNode v = n.path(field);
        if (!v.isArray()) {
            throw new ProofFormatException("proof bundle field '" + field + "' is missing or not an array", null);
        }
        return v;
    }

    private static byte[] bytes(JsonNode v, String where) throws ProofFormatException {
        if (!v.isTextual()) {
            throw new ProofFormatException(where + " is missing or not a base64url string", null);
        }
        try {
            return D64.decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new ProofFormatException(where + " is not base64url: " + e.getMessage(), e);
        }
    }

    private static byte[] hash(JsonNode v, String where) throws ProofFormatException {
        byte[] b = bytes(v, where);
        if (b.length != 32) {
            throw new ProofFormatException(where + " has " + b.length + " bytes, not 32", null);
        }
        return b;
    }
}
