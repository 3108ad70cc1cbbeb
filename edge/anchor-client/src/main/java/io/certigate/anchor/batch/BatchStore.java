package io.certigate.anchor.batch;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.BufferTable;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.buffer.TableAccess;
import io.certigate.core.buffer.Tx;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The anchor batches of a device, in the {@code anchor_batch} table of its buffer file, registered
 * with the buffer ({@link #TABLE}). Every change that concerns records too (cutting a batch,
 * marking it anchored) commits in one buffer transaction with the records' columns
 * ({@link Tx#assignBatch}, {@link Tx#markAnchored}), so a crash never leaves them disagreeing.
 *
 * <p>On a buffer opened read-only ({@link RecordBuffer#openReadOnly}) the table is not created:
 * a buffer that was never anchored simply has no batches, and every change is refused.
 */
public final class BatchStore {
    /** The table's definition: version 1 is the table every earlier release created. */
    public static final BufferTable TABLE = BufferTable.named("anchor_batch").migration(AnchorSql.SCHEMA);

    private final RecordBuffer buffer;
    private final TableAccess table;

    public BatchStore(RecordBuffer buffer) throws BufferException {
        this.buffer = buffer;
        this.table = buffer.register(TABLE);
    }

    /** Runs a query of the batches, or answers {@code none} when the buffer has no batch table. */
    private <T> T query(Tx.Work<T> work, T none) throws BufferException {
        return table.present() ? table.read(work) : none;
    }

    public RecordBuffer buffer() {
        return buffer;
    }

    /** Stores a new pending batch and assigns its records, atomically; returns it. */
    public Batch cut(long firstSeq, long lastSeq, byte[] root, long nowMs) throws BufferException {
        long size = lastSeq - firstSeq + 1;
        long id = table.write("cut batch " + firstSeq + ".." + lastSeq, tx -> {
            tx.update(AnchorSql.INSERT, firstSeq, lastSeq, size, root, nowMs);
            long batchId = tx.lastInsertId();
            int assigned = tx.assignBatch(batchId, firstSeq, lastSeq);
            if (assigned != size) {
                throw new SQLException("batch " + firstSeq + ".." + lastSeq + " should assign " + size
                        + " records but found " + assigned + " unbatched");
            }
            return batchId;
        });
        return byId(id).orElseThrow();
    }

    /** Highest seq already in a batch, or 0. */
    public long lastBatchedSeq() throws BufferException {
        return query(tx -> tx.scalar(AnchorSql.MAX_LAST_SEQ, 0), 0L);
    }

    /** Last seq of the newest anchored batch (every record up to it is anchored), or 0. */
    public long lastAnchoredSeq() throws BufferException {
        return query(tx -> tx.scalar(AnchorSql.LAST_ANCHORED_SEQ, 0), 0L);
    }

    /** The oldest batch not yet anchored: the one the anchorer works on (anchoring is in order). */
    public Optional<Batch> nextUnanchored() throws BufferException {
        return query(tx -> tx.queryOne(AnchorSql.NEXT_UNANCHORED, BatchStore::toBatch), Optional.empty());
    }

    public long unanchoredCount() throws BufferException {
        return query(tx -> tx.scalar(AnchorSql.COUNT_UNANCHORED, 0), 0L);
    }

    public Optional<Batch> byId(long id) throws BufferException {
        return query(tx -> tx.queryOne(AnchorSql.BY_ID, BatchStore::toBatch, id), Optional.empty());
    }

    public Optional<Batch> containing(long seq) throws BufferException {
        return query(tx -> tx.queryOne(AnchorSql.BY_SEQ, BatchStore::toBatch, seq), Optional.empty());
    }

    public List<Batch> all() throws BufferException {
        return query(tx -> tx.query(AnchorSql.ALL, BatchStore::toBatch), List.of());
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
        table.write("mark batch " + id + " anchored", tx -> {
            int n = tx.update(AnchorSql.MARK_ANCHORED, txHash, chainId, contract, block, nowMs, id);
            if (n == 1) {
                tx.markAnchored(id, nowMs);
            }
            return null;
        });
    }

    private void update(String sql, String what, Object... args) throws BufferException {
        table.write(what, tx -> {
            int n = tx.update(sql, args);
            if (n != 1) {
                throw new SQLException(what + ": the batch is not in the expected state");
            }
            return null;
        });
    }

    private static Batch toBatch(Tx.Row r) throws SQLException {
        return new Batch(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getBytes(5), r.getLong(6),
                Batch.State.valueOf(r.getString(7).toUpperCase(Locale.ROOT)), r.getLongOrNull(8), r.getString(9),
                r.getBytes(10), orMinus(r, 11), orMinus(r, 12), r.getString(13), orMinus(r, 14), orMinus(r, 15));
    }

    private static long orMinus(Tx.Row r, int col) throws SQLException {
        Long v = r.getLongOrNull(col);
        return v == null ? -1 : v;
    }
}
