package io.certigate.core.buffer;

import io.certigate.core.io.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The header of a buffer file ({@link SqliteFiles#header}), read before any connection, and before
 * any PRAGMA that could write, touches the file.
 *
 * @param userVersion   {@code PRAGMA user_version}, offset 60
 * @param applicationId {@code PRAGMA application_id}, offset 68
 * @param schemaCookie  offset 40: 0 while the file has never held a table
 */
record BufferFileHeader(int userVersion, int applicationId, int schemaCookie) {

    /** Reads the header of {@code file}; a file that does not start with one is refused. */
    static BufferFileHeader read(Path file) throws BufferException {
        try {
            SqliteFiles.Header h = SqliteFiles.header(file).orElseThrow(() -> new BufferException(
                    BufferException.Reason.REFUSED_FILE, file, "refusing to use a file that is not an SQLite database", null));
            return new BufferFileHeader(h.userVersion(), h.applicationId(), h.schemaCookie());
        } catch (IOException e) {
            throw new BufferException(BufferException.Reason.IO, file, "cannot read buffer file: " + e.getMessage(), e);
        }
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
