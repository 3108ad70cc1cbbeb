package io.certigate.core.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The tables other modules register with a buffer ({@link BufferTable}), and their versions in
 * the file's {@code buffer_table}. Registration on a read-write buffer runs the table's missing
 * migrations, each in one write transaction with its new version; on a read-only buffer nothing
 * is written and the table is read at whatever version the file holds. A table whose version in
 * the file is newer than its definition is refused before anything is written.
 */
final class BufferTables {
    private static final System.Logger LOG = System.getLogger(RecordBuffer.class.getName());

    /** A table's version in the file; {@code recorded} false when inferred (no row in buffer_table). */
    private record Stored(int version, boolean recorded) {}

    private final BufferConnections db;
    private final Map<String, TableAccess> registered = new HashMap<>(); // under writeLock

    BufferTables(BufferConnections db) {
        this.db = db;
    }

    TableAccess register(BufferTable table) throws BufferException {
        if (table.version() == 0) {
            throw new IllegalArgumentException("table " + table.name() + " has no migration: the first one creates it");
        }
        synchronized (db.writeLock) {
            TableAccess known = registered.get(table.name());
            if (known != null) {
                if (!known.definition().equals(table)) {
                    throw new IllegalArgumentException("table " + table.name() + " is already registered with another definition");
                }
                return known;
            }
            Stored stored = db.read(c -> stored(c, table.name()));
            refuseNewer(table, stored.version());
            int version = stored.version();
            if (!db.readOnly() && (version < table.version() || !stored.recorded())) {
                db.write(c -> {
                    Stored now = stored(c, table.name());
                    refuseNewerInTransaction(table, now.version());
                    for (int v = now.version() + 1; v <= table.version(); v++) {
                        try (Statement s = c.createStatement()) {
                            for (String sql : table.migrationTo(v)) {
                                s.execute(sql);
                            }
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement(BufferSql.TABLE_VERSION_PUT)) {
                        ps.setString(1, table.name());
                        ps.setInt(2, table.version());
                        ps.executeUpdate();
                    }
                    return null;
                }, "migrate table " + table.name() + " to version " + table.version());
                if (version < table.version()) {
                    LOG.log(System.Logger.Level.INFO, "migrated table {0} of {1} from version {2} to {3}", table.name(),
                            db.file, version, table.version());
                }
                version = table.version();
            }
            TableAccess access = new TableAccess(db, table, version);
            registered.put(table.name(), access);
            return access;
        }
    }

    private void refuseNewer(BufferTable table, int stored) throws BufferException {
        if (stored > table.version()) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, db.file, "table " + table.name()
                    + " is at schema version " + stored + ", newer than version " + table.version()
                    + " that this release knows (a newer release wrote it); the buffer is left untouched", null);
        }
    }

    /** Another connection could not have changed the version since the check: this stops the write regardless. */
    private void refuseNewerInTransaction(BufferTable table, int stored) throws SQLException {
        if (stored > table.version()) {
            throw new SQLException("table " + table.name() + " is at schema version " + stored + ", newer than "
                    + table.version());
        }
    }

    /**
     * The version of {@code name} in the file: its row in {@code buffer_table}, else 1 when the
     * table exists (created by a release that did not record versions, or a buffer of schema 1
     * read without migrating), else 0.
     */
    private static Stored stored(Connection c, String name) throws SQLException {
        if (exists(c, "buffer_table")) {
            try (PreparedStatement ps = c.prepareStatement(BufferSql.TABLE_VERSION_GET)) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Stored(rs.getInt(1), true);
                    }
                }
            }
        }
        return new Stored(exists(c, name) ? 1 : 0, false);
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.TABLE_EXISTS)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }
}
