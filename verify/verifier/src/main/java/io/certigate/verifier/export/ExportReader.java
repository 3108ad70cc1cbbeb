package io.certigate.verifier.export;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.List;

/**
 * Reads an export file ({@value ExportFile#FORMAT}) incrementally with Jackson's streaming parser:
 * the header (format, device, keys, certificate chain) when opened, then the {@code records} one
 * entry at a time ({@link #next()}). Memory stays the same whatever the file's size: only the header
 * and the entry being read are held.
 *
 * <p>The gateway writes the header before the records. A file that puts a header field after
 * {@code records} (JSON objects are unordered) is still read: the header's remaining fields are
 * looked up by a second pass over the file that skips the records without keeping them.
 *
 * <p>Every error is an {@link ExportFormatException} naming the file and, for an entry, its index
 * ({@code records[i]}). A document cut short is found when the reader reaches the cut, which may be
 * after entries were already handed out: a caller reports the file as unusable then, whatever it
 * concluded about the entries before.
 */
public final class ExportReader implements EntrySource, Closeable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final long size;
    private final JsonParser parser;
    private final ExportFile.Header header;
    /** Entries when {@code records} is not an array (read whole: it was never written that way). */
    private Iterator<JsonNode> irregular;
    private boolean inRecords;
    private int index;

    private ExportReader(Path file, long size, JsonParser parser, ExportFile.Header header, boolean inRecords,
            Iterator<JsonNode> irregular) {
        this.file = file;
        this.size = size;
        this.parser = parser;
        this.header = header;
        this.inRecords = inRecords;
        this.irregular = irregular;
    }

    /** Opens {@code file} and reads its header; the records are read by {@link #next()}. */
    public static ExportReader open(Path file) throws ExportFormatException {
        JsonParser p = null;
        try {
            long size = Files.size(file);
            p = MAPPER.getFactory().createParser(file.toFile());
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ExportFormatException(file + ": format is not " + ExportFile.FORMAT);
            }
            RawHeader raw = new RawHeader();
            boolean inRecords = false;
            Iterator<JsonNode> irregular = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("records".equals(name) && !raw.hasRecords) {
                    raw.hasRecords = true;
                    if (value == JsonToken.START_ARRAY) {
                        inRecords = true;
                    } else {
                        irregular = ((JsonNode) p.readValueAsTree()).iterator();
                    }
                    break;
                }
                raw.accept(name, p);
            }
            if (!raw.complete()) {
                lookAhead(file, raw);
            }
            ExportFile.Header header = ExportFile.header(raw.format, raw.device, raw.keys, raw.chain, file.toString());
            ExportReader r = new ExportReader(file, size, p, header, inRecords, irregular);
            p = null;
            return r;
        } catch (IOException e) {
            throw new ExportFormatException(file + ": not a readable JSON export: " + e.getMessage(), e);
        } finally {
            closeQuietly(p);
        }
    }

    /** Reads the header fields that come after {@code records}, skipping the records. */
    private static void lookAhead(Path file, RawHeader raw) throws IOException {
        try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
            p.nextToken();
            boolean records = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if ("records".equals(name) && !records) {
                    records = true;
                    p.skipChildren();
                } else {
                    raw.accept(name, p);
                }
            }
        }
    }

    public String device() {
        return header.device();
    }

    public List<PublicKey> keys() {
        return header.keys();
    }

    public List<X509Certificate> certificateChain() {
        return header.certificateChain();
    }

    /** Per key (same order as {@link #keys()}) the certificate chain written with it, empty when none. */
    public List<List<X509Certificate>> keyChains() {
        return header.keyChains();
    }

    /** The header read when the file was opened. */
    public ExportFile.Header header() {
        return header;
    }

    public Path file() {
        return file;
    }

    @Override
    public ExportEntry next() throws ExportFormatException {
        String where = file + ": records[" + index + "]";
        try {
            JsonNode node;
            if (irregular != null) {
                node = irregular.hasNext() ? irregular.next() : null;
            } else if (inRecords) {
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_ARRAY || t == null) {
                    inRecords = false;
                    finish();
                    node = null;
                } else {
                    node = parser.readValueAsTree();
                    if (node == null) {
                        node = MissingNode.getInstance();
                    }
                }
            } else {
                node = null;
            }
            if (node == null) {
                return null;
            }
            index++;
            return ExportFile.entry(node, where);
        } catch (IOException e) {
            throw new ExportFormatException(file + ": not a readable JSON export: " + e.getMessage(), e);
        }
    }

    /** Reads the rest of the document after the records, so that a file cut short is refused. */
    private void finish() throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            parser.nextToken();
            parser.skipChildren();
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new IOException("the document does not end after records");
        }
    }

    @Override
    public double fraction() {
        long at = parser.currentLocation().getByteOffset();
        return size <= 0 || at < 0 ? -1 : Math.min(1.0, (double) at / size);
    }

    @Override
    public void close() {
        closeQuietly(parser);
    }

    private static void closeQuietly(JsonParser p) {
        if (p != null) {
            try {
                p.close();
            } catch (IOException e) {
                // a file opened for reading: nothing was written that closing could lose
            }
        }
    }

    /** The header's fields as JSON, until all are read. */
    private static final class RawHeader {
        JsonNode format;
        JsonNode device;
        JsonNode keys;
        JsonNode chain;
        boolean hasRecords;

        void accept(String name, JsonParser p) throws IOException {
            switch (name) {
                case "format" -> format = p.readValueAsTree();
                case "device" -> device = p.readValueAsTree();
                case "keys" -> keys = p.readValueAsTree();
                case "certificateChain" -> chain = p.readValueAsTree();
                default -> p.skipChildren();
            }
        }

        boolean complete() {
            return format != null && device != null && keys != null && chain != null;
        }
    }
}
