package io.certigate.core.buffer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The two connections of an open buffer and the transactions run on them: the writer (appends,
 * lifecycle updates, registered tables) and a reader, each used under its own lock, so that
 * exports and uplinks read while the sequencer commits. A read-only buffer has the reader only.
 *
 * <p>Durability levels: every write transaction commits with {@code synchronous=FULL} except the
 * ones asked for with {@code durable} false (delivery marks), which commit with {@code NORMAL}
 * (see {@link RecordBuffer}). The level is a setting of the connection that SQLite refuses to
 * change inside a transaction: it is set before {@code BEGIN}, under the write lock, whenever it
 * differs from the one the previous transaction used, so every durable transaction runs with FULL
 * whatever ran before it (a failed switch fails the transaction before it starts).
 */
final class BufferConnections {
    private static final System.Logger LOG = System.getLogger(RecordBuffer.class.getName());

    /** Work run on a connection that never leaves the buffer's package. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    final Path file;
    private final Connection writer;
    private final Connection reader;
    final Object writeLock = new Object();
    final Object readLock = new Object();
    /** The writer's synchronous level: TRUE for FULL, FALSE for NORMAL, null if unknown (under writeLock). */
    private Boolean writerDurable = Boolean.TRUE;
    /** Statements prepared once on the reader and closed with it (under readLock). */
    private final List<PreparedStatement> prepared = new ArrayList<>();

    BufferConnections(Path file, Connection writer, Connection reader) {
        this.file = file;
        this.writer = writer;
        this.reader = reader;
    }

    boolean readOnly() {
        return writer == null;
    }

    /** A statement prepared on the reader, to be kept and reused by the caller under {@link #readLock}. */
    PreparedStatement prepareOnReader(String sql) throws SQLException {
        PreparedStatement ps = reader.prepareStatement(sql);
        prepared.add(ps);
        return ps;
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction on the writer, committed with FULL. */
    <T> T write(SqlWork<T> work, String what) throws BufferException {
        return write(work, what, true);
    }

    /**
     * Runs {@code work} in one transaction on the writer; {@code durable} false commits it with
     * {@code synchronous=NORMAL} (not fsync'd), true with {@code FULL}.
     */
    <T> T write(SqlWork<T> work, String what, boolean durable) throws BufferException {
        synchronized (writeLock) {
            requireWriter(what);
            try (Statement s = writer.createStatement()) {
                if (writerDurable != durable) {
                    writerDurable = null; // unknown until the pragma is through
                    s.execute(durable ? BufferSql.SYNCHRONOUS_FULL : BufferSql.SYNCHRONOUS_NORMAL);
                    writerDurable = durable;
                }
                s.execute(BufferSql.BEGIN);
                try {
                    T result = work.run(writer);
                    s.execute(BufferSql.COMMIT);
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw translate(e, what);
            }
        }
    }

    /** Runs {@code work} on the reader connection (a consistent WAL snapshot per statement). */
    <T> T read(SqlWork<T> work) throws BufferException {
        synchronized (readLock) {
            try {
                return work.run(reader);
            } catch (SQLException e) {
                throw translate(e, "read");
            }
        }
    }

    /** Runs {@code work} on the writer outside any transaction (for a setting of the connection). */
    <T> T onWriter(SqlWork<T> work, String what) throws BufferException {
        synchronized (writeLock) {
            requireWriter(what);
            try {
                return work.run(writer);
            } catch (SQLException e) {
                throw translate(e, what);
            }
        }
    }

    void requireWriter(String what) throws BufferException {
        if (writer == null) {
            throw new BufferException(BufferException.Reason.IO, file, what + " refused: the buffer is open read-only", null);
        }
    }

    private void rollback() {
        try (Statement s = writer.createStatement()) {
            s.execute(BufferSql.ROLLBACK);
        } catch (SQLException e) {
            // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing is left open
            LOG.log(System.Logger.Level.DEBUG, "rollback after failure: {0}", e.getMessage());
        }
    }

    BufferException translate(SQLException e, String what) {
        int code = e.getErrorCode() & 0xff;
        if (code == 13) { // SQLITE_FULL
            return new BufferException(BufferException.Reason.DISK_FULL, file,
                    what + " failed: no space left for the buffer (SQLITE_FULL); nothing was committed", e);
        }
        if (isCorrupt(e)) {
            return new BufferException(BufferException.Reason.REFUSED_FILE, file, what + " failed: " + e.getMessage(), e);
        }
        return new BufferException(BufferException.Reason.IO, file, what + " failed: " + e.getMessage(), e);
    }

    static boolean isCorrupt(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == 11 || code == 26; // SQLITE_CORRUPT, SQLITE_NOTADB
    }

    /** Checkpoints the WAL into the file (writer only) and closes both connections. */
    void close() throws BufferException {
        synchronized (writeLock) {
            synchronized (readLock) {
                try {
                    if (writer != null) {
                        try (Statement s = writer.createStatement()) {
                            s.execute(BufferSql.CHECKPOINT);
                        }
                    }
                    for (PreparedStatement ps : prepared) {
                        ps.close();
                    }
                    reader.close();
                    if (writer != null) {
                        writer.close();
                    }
                } catch (SQLException e) {
                    throw translate(e, "close");
                }
            }
        }
    }
}
