package io.certigate.provisioning.technician;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.core.io.OutputFile;
import io.certigate.signing.Csr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * What a technician keeps after provisioning a device (JSON, bytes in base64url): the identity,
 * the certificate chain, the ledger registration and the verified test record. Re-read by
 * {@code certigate decommission} and by audits.
 */
public record ProvisioningRecord(Csr.Identity identity, List<X509Certificate> chain, String ledgerAccount,
        String registry, String registrationTx, long registrationBlock, byte[] testRecord, Instant provisionedAt) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public ProvisioningRecord {
        chain = List.copyOf(chain);
        testRecord = testRecord.clone();
    }

    @Override
    public byte[] testRecord() {
        return testRecord.clone();
    }

    /**
     * Writes the record to {@code file} through a temporary file renamed into place; {@code file}
     * may not be one of {@code inputs} ({@link OutputFile}).
     */
    public void write(Path file, Path... inputs) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", "certigate-provisioning-record/1");
        o.put("device", identity.deviceId());
        o.put("serial", identity.serial());
        o.put("model", identity.model());
        o.put("subject", identity.qualifiedSubject());
        o.put("keyId", HexFormat.of().formatHex(io.certigate.signing.KeyIds.of(chain.get(0).getPublicKey())));
        ArrayNode certs = o.putArray("chain");
        for (X509Certificate c : chain) {
            try {
                certs.add(B64.encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IOException("certificate cannot be encoded", e);
            }
        }
        ObjectNode ledger = o.putObject("ledger");
        ledger.put("account", ledgerAccount);
        ledger.put("registry", registry);
        ledger.put("registrationTx", registrationTx);
        ledger.put("registrationBlock", registrationBlock);
        o.put("testRecord", B64.encodeToString(testRecord));
        o.put("provisionedAt", provisionedAt.toString());
        OutputFile.checkNotAnInput(file, inputs);
        Files.createDirectories(file.toAbsolutePath().getParent());
        OutputFile.write(file, JSON.writeValueAsBytes(o), inputs);
    }

    public static ProvisioningRecord read(Path file) throws IOException {
        JsonNode o = JSON.readTree(file.toFile());
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            for (JsonNode c : o.path("chain")) {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(
                        Base64.getUrlDecoder().decode(c.asText()))));
            }
            if (chain.isEmpty()) {
                throw new IOException("provisioning record " + file + " holds no certificate chain");
            }
            String subject = o.path("subject").asText();
            int colon = subject.indexOf(':');
            Csr.Identity id = new Csr.Identity(o.path("device").asText(), o.path("serial").asText(),
                    o.path("model").asText(), Csr.SubjectKind.parse(colon < 0 ? "" : subject.substring(0, colon)),
                    subject.substring(colon + 1));
            JsonNode l = o.path("ledger");
            return new ProvisioningRecord(id, chain, l.path("account").asText(null), l.path("registry").asText(null),
                    l.path("registrationTx").asText(null), l.path("registrationBlock").asLong(),
                    Base64.getUrlDecoder().decode(o.path("testRecord").asText()), Instant.parse(o.path("provisionedAt").asText()));
        } catch (CertificateException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new IOException("provisioning record " + file + " is malformed: " + e.getMessage(), e);
        }
    }
}
