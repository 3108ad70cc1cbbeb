package io.certigate.core.buffer;

import io.certigate.core.model.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The {@code record} table: the chain head, appends (with the capacity policy), the reads of
 * ranges, of the undelivered and of the unbatched records, and the batch and anchoring columns
 * that the anchor batches' table sets inside its own transactions ({@link Tx#assignBatch},
 * {@link Tx#markAnchored}).
 */
final class RecordLog {
    private static final System.Logger LOG = System.getLogger(RecordBuffer.class.getName());

    private final BufferConnections db;
    private final RecordBuffer.Options options;
    private final DeliveryWatermark delivery;
    private volatile ChainHead head;
    private long liveRecords; // under writeLock
    private final List<Consumer<List<StoredRecord.Signed>>> appendListeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.LongSupplier> purgeHolds = new CopyOnWriteArrayList<>();
    private PreparedStatement undeliveredQuery; // on the reader, under readLock, prepared on first use

    private RecordLog(BufferConnections db, RecordBuffer.Options options, DeliveryWatermark delivery, ChainHead head,
            long live) {
        this.db = db;
        this.options = options;
        this.delivery = delivery;
        this.head = head;
        this.liveRecords = live;
    }

    static RecordLog load(BufferConnections db, RecordBuffer.Options options, DeliveryWatermark delivery, Connection c)
            throws SQLException {
        byte[] seq = Rows.getMeta(c, BufferSql.KEY_HEAD_SEQ);
        byte[] hash = Rows.getMeta(c, BufferSql.KEY_HEAD_HASH);
        ChainHead head = seq == null || hash == null ? ChainHead.GENESIS
                : new ChainHead(Long.parseLong(new String(seq, StandardCharsets.US_ASCII)), hash);
        return new RecordLog(db, options, delivery, head, Rows.scalar(c, BufferSql.COUNT_LIVE));
    }

    ChainHead head() {
        return head;
    }

    long liveRecords() {
        synchronized (db.writeLock) {
            return liveRecords;
        }
    }

    /** See {@link RecordBuffer#append}. */
    void append(List<StoredRecord.Signed> records, byte[] newHeadHash, long createdMs) throws BufferException {
        if (records.isEmpty()) {
            return;
        }
        synchronized (db.writeLock) {
            long expected = head.seq() + 1;
            for (StoredRecord.Signed r : records) {
                if (r.seq() != expected++) {
                    throw new IllegalArgumentException("append out of order: seq " + r.seq() + " after head " + head.seq());
                }
            }
            makeRoom(records.size());
            long last = records.get(records.size() - 1).seq();
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(BufferSql.INSERT)) {
                    for (StoredRecord.Signed r : records) {
                        ps.setLong(1, r.seq());
                        ps.setBytes(2, r.coseUnsafe());
                        ps.setLong(3, createdMs);
                        ps.executeUpdate();
                    }
                }
                Rows.putMeta(c, BufferSql.KEY_HEAD_SEQ, Long.toString(last).getBytes(StandardCharsets.US_ASCII));
                Rows.putMeta(c, BufferSql.KEY_HEAD_HASH, newHeadHash);
                return null;
            }, "append seq " + records.get(0).seq() + ".." + last);
            head = new ChainHead(last, newHeadHash);
            liveRecords += records.size();
            if (!appendListeners.isEmpty()) {
                List<StoredRecord.Signed> appended = List.copyOf(records);
                for (Consumer<List<StoredRecord.Signed>> l : appendListeners) {
                    try {
                        l.accept(appended);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "append listener failed: " + e, e);
                    }
                }
            }
        }
    }

    /** See {@link RecordBuffer#holdPurge}. */
    void holdPurge(java.util.function.LongSupplier heldAbove) {
        purgeHolds.add(heldAbove);
    }

    void releasePurge(java.util.function.LongSupplier heldAbove) {
        purgeHolds.remove(heldAbove);
    }

    /** The highest seq every holder lets the purge delete. */
    private long purgeHold() {
        long min = Long.MAX_VALUE;
        for (java.util.function.LongSupplier h : purgeHolds) {
            min = Math.min(min, h.getAsLong());
        }
        return min;
    }

    void addAppendListener(Consumer<List<StoredRecord.Signed>> listener) {
        appendListeners.add(listener);
    }

    void removeAppendListener(Consumer<List<StoredRecord.Signed>> listener) {
        appendListeners.remove(listener);
    }

    private void makeRoom(int n) throws BufferException {
        if (options.maxRecords() <= 0 || liveRecords + n <= options.maxRecords()) {
            return;
        }
        long needed = liveRecords + n - options.maxRecords();
        if (options.policy() == CapacityPolicy.PURGE_DELIVERED_AND_ANCHORED) {
            long purged = db.write(c -> purge(c, needed), "purge");
            liveRecords -= purged;
            if (purged > 0) {
                LOG.log(System.Logger.Level.INFO, "purged {0} delivered and anchored records from {1}", purged, db.file);
            }
            if (liveRecords + n <= options.maxRecords()) {
                return;
            }
        }
        throw new BufferException(BufferException.Reason.CAPACITY, db.file, "buffer is full: " + liveRecords + " of "
                + options.maxRecords() + " records kept and policy " + options.policy() + " cannot make room", null);
    }

    private long purge(Connection c, long needed) throws SQLException {
        long deliveredThrough = delivery.through();
        long through = -1;
        long count = 0;
        try (PreparedStatement ps = c.prepareStatement(BufferSql.PURGEABLE)) {
            ps.setLong(1, deliveredThrough);
            ps.setLong(2, purgeHold());
            ps.setLong(3, needed);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    through = rs.getLong(1);
                    count++;
                }
            }
        }
        if (count == 0) {
            return 0;
        }
        long deleted;
        try (PreparedStatement ps = c.prepareStatement(BufferSql.DELETE_THROUGH)) {
            ps.setLong(1, through);
            ps.setLong(2, deliveredThrough);
            deleted = ps.executeUpdate();
        }
        Rows.putMeta(c, BufferSql.KEY_PURGED_THROUGH, Long.toString(through).getBytes(StandardCharsets.US_ASCII));
        return deleted;
    }

    /** Records with seq in [from, to], in order: signed ones and tombstones. */
    List<StoredRecord> range(long from, long to) throws BufferException {
        return db.read(c -> {
            List<StoredRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(BufferSql.RANGE)) {
                ps.setLong(1, from);
                ps.setLong(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(toRecord(rs));
                    }
                }
            }
            return out;
        });
    }

    /** See {@link RecordBuffer#forEachUndelivered}: one statement, prepared once on the reader and reused. */
    int forEachUndelivered(long afterSeq, int limit, RecordBuffer.RowSink sink) throws BufferException {
        return db.read(c -> {
            if (undeliveredQuery == null) {
                undeliveredQuery = db.prepareOnReader(BufferSql.UNDELIVERED);
            }
            PreparedStatement ps = undeliveredQuery;
            ps.setLong(1, Math.max(afterSeq, delivery.through()));
            ps.setInt(2, limit);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    byte[] cose = rs.getBytes(2);
                    sink.accept(seq, cose, cose == null ? rs.getBytes(3) : null);
                    n++;
                }
            }
            return n;
        });
    }

    /** Up to {@code limit} records not yet in an anchor batch, after {@code afterSeq}, in seq order. */
    List<RecordBuffer.Created> unbatched(long afterSeq, int limit) throws BufferException {
        return db.read(c -> {
            List<RecordBuffer.Created> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(BufferSql.UNBATCHED)) {
                ps.setLong(1, afterSeq);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RecordBuffer.Created(toRecord(rs), rs.getLong(4)));
                    }
                }
            }
            return out;
        });
    }

    /** Inside a write transaction: assigns the unbatched records [from, to] to batch {@code batchId}. */
    static int assignBatch(Connection c, long batchId, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.ASSIGN_BATCH)) {
            ps.setLong(1, batchId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            return ps.executeUpdate();
        }
    }

    /** Inside a write transaction: marks the records of batch {@code batchId} anchored. */
    static int markAnchored(Connection c, long batchId, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.MARK_ANCHORED)) {
            ps.setLong(1, nowMs);
            ps.setLong(2, batchId);
            return ps.executeUpdate();
        }
    }

    static StoredRecord toRecord(ResultSet rs) throws SQLException {
        long seq = rs.getLong(1);
        byte[] cose = rs.getBytes(2);
        if (cose != null) {
            return new StoredRecord.Signed(seq, cose);
        }
        return erased(seq, rs.getBytes(3));
    }

    static StoredRecord.Erased erased(long seq, byte[] tomb) {
        return new StoredRecord.Erased(seq, Arrays.copyOfRange(tomb, 0, 32), Arrays.copyOfRange(tomb, 32, 64));
    }
}
