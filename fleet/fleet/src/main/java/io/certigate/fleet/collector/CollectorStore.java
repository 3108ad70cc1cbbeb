package io.certigate.fleet.collector;

import io.certigate.core.io.PrivateFiles;
import io.certigate.core.io.SqliteFiles;
import io.certigate.core.model.StoredRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The collector's SQLite file (see {@link CollectorSql}); one connection, used under a lock. */
final class CollectorStore implements AutoCloseable {

    enum Outcome { NEW, DUPLICATE, CONFLICT }

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /** The row held under one (device, seq): {@code cose} null when it is a tombstone. */
    record Held(byte[] cose, byte[] chainHash, byte[] leafHash, boolean verified) {}

    /**
     * Per-device figures: verified rows (signed records and the tombstones that replaced them),
     * the highest verified seq, rows not yet verified.
     */
    record DeviceCounts(long verified, long maxVerifiedSeq, long unverified) {}

    private final Connection c;

    private CollectorStore(Connection c) {
        this.c = c;
    }

    /**
     * Opens or creates the collector database. An existing file is identified first, by reading it
     * ({@link SqliteFiles#requireStore}), and refused unchanged unless it is a collector database
     * (or an SQLite file without tables); only then does the connection switch it to WAL and add
     * the tables. A new file is created 0600 and its new folders 0700 ({@link PrivateFiles}): it
     * holds every device's readings.
     */
    static CollectorStore open(Path file) throws SQLException {
        SqliteFiles.requireStore(file, CollectorSql.APPLICATION_ID, CollectorSql.TABLES);
        try {
            // owner-only before SQLite opens it (the -wal and -shm take its mode); existing files keep theirs
            PrivateFiles.create(file);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create " + file + ": " + e.getMessage(), e);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            for (String p : CollectorSql.PRAGMAS) {
                s.execute(p);
            }
            try (ResultSet rs = s.executeQuery(CollectorSql.APPLICATION_ID_QUERY)) {
                if (rs.next() && rs.getLong(1) == 0) {
                    s.execute(CollectorSql.SET_APPLICATION_ID);
                }
            }
            for (String ddl : CollectorSql.SCHEMA) {
                s.execute(ddl);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new CollectorStore(c);
    }

    synchronized <T> T transaction(Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T t = work.run();
            c.commit();
            return t;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    synchronized Outcome put(String device, long seq, byte[] cose, byte[] chainHash, byte[] leafHash, boolean verified,
            long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.INSERT)) {
            ps.setString(1, device);
            ps.setLong(2, seq);
            ps.setBytes(3, cose);
            ps.setBytes(4, chainHash);
            ps.setBytes(5, leafHash);
            ps.setInt(6, verified ? 1 : 0);
            ps.setLong(7, nowMs);
            if (ps.executeUpdate() == 1) {
                return Outcome.NEW;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.CHAIN_HASH_OF)) {
            ps.setString(1, device);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && Arrays.equals(rs.getBytes(1), chainHash) ? Outcome.DUPLICATE : Outcome.CONFLICT;
            }
        }
    }

    /** The row stored under (device, seq), or null when the slot is empty. */
    synchronized Held held(String device, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.HELD_OF)) {
            ps.setString(1, device);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Held(rs.getBytes(1), rs.getBytes(2), rs.getBytes(3), rs.getInt(4) == 1) : null;
            }
        }
    }

    /** Replaces the verified signed record under (device, seq) by its tombstone; false if none was held. */
    synchronized boolean erase(String device, long seq, byte[] leafHash, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.ERASE)) {
            ps.setBytes(1, leafHash);
            ps.setLong(2, nowMs);
            ps.setString(3, device);
            ps.setLong(4, seq);
            return ps.executeUpdate() == 1;
        }
    }

    synchronized Map<Long, byte[]> unverified(String device) throws SQLException {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.UNVERIFIED_OF)) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getBytes(2));
                }
            }
        }
        return out;
    }

    synchronized void setVerified(String device, long seq, boolean ok) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ok ? CollectorSql.SET_VERIFIED : CollectorSql.DELETE_ONE)) {
            ps.setString(1, device);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
    }

    /**
     * At most {@code limit} verified records of {@code device} with a seq above {@code after}, in seq
     * order: the report walks a device page by page, so neither its memory nor the time it holds
     * the store's lock grows with the number of records.
     */
    synchronized List<StoredRecord> verifiedRecords(String device, long after, int limit) throws SQLException {
        List<StoredRecord> out = new ArrayList<>(Math.min(limit, 4096));
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.RECORDS_PAGE)) {
            ps.setString(1, device);
            ps.setLong(2, after);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] cose = rs.getBytes(2);
                    out.add(cose != null ? new StoredRecord.Signed(rs.getLong(1), cose)
                            : new StoredRecord.Erased(rs.getLong(1), rs.getBytes(3), rs.getBytes(4)));
                }
            }
        }
        return out;
    }

    synchronized List<String> devices() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CollectorSql.DEVICES)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    synchronized DeviceCounts counts(String device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.COUNT_OF)) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new DeviceCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    /** Rows of {@code device} stored and not (yet) verified. */
    synchronized long unverifiedCount(String device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.UNVERIFIED_COUNT_OF)) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Deletes every unverified row received before {@code beforeMs}; returns how many. */
    synchronized int expireUnverified(long beforeMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.EXPIRE_UNVERIFIED)) {
            ps.setLong(1, beforeMs);
            return ps.executeUpdate();
        }
    }

    synchronized void putKey(String device, byte[] spki, String source) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CollectorSql.KEY_PUT)) {
            ps.setString(1, device);
            ps.setBytes(2, spki);
            ps.setString(3, source);
            ps.executeUpdate();
        }
    }

    synchronized Map<String, List<byte[]>> keys() throws SQLException {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CollectorSql.KEYS_ALL)) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getBytes(2));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() throws SQLException {
        c.close();
    }
}
