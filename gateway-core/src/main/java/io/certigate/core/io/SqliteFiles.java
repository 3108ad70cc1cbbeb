package io.certigate.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * Identifying an SQLite file without changing it: its 100-byte header read with a plain file read
 * (SQLite, "Database File Format" §1.3), and a connection that cannot write. A store that opens a
 * file named by the user checks it with these before its own connection runs PRAGMAs that write
 * (such as {@code journal_mode=WAL}, which rewrites the header).
 */
public final class SqliteFiles {
    private static final int HEADER_SIZE = 100;
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
