package io.certigate.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * Identifying an SQLite file without changing it: its 100-byte header read with a plain file read
 * (SQLite, "Database File Format" §1.3), and a connection that cannot write. A store that opens a
 * file named by the user checks it with these before its own connection runs PRAGMAs that write
 * (such as {@code journal_mode=WAL}, which rewrites the header).
 */
public final class SqliteFiles {
    private static final int HEADER_SIZE = 100;
    private static final String TABLE_NAMES =
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /**
     * @param userVersion   {@code PRAGMA user_version}, offset 60
     * @param applicationId {@code PRAGMA application_id}, offset 68
     * @param schemaCookie  offset 40: 0 while the file has never held a table
     */
    public record Header(int userVersion, int applicationId, int schemaCookie) {}

    private SqliteFiles() {}

    /** The header of {@code file}, or empty if the file does not start with an SQLite header. */
    public static Optional<Header> header(Path file) throws IOException {
        byte[] h = new byte[HEADER_SIZE];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(h, 0, HEADER_SIZE);
        }
        if (n < HEADER_SIZE || !Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(h); // big-endian, as the file format
        return Optional.of(new Header(b.getInt(60), b.getInt(68), b.getInt(40)));
    }

    /**
     * True if the file's -wal holds frames: committed pages there (page 1 among them) take
     * precedence over the main file, so its header alone is not the last word.
     */
    public static boolean walPending(Path file) {
        try {
            return Files.size(Path.of(file + "-wal")) > 0;
        } catch (IOException e) {
            return false; // no -wal
        }
    }

    /**
     * Refuses, without changing a byte of it, an existing non-empty file that is not a database of
     * the store marked {@code applicationId} (0 for a store without a mark) holding only
     * {@code ownTables}: a file that is not SQLite, a database with another application_id, or
     * one holding other tables. An SQLite file without tables is accepted. The header is read
     * first; a read-only connection is opened only when the header cannot decide (no mark, or a
     * pending -wal that may hold a newer header).
     */
    public static void requireStore(Path file, int applicationId, Set<String> ownTables) throws SQLException {
        if (!Files.isRegularFile(file) || size(file) == 0) {
            return;
        }
        Header h;
        try {
            h = header(file).orElseThrow(() -> new SQLException("refusing to use " + file + ": it is not an SQLite database"));
        } catch (IOException e) {
            throw new SQLException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!walPending(file)) {
            if (h.applicationId() != 0) {
                if (h.applicationId() == applicationId) {
                    return;
                }
                throw otherApplication(file, "application_id " + h.applicationId());
            }
            if (h.schemaCookie() == 0) {
                return;
            }
        }
        try (Connection c = openReadOnly(file); Statement s = c.createStatement()) {
            long id;
            try (ResultSet rs = s.executeQuery("PRAGMA application_id")) {
                id = rs.next() ? rs.getLong(1) : 0;
            }
            if (id != 0 && id == applicationId) {
                return;
            }
            if (id != 0) {
                throw otherApplication(file, "application_id " + id);
            }
            List<String> foreign = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(TABLE_NAMES)) {
                while (rs.next()) {
                    if (!ownTables.contains(rs.getString(1))) {
                        foreign.add(rs.getString(1));
                    }
                }
            }
            if (!foreign.isEmpty()) {
                throw otherApplication(file, "tables " + foreign);
            }
        }
    }

    private static SQLException otherApplication(Path file, String what) {
        return new SQLException("refusing to use " + file + ": an SQLite database of another application (" + what + ")");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * A connection that cannot write ({@code SQLITE_OPEN_READONLY}, {@code mode=ro}). When the
     * file has no -wal (no connection has it open in WAL mode) it is also {@code immutable}:
     * SQLite then takes no lock and creates no -wal or -shm next to it.
     */
    public static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        boolean immutable = !Files.exists(Path.of(file + "-wal"));
        String uri = "jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath() + "?mode=ro"
                + (immutable ? "&immutable=1" : "");
        return DriverManager.getConnection(uri, config.toProperties());
    }
}
