package io.certigate.core.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.certigate.core.io.OutputFile;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.KeyIds;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the export file: a JSON document (bytes in base64url without padding) holding a device's
 * public keys, its certificate chain and a run of records. Records outside the selection are
 * written as hash-only entries ({@code "omitted": true}) so that the chain stays checkable across
 * them; erased records are tombstones ({@code "erased": true}). See docs/architecture.md (Formats). The reader is
 * the verifier's {@code io.certigate.verifier.export.ExportFile}, which does not need the gateway;
 * the round trip is tested on this side (gateway-core's tests use the verifier).
 */
public final class ExportWriter {
    /** The export's {@code "format"}: the verifier's reader accepts exactly this value. */
    public static final String FORMAT = "certigate-export/1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private ExportWriter() {}

    /**
     * Writes an export with the records produced by {@code records} (streamed, in seq order) to
     * {@code file}, through a temporary file renamed into place when complete ({@link OutputFile}).
     */
    public static void write(Path file, String device, List<PublicKey> keys, List<X509Certificate> chain,
            Iterable<ExportEntry> records) throws IOException {
        OutputFile.write(file, out -> write(out, device, keys, chain, records));
    }

    /** Writes an export to {@code out}; see {@link #write(Path, String, List, List, Iterable)}. */
    public static void write(OutputStream out, String device, List<PublicKey> keys, List<X509Certificate> chain,
            Iterable<ExportEntry> records) throws IOException {
        write(out, device, keys, keys.stream().map(k -> List.<X509Certificate>of()).toList(), chain, records);
    }

    /**
     * Writes an export to {@code out} with each key's own certificate chain ({@code keys[i].certificateChain},
     * leaf first), so that a verifier holding the consortium root can trust every key of a rotated device;
     * the top-level {@code certificateChain} stays the current key's.
     *
     * @param chains the device's certificate chains, oldest first, each leaf certifying one key
     */
    public static void write(OutputStream out, String device, List<List<X509Certificate>> chains,
            Iterable<ExportEntry> records) throws IOException {
        List<PublicKey> keys = chains.stream().map(c -> c.get(0).getPublicKey()).toList();
        write(out, device, keys, chains, chains.isEmpty() ? List.of() : chains.get(chains.size() - 1), records);
    }

    private static void write(OutputStream out, String device, List<PublicKey> keys, List<List<X509Certificate>> keyChains,
            List<X509Certificate> chain, Iterable<ExportEntry> records) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeStringField("device", device);
            g.writeArrayFieldStart("keys");
            for (int i = 0; i < keys.size(); i++) {
                PublicKey k = keys.get(i);
                g.writeStartObject();
                g.writeStringField("kid", HexFormat.of().formatHex(KeyIds.of(k)));
                g.writeStringField("alg", CoseAlgorithm.of(k).name());
                g.writeStringField("publicKey", B64.encodeToString(k.getEncoded()));
                if (!keyChains.get(i).isEmpty()) {
                    writeChain(g, "certificateChain", keyChains.get(i));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            writeChain(g, "certificateChain", chain);
            g.writeArrayFieldStart("records");
            for (ExportEntry e : records) {
                g.writeStartObject();
                g.writeNumberField("seq", e.record().seq());
                if (e.record() instanceof StoredRecord.Signed s && !e.omitted()) {
                    g.writeStringField("cose", B64.encodeToString(s.coseUnsafe()));
                } else {
                    g.writeBooleanField(e.omitted() ? "omitted" : "erased", true);
                    g.writeStringField("chainHash", B64.encodeToString(e.record().chainHash()));
                    g.writeStringField("leafHash", B64.encodeToString(e.record().leafHash()));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeChain(JsonGenerator g, String field, List<X509Certificate> chain) throws IOException {
        g.writeArrayFieldStart(field);
        for (X509Certificate c : chain) {
            try {
                g.writeString(B64.encodeToString(c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException("cannot encode certificate " + c.getSubjectX500Principal(), e);
            }
        }
        g.writeEndArray();
    }

    /** A record to write, and whether it is outside the selection (hashes only). */
    public record ExportEntry(StoredRecord record, boolean omitted) {}
}
