package io.certigate.core.buffer;

import io.certigate.core.io.PrivateFiles;
import io.certigate.core.io.SqliteFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opening a buffer file: identifying an existing file before anything may write to it, refusing
 * one that is not this device's buffer of a supported schema (left byte-identical), creating a new
 * one owner-only (0600, new folders 0700, {@link PrivateFiles}: it holds VINs, mileage, tag ids,
 * meter data), setting the writer's PRAGMAs, and migrating the buffer's own schema of an earlier
 * release (read-write opens only: a read-only open never writes).
 */
final class BufferFile {
    private static final System.Logger LOG = System.getLogger(RecordBuffer.class.getName());

    private BufferFile() {}

    /** Opens or creates the buffer; see {@link RecordBuffer#open}. */
    static BufferConnections open(Path file, RecordBuffer.Options options) throws BufferException {
        boolean fresh = !Files.exists(file) || sizeOf(file) == 0;
        if (!fresh) {
            closeQuietly(identify(file, options.deviceId()));
        }
        Connection w = null;
        Connection r = null;
        try {
            if (fresh) {
                // owner-only before SQLite opens it: the -wal and -shm take the file's mode
                PrivateFiles.create(file);
            } else if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            w = connect(file, options);
            if (fresh) {
                createSchema(w, options.deviceId());
            } else {
                migrate(w, file);
            }
            r = connect(file, options);
            return new BufferConnections(file, w, r);
        } catch (SQLException | IOException e) {
            closeQuietly(w);
            closeQuietly(r);
            throw openFailure(file, e);
        }
    }

    /** Opens an existing buffer for reading only; see {@link RecordBuffer#openReadOnly}. */
    static BufferConnections openReadOnly(Path file, String deviceId) throws BufferException {
        if (!Files.exists(file)) {
            throw new BufferException(BufferException.Reason.MISSING, file,
                    "no buffer at this path (a read-only command never creates one)", null);
        }
        if (!Files.isRegularFile(file) || sizeOf(file) == 0) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file,
                    Files.isDirectory(file) ? "a folder, not a buffer file" : "an empty file, not a buffer", null);
        }
        return new BufferConnections(file, null, identify(file, deviceId));
    }

    static BufferException openFailure(Path file, Exception e) {
        if (e instanceof SQLException s && BufferConnections.isCorrupt(s)) {
            return new BufferException(BufferException.Reason.REFUSED_FILE, file,
                    "buffer file is damaged or not a database: " + e.getMessage(), e);
        }
        return new BufferException(BufferException.Reason.IO, file, "cannot open buffer: " + e.getMessage(), e);
    }

    /**
     * Identifies an existing file as {@code deviceId}'s buffer without changing a byte of it: its
     * 100-byte header first (magic, application_id, user_version), then a read-only connection
     * (needed when a -wal holds commits not yet in the main file, and for the schema check and
     * the device id). Returns that connection, or throws with the file refused.
     */
    private static Connection identify(Path file, String deviceId) throws BufferException {
        boolean walPending = SqliteFiles.walPending(file);
        String refusal = BufferFileHeader.refusal(BufferFileHeader.read(file));
        if (refusal != null && !walPending) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file, refusal, null);
        }
        Connection c = null;
        try {
            c = SqliteFiles.openReadOnly(file);
            checkSchema(c, file, deviceId);
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw openFailure(file, e);
        } catch (BufferException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static Connection connect(Path file, RecordBuffer.Options o) throws SQLException {
        Properties p = new Properties();
        p.setProperty("busy_timeout", Long.toString(o.busyTimeout().toMillis()));
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), p);
        try (Statement s = c.createStatement()) {
            for (String pragma : BufferSql.PRAGMAS) {
                s.execute(pragma);
            }
            if (o.maxPageCount() > 0) {
                s.execute(BufferSql.MAX_PAGE_COUNT + o.maxPageCount());
            }
        }
        return c;
    }

    private static void createSchema(Connection c, String deviceId) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(BufferSql.BEGIN);
            for (String ddl : BufferSql.SCHEMA) {
                s.execute(ddl);
            }
            Rows.putMeta(c, BufferSql.KEY_DEVICE, deviceId.getBytes(StandardCharsets.UTF_8));
            s.execute(BufferSql.COMMIT);
        }
    }

    /**
     * Brings an identified file of an earlier schema to {@link BufferSql#SCHEMA_VERSION}, one
     * version per transaction, each with its new {@code user_version}; the records and the other
     * tables are kept as they are.
     */
    private static void migrate(Connection c, Path file) throws SQLException {
        long version = Rows.scalar(c, BufferSql.USER_VERSION_QUERY);
        for (long v = version; v < BufferSql.SCHEMA_VERSION; v++) {
            try (Statement s = c.createStatement()) {
                s.execute(BufferSql.BEGIN);
                try {
                    for (String sql : BufferSql.MIGRATIONS[(int) v - 1]) {
                        s.execute(sql);
                    }
                    s.execute("PRAGMA user_version=" + (v + 1));
                    s.execute(BufferSql.COMMIT);
                } catch (SQLException e) {
                    s.execute(BufferSql.ROLLBACK);
                    throw e;
                }
            }
            LOG.log(System.Logger.Level.INFO, "migrated buffer {0} from schema {1} to {2}", file, v, v + 1);
        }
    }

    /** The checks of {@link BufferFileHeader#refusal} made through a connection, then integrity and owner. */
    private static void checkSchema(Connection c, Path file, String deviceId) throws SQLException, BufferException {
        long appId = Rows.scalar(c, BufferSql.APPLICATION_ID_QUERY);
        if (appId != BufferSql.APPLICATION_ID) {
            String what = appId == 0 && Rows.scalar(c, BufferSql.TABLE_COUNT) == 0
                    ? "an empty SQLite file without the certigate mark"
                    : "an SQLite database of another application (application_id " + appId + ")";
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file, "refusing to use " + what, null);
        }
        String refusal = BufferFileHeader.versionRefusal(Rows.scalar(c, BufferSql.USER_VERSION_QUERY));
        if (refusal != null) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file, refusal, null);
        }
        String check = Rows.check(c, BufferSql.QUICK_CHECK);
        if (!"ok".equals(check)) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file, "buffer failed quick_check: " + check, null);
        }
        byte[] dev = Rows.getMeta(c, BufferSql.KEY_DEVICE);
        String owner = dev == null ? null : new String(dev, StandardCharsets.UTF_8);
        if (!deviceId.equals(owner)) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file,
                    "buffer belongs to device '" + owner + "', not '" + deviceId + "'", null);
        }
    }

    static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failed open: the open error is what matters
            }
        }
    }
}
