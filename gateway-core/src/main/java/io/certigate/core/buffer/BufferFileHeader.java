package io.certigate.core.buffer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The first 100 bytes of an SQLite file (SQLite, "Database File Format" §1.3), read with a plain
 * file read, so that a file is identified before any connection, and before any PRAGMA that
 * could write, touches it.
 *
 * @param userVersion   {@code PRAGMA user_version}, offset 60
 * @param applicationId {@code PRAGMA application_id}, offset 68
 * @param schemaCookie  offset 40: 0 while the file has never held a table
 */
record BufferFileHeader(int userVersion, int applicationId, int schemaCookie) {
    static final int SIZE = 100;
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** Reads the header of {@code file}; a file that does not start with one is refused. */
    static BufferFileHeader read(Path file) throws BufferException {
        byte[] h = new byte[SIZE];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(h, 0, SIZE);
        } catch (IOException e) {
            throw new BufferException(BufferException.Reason.IO, file, "cannot read buffer file: " + e.getMessage(), e);
        }
        if (n < SIZE || !Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file,
                    "refusing to use a file that is not an SQLite database", null);
        }
        ByteBuffer b = ByteBuffer.wrap(h); // big-endian, as the file format
        return new BufferFileHeader(b.getInt(60), b.getInt(68), b.getInt(40));
    }

    /**
     * Why this header is not that of a certigate buffer of the supported schema, or null if it
     * is. Only final when no write-ahead log is pending: committed pages in the -wal (page 1
     * among them) take precedence over the main file.
     */
    String refusal() {
        if (applicationId != BufferSql.APPLICATION_ID) {
            return "refusing to use " + (applicationId == 0 && schemaCookie == 0
                    ? "an empty SQLite file without the certigate mark"
                    : "an SQLite database of another application (application_id " + applicationId + ")");
        }
        if (userVersion != BufferSql.SCHEMA_VERSION) {
            return "buffer schema version " + userVersion + " is not the supported " + BufferSql.SCHEMA_VERSION;
        }
        return null;
    }
}
