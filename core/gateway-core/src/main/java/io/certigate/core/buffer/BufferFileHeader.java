package io.certigate.core.buffer;

import io.certigate.core.io.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the header of a buffer file ({@link SqliteFiles#header}) says, read before any
 * connection, and before any PRAGMA that could write, touches the file.
 */
final class BufferFileHeader {
    private BufferFileHeader() {}

    /** Reads the header of {@code file}; a file that does not start with one is refused. */
    static SqliteFiles.Header read(Path file) throws BufferException {
        try {
            return SqliteFiles.header(file).orElseThrow(() -> new BufferException(
                    BufferException.Reason.REFUSED_FILE, file, "refusing to use a file that is not an SQLite database", null));
        } catch (IOException e) {
            throw new BufferException(BufferException.Reason.IO, file, "cannot read buffer file: " + e.getMessage(), e);
        }
    }

    /**
     * Why {@code header} is not that of a certigate buffer of a supported schema, or null if it
     * is. Only final when no write-ahead log is pending: committed pages in the -wal (page 1
     * among them) take precedence over the main file.
     */
    static String refusal(SqliteFiles.Header header) {
        if (header.applicationId() != BufferSql.APPLICATION_ID) {
            return "refusing to use " + (header.applicationId() == 0 && header.schemaCookie() == 0
                    ? "an empty SQLite file without the certigate mark"
                    : "an SQLite database of another application (application_id " + header.applicationId() + ")");
        }
        return versionRefusal(header.userVersion());
    }

    /**
     * Why a buffer of schema {@code version} cannot be opened, or null: a version up to
     * {@link BufferSql#SCHEMA_VERSION} is read as it is and migrated by a read-write open; a later
     * one was written by a newer release and is refused.
     */
    static String versionRefusal(long version) {
        if (version > BufferSql.SCHEMA_VERSION) {
            return "buffer schema version " + version + " is not the supported " + BufferSql.SCHEMA_VERSION
                    + " (a newer release wrote this file; this release leaves it untouched)";
        }
        if (version < 1) {
            return "buffer schema version " + version + " is not the supported " + BufferSql.SCHEMA_VERSION;
        }
        return null;
    }
}
