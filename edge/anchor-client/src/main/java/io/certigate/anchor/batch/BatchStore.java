package io.certigate.anchor.batch;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The anchor batches of a device, in the {@code anchor_batch} table of its buffer file. Every
 * change that concerns records too (cutting a batch, marking it anchored) commits in one buffer
 * transaction with the records' columns, so a crash never leaves them disagreeing.
 *
 * <p>On a buffer opened read-only ({@link RecordBuffer#openReadOnly}) the table is not created:
 * a buffer that was never anchored simply has no batches, and every change is refused.
 */
public final class BatchStore {
    private final RecordBuffer buffer;
    /** False only on a read-only buffer that has no anchor_batch table. */
    private final boolean present;

    public BatchStore(RecordBuffer buffer) throws BufferException {
        this.buffer = buffer;
        if (buffer.readOnly()) {
            present = buffer.read(c -> scalar(c, AnchorSql.TABLE_PRESENT, 0)) > 0;
            return;
        }
        buffer.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(AnchorSql.SCHEMA);
            }
            return null;
        }, "create anchor_batch");
        present = true;
    }

    /** Runs a query of the batches, or answers {@code none} when the buffer has no batch table. */
    private <T> T query(RecordBuffer.SqlWork<T> work, T none) throws BufferException {
        return present ? buffer.read(work) : none;
    }

    public RecordBuffer buffer() {
        return buffer;
    }

    /** Stores a new pending batch and assigns its records, atomically; returns it. */
    public Batch cut(long firstSeq, long lastSeq, byte[] root, long nowMs) throws BufferException {
        long size = lastSeq - firstSeq + 1;
        long id = buffer.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(AnchorSql.INSERT)) {
                ps.setLong(1, firstSeq);
                ps.setLong(2, lastSeq);
                ps.setLong(3, size);
                ps.setBytes(4, root);
                ps.setLong(5, nowMs);
                ps.executeUpdate();
            }
            long batchId = scalar(c, AnchorSql.LAST_ROWID, -1);
            int assigned = RecordBuffer.assignBatch(c, batchId, firstSeq, lastSeq);
            if (assigned != size) {
                throw new SQLException("batch " + firstSeq + ".." + lastSeq + " should assign " + size
                        + " records but found " + assigned + " unbatched");
            }
            return batchId;
        }, "cut batch " + firstSeq + ".." + lastSeq);
        return byId(id).orElseThrow();
    }

    /** Highest seq already in a batch, or 0. */
    public long lastBatchedSeq() throws BufferException {
        return query(c -> scalar(c, AnchorSql.MAX_LAST_SEQ, 0), 0L);
    }

    /** Last seq of the newest anchored batch (every record up to it is anchored), or 0. */
    public long lastAnchoredSeq() throws BufferException {
        return buffer.read(c -> scalar(c, AnchorSql.LAST_ANCHORED_SEQ, 0));
    }

    /** The oldest batch not yet anchored: the one the anchorer works on (anchoring is in order). */
    public Optional<Batch> nextUnanchored() throws BufferException {
        return query(c -> one(c, AnchorSql.NEXT_UNANCHORED, null), Optional.empty());
    }

    public long unanchoredCount() throws BufferException {
        return query(c -> scalar(c, AnchorSql.COUNT_UNANCHORED, 0), 0L);
    }

    public Optional<Batch> byId(long id) throws BufferException {
        return query(c -> one(c, AnchorSql.BY_ID, id), Optional.empty());
    }

    public Optional<Batch> containing(long seq) throws BufferException {
        return query(c -> one(c, AnchorSql.BY_SEQ, seq), Optional.empty());
    }

    public List<Batch> all() throws BufferException {
        return query(c -> {
            List<Batch> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(AnchorSql.ALL)) {
                while (rs.next()) {
                    out.add(toBatch(rs));
                }
            }
            return out;
        }, List.of());
    }

    /** Persists the signed transaction of a pending batch; must commit before it is broadcast. */
    public void markSent(long id, long nonce, String txHash, byte[] rawTx, long nowMs, long chainId, String contract)
            throws BufferException {
        update(AnchorSql.MARK_SENT, "mark batch " + id + " sent", nonce, txHash, rawTx, nowMs, chainId, contract, id);
    }

    /** A sent batch whose nonce another transaction took: it will be signed again. */
    public void backToPending(long id) throws BufferException {
        update(AnchorSql.BACK_TO_PENDING, "return batch " + id + " to pending", id);
    }

    /** The root is on chain: the batch and its records are marked anchored together. */
    public void markAnchored(long id, String txHash, long chainId, String contract, long block, long nowMs)
            throws BufferException {
        buffer.transaction(c -> {
            int n = execute(c, AnchorSql.MARK_ANCHORED, txHash, chainId, contract, block, nowMs, id);
            if (n == 1) {
                RecordBuffer.markAnchored(c, id, nowMs);
            }
            return null;
        }, "mark batch " + id + " anchored");
    }

    private void update(String sql, String what, Object... args) throws BufferException {
        buffer.transaction(c -> {
            int n = execute(c, sql, args);
            if (n != 1) {
                throw new SQLException(what + ": the batch is not in the expected state");
            }
            return null;
        }, what);
    }

    private static int execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static Optional<Batch> one(Connection c, String sql, Long arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setLong(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(toBatch(rs)) : Optional.empty();
            }
        }
    }

    private static Batch toBatch(ResultSet rs) throws SQLException {
        long nonce = rs.getLong(8);
        Long n = rs.wasNull() ? null : nonce;
        return new Batch(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5), rs.getLong(6),
                Batch.State.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)), n, rs.getString(9), rs.getBytes(10),
                orMinus(rs, 11), orMinus(rs, 12), rs.getString(13), orMinus(rs, 14), orMinus(rs, 15));
    }

    private static long orMinus(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? -1 : v;
    }

    private static long scalar(Connection c, String sql, long ifNull) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return ifNull;
            }
            long v = rs.getLong(1);
            return rs.wasNull() ? ifNull : v;
        }
    }
}
