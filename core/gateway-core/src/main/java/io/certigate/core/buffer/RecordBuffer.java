package io.certigate.core.buffer;

import io.certigate.core.model.StoredRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The durable record buffer of one device: an SQLite file in WAL mode with
 * {@code synchronous=FULL}, written in {@code BEGIN IMMEDIATE} transactions. A record handed to
 * {@link #append} is durable when the call returns. All SQL lives in {@link BufferSql}.
 *
 * <p>Delivery marks ({@link #markDelivered}) are the one exception to {@code FULL}: they commit
 * with {@code synchronous=NORMAL}, into the WAL without an fsync, because a lost mark costs
 * nothing but a repeat. Delivery is a watermark row in {@code meta} (plus a {@code delivered_ms}
 * for a record acknowledged ahead of a gap); a crash or power loss can take back the last marks,
 * never anything else: in WAL mode a {@code NORMAL} commit leaves the file consistent (SQLite,
 * "PRAGMA synchronous"), WAL frames are replayed in order up to the first one not on disk, and
 * the next {@code FULL} commit (an append, an erasure, a batch or anchoring transaction) syncs the
 * WAL including every mark written before it, as does every checkpoint. So after a restart the
 * watermark is at or behind the last acknowledged batch and the uplink sends the records above it
 * again: delivery stays at least once, the collector deduplicates by (device, seq), and a record
 * is never taken for delivered without its acknowledgement. Purging only deletes records that are
 * delivered in the same file state, so a mark taken back also takes back its permission to purge.
 * Anchoring marks are not re-derivable (they record which batch root is on the ledger) and stay
 * {@code FULL}. The level is switched on the writer connection before each transaction that needs
 * the other one, under the write lock.
 *
 * <p>Two connections ({@link BufferConnections}): the writer (appends, lifecycle updates) and a
 * reader, each used under its own lock, so that exports and uplinks read while the sequencer
 * commits. A buffer opened with {@link #openReadOnly} has the reader only, opened with
 * {@code SQLITE_OPEN_READONLY}. Neither connection leaves the buffer: a module that keeps a table
 * in the file (anchor batches, odometer state, CoAP sensor marks) registers its definition
 * ({@link #register}) and runs its statements through a {@link Tx}.
 *
 * <p>An existing file is identified by reading it (its header, then a read-only connection)
 * before anything may write to it, so a file that is refused is left byte-identical
 * ({@link BufferFile}). This class is the facade over the parts: {@link RecordLog} (appends and
 * reads), {@link DeliveryWatermark}, {@link Erasure}, {@link BufferStats}, {@link BufferTables}.
 */
public final class RecordBuffer implements AutoCloseable {
    /**
     * @param deviceId     the device whose chain this file holds; a file of another device is refused
     * @param maxRecords   records kept at most (live and erased); 0 for no limit
     * @param policy       what to do at that limit
     * @param busyTimeout  how long a statement waits for another connection's lock
     * @param maxPageCount SQLite page limit (0: none), a way to bound the file below the disk size
     */
    public record Options(String deviceId, long maxRecords, CapacityPolicy policy, Duration busyTimeout,
            long maxPageCount) {
        public static Options defaults(String deviceId) {
            return new Options(deviceId, 0, CapacityPolicy.REJECT, Duration.ofSeconds(5), 0);
        }

        public Options withCapacity(long max, CapacityPolicy p) {
            return new Options(deviceId, max, p, busyTimeout, maxPageCount);
        }

        public Options withMaxPageCount(long pages) {
            return new Options(deviceId, maxRecords, policy, busyTimeout, pages);
        }
    }

    /**
     * Operator figures. Ages are in milliseconds of the clock that stamped created_ms; -1 if none.
     * {@code dbBytes} is the database file, {@code walBytes} its write-ahead log (0 when absent).
     */
    public record Stats(long records, long undelivered, long oldestUndeliveredMs, long oldestUnanchoredMs,
            long headSeq, long dbBytes, long walBytes) {
        /** The database file and its WAL together. */
        public long fileBytes() {
            return dbBytes + walBytes;
        }
    }

    /** Receives the rows of {@link #forEachUndelivered}, in seq order. */
    @FunctionalInterface
    public interface RowSink {
        /**
         * One record: {@code cose} for a signed record (tombstone null), else {@code tomb}, its chain
         * hash followed by its leaf hash (32 + 32 bytes). The arrays are fresh: the sink may keep them.
         */
        void accept(long seq, byte[] cose, byte[] tomb);
    }

    /** A record with the time its commit was stamped (for age-based batching). */
    public record Created(StoredRecord record, long createdMs) {}

    private final Options options;
    private final BufferConnections db;
    private final RecordLog log;
    private final DeliveryWatermark delivery;
    private final Erasure erasure;
    private final BufferStats stats;
    private final BufferTables tables;

    private RecordBuffer(Options options, BufferConnections db, RecordLog log, DeliveryWatermark delivery) {
        this.options = options;
        this.db = db;
        this.log = log;
        this.delivery = delivery;
        this.erasure = new Erasure(db);
        this.stats = new BufferStats(db, log, delivery);
        this.tables = new BufferTables(db);
    }

    /**
     * Opens or creates the buffer. A file that is not SQLite, not a certigate buffer, of a newer
     * schema, damaged, or of another device is refused with an error naming it; it is never
     * deleted or recreated, and a refused file is left byte-identical: it is identified by
     * reading its header and then through a read-only connection before the writer connection,
     * whose PRAGMAs switch a file to WAL, is opened. A buffer of an earlier schema is migrated.
     */
    public static RecordBuffer open(Path file, Options options) throws BufferException {
        return load(options, BufferFile.open(file, options));
    }

    /**
     * Opens an existing buffer for reading only (exports, proofs, reports, status): the file is
     * opened with {@code SQLITE_OPEN_READONLY}, never created, never migrated, and neither it nor
     * its -wal is changed. A missing path is an error naming it ({@link BufferException.Reason#MISSING}); a
     * file that is not this device's buffer is refused as by {@link #open}. A buffer with a
     * pending -wal (a running or crashed gateway) is read through it, including its last
     * commits; a cleanly closed one, without a -wal, is opened {@code immutable} so that no -wal
     * or -shm is created next to it (SQLite then takes no lock: a gateway that starts on the same
     * file during the read is not seen, and a checkpoint it made meanwhile would make the read
     * fail or the export not verify, never change the file). Every write method fails on it.
     */
    public static RecordBuffer openReadOnly(Path file, String deviceId) throws BufferException {
        return load(Options.defaults(deviceId), BufferFile.openReadOnly(file, deviceId));
    }

    /** Reads the chain head and delivery state of a checked buffer. */
    private static RecordBuffer load(Options options, BufferConnections db) throws BufferException {
        try {
            return db.read(c -> {
                DeliveryWatermark delivery = DeliveryWatermark.load(db, c);
                return new RecordBuffer(options, db, RecordLog.load(db, options, delivery, c), delivery);
            });
        } catch (BufferException e) {
            try {
                db.close();
            } catch (BufferException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public Path file() {
        return db.file;
    }

    /** True for a buffer opened with {@link #openReadOnly}: every write method fails on it. */
    public boolean readOnly() {
        return db.readOnly();
    }

    public String deviceId() {
        return options.deviceId();
    }

    /** The last committed record's seq and chain hash. */
    public ChainHead head() {
        return log.head();
    }

    /**
     * Commits {@code records} in one transaction; when this returns they are durable. They must
     * continue the chain: consecutive seqs starting right after {@link #head()}, each record's prev
     * being checked by the caller. {@code newHeadHash} is the chain hash of the last record.
     */
    public void append(List<StoredRecord.Signed> records, byte[] newHeadHash, long createdMs) throws BufferException {
        log.append(records, newHeadHash, createdMs);
    }

    /**
     * Called with the records of every append once they are durable, on the appending thread,
     * before {@code append} returns (the uplink takes fresh records from here instead of reading
     * them back). Must not block.
     */
    public void addAppendListener(Consumer<List<StoredRecord.Signed>> listener) {
        log.addAppendListener(listener);
    }

    public void removeAppendListener(Consumer<List<StoredRecord.Signed>> listener) {
        log.removeAppendListener(listener);
    }

    /**
     * Holds the capacity policy's purge back for another reader of the chain (a forwarding
     * route): no record above {@code heldAbove.getAsLong()} is purged, whatever the main uplink's
     * delivery and the anchoring say. Called under the write lock; must be quick and not block.
     */
    public void holdPurge(java.util.function.LongSupplier heldAbove) {
        log.holdPurge(heldAbove);
    }

    /** Removes a hold given to {@link #holdPurge}. */
    public void releasePurge(java.util.function.LongSupplier heldAbove) {
        log.releasePurge(heldAbove);
    }

    /** Erase calls that erased at least one record so far (a holder of record copies drops them when it moves). */
    public long erasures() {
        return erasure.erasures();
    }

    /** Records with seq in [from, to], in order: signed ones and tombstones. */
    public List<StoredRecord> range(long from, long to) throws BufferException {
        return log.range(from, to);
    }

    /** Up to {@code limit} undelivered records after {@code afterSeq}, in seq order. */
    public List<StoredRecord> undelivered(long afterSeq, int limit) throws BufferException {
        List<StoredRecord> out = new ArrayList<>();
        forEachUndelivered(afterSeq, limit, (seq, cose, tomb) -> out.add(cose != null ? new StoredRecord.Signed(seq, cose)
                : RecordLog.erased(seq, tomb)));
        return out;
    }

    /**
     * Hands up to {@code limit} undelivered records after {@code afterSeq} to {@code sink}, in seq
     * order, and returns how many it handed. The uplink's read path: one statement, prepared once
     * on the reader connection and reused, and no copy of the bytes beyond the driver's own.
     */
    public int forEachUndelivered(long afterSeq, int limit, RowSink sink) throws BufferException {
        return log.forEachUndelivered(afterSeq, limit, sink);
    }

    /** Up to {@code limit} records not yet in an anchor batch, after {@code afterSeq}, in seq order. */
    public List<Created> unbatched(long afterSeq, int limit) throws BufferException {
        return log.unbatched(afterSeq, limit);
    }

    /**
     * Marks [from, to] delivered; returns how many records changed state. A range that continues
     * the delivered prefix moves the watermark (one meta row, whatever the range's size); a range
     * acknowledged ahead of a gap marks its rows one by one until the gap closes.
     */
    public int markDelivered(long from, long to, long nowMs) throws BufferException {
        synchronized (db.writeLock) {
            return delivery.mark(from, to, nowMs, log.head().seq());
        }
    }

    /** Every record up to this seq has been delivered. */
    public long deliveredThrough() {
        return delivery.through();
    }

    /**
     * The writer connection's current {@code PRAGMA synchronous} (1 NORMAL, 2 FULL): the level the
     * last write transaction committed with. For tests.
     */
    long writerSynchronous() throws BufferException {
        return db.onWriter(c -> Rows.scalar(c, BufferSql.SYNCHRONOUS_QUERY), "read synchronous level");
    }

    /**
     * Replaces the payload of each given record with a tombstone keeping its seq, chain hash and
     * leaf hash. Returns how many records were erased (already-erased ones are skipped).
     */
    public int erase(List<Long> seqs) throws BufferException {
        return erasure.erase(seqs);
    }

    /** Stores a metadata value (for example the device certificate chain) in the buffer file. */
    public void putMetadata(String key, byte[] value) throws BufferException {
        db.write(c -> {
            Rows.putMeta(c, key, value);
            return null;
        }, "store " + key);
    }

    public byte[] metadata(String key) throws BufferException {
        return db.read(c -> Rows.getMeta(c, key));
    }

    /** Operator figures; cost proportional to the undelivered and unanchored backlog, not the history. */
    public Stats stats() throws BufferException {
        return stats.stats();
    }

    /** Full {@code PRAGMA integrity_check}: "ok" or the problems found. */
    public String integrityCheck() throws BufferException {
        return stats.integrityCheck();
    }

    /**
     * Registers a table that another module keeps in this file and returns its access. On a
     * read-write buffer the table's missing migrations run now (each in one transaction with its
     * new version in {@code buffer_table}); on a read-only one nothing is written and the table is
     * read at the version the file holds. A table whose version in the file is newer than
     * {@code table} is refused ({@link BufferException.Reason#REFUSED_FILE}) with the file, the
     * table and both versions, and nothing is written. Registering the same definition again
     * returns the same access.
     */
    public TableAccess register(BufferTable table) throws BufferException {
        return tables.register(table);
    }

    @Override
    public void close() throws BufferException {
        db.close();
    }
}
