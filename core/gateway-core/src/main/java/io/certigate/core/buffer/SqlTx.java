package io.certigate.core.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link Tx} over one of the buffer's connections, valid while its work runs. */
final class SqlTx implements Tx {
    private final Connection c;
    private final boolean writable;
    private boolean done;

    private SqlTx(Connection c, boolean writable) {
        this.c = c;
        this.writable = writable;
    }

    /** Runs {@code work} with a Tx on {@code c}; the Tx is closed when it returns. */
    static <T> T run(Connection c, boolean writable, Work<T> work) throws SQLException {
        SqlTx tx = new SqlTx(c, writable);
        try {
            return work.run(tx);
        } finally {
            tx.done = true;
        }
    }

    private Connection connection(boolean write) throws SQLException {
        if (done) {
            throw new SQLException("this transaction is over: a Tx is valid only inside its work");
        }
        if (write && !writable) {
            throw new SQLException("a write inside a read: use TableAccess.write");
        }
        return c;
    }

    private PreparedStatement prepare(String sql, Object[] args, boolean write) throws SQLException {
        PreparedStatement ps = connection(write).prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    @Override
    public int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args, true)) {
            return ps.executeUpdate();
        }
    }

    @Override
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args, false); ResultSet rs = ps.executeQuery()) {
            Row row = new ResultRow(rs);
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(row));
            }
            return out;
        }
    }

    @Override
    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args, false); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(mapper.map(new ResultRow(rs))) : Optional.empty();
        }
    }

    @Override
    public long scalar(String sql, long ifNull, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args, false); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return ifNull;
            }
            long v = rs.getLong(1);
            return rs.wasNull() ? ifNull : v;
        }
    }

    @Override
    public long lastInsertId() throws SQLException {
        return scalar("SELECT last_insert_rowid()", -1);
    }

    @Override
    public int assignBatch(long batchId, long from, long to) throws SQLException {
        return RecordLog.assignBatch(connection(true), batchId, from, to);
    }

    @Override
    public int markAnchored(long batchId, long nowMs) throws SQLException {
        return RecordLog.markAnchored(connection(true), batchId, nowMs);
    }

    /** The current row of a result set, read only while the mapper runs. */
    private record ResultRow(ResultSet rs) implements Row {
        @Override
        public long getLong(int column) throws SQLException {
            return rs.getLong(column);
        }

        @Override
        public Long getLongOrNull(int column) throws SQLException {
            long v = rs.getLong(column);
            return rs.wasNull() ? null : v;
        }

        @Override
        public String getString(int column) throws SQLException {
            return rs.getString(column);
        }

        @Override
        public byte[] getBytes(int column) throws SQLException {
            return rs.getBytes(column);
        }
    }
}
