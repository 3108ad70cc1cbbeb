package io.certigate.core.buffer;

import io.certigate.core.io.SqliteFiles;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>Two connections: the writer (appends, lifecycle updates) and a reader, each used under its
 * own lock, so that exports and uplinks read while the sequencer commits. A buffer opened with
 * {@link #openReadOnly} has the reader only, opened with {@code SQLITE_OPEN_READONLY}.
 *
 * <p>An existing file is identified by reading it (its header, then a read-only connection)
 * before anything may write to it, so a file that is refused is left byte-identical.
 */
public final class RecordBuffer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecordBuffer.class.getName());

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

    /** Work run on a connection, inside a transaction for {@link #transaction}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final Path file;
    private final Options options;
    private final Connection writer;
    private final Connection reader;
    private final Object writeLock = new Object();
    private final Object readLock = new Object();
    /** The writer's synchronous level: TRUE for FULL, FALSE for NORMAL, null if unknown (under writeLock). */
    private Boolean writerDurable = Boolean.TRUE;
    private volatile ChainHead head;
    private long liveRecords;
    private long undeliveredHint = 1; // under readLock
    /** Every record up to this seq is delivered (written under writeLock). */
    private volatile long deliveredThrough;
    /** Records above the watermark that carry their own delivered_ms (under writeLock). */
    private long marksAboveWatermark;
    private long unanchoredHint = 1; // under readLock
    private final List<Consumer<List<StoredRecord.Signed>>> appendListeners = new CopyOnWriteArrayList<>();
    private volatile long erasures; // written under writeLock
    private PreparedStatement undeliveredQuery; // on the reader, under readLock, prepared on first use

    private RecordBuffer(Path file, Options options, Connection writer, Connection reader, ChainHead head, long live) {
        this.file = file;
        this.options = options;
        this.writer = writer;
        this.reader = reader;
        this.head = head;
        this.liveRecords = live;
    }

    /**
     * Opens or creates the buffer. A file that is not SQLite, not a certigate buffer, of a newer
     * schema, damaged, or of another device is refused with an error naming it; it is never
     * deleted or recreated, and a refused file is left byte-identical: it is identified by
     * reading its header and then through a read-only connection (see {@code identify}) before the
     * writer connection, whose PRAGMAs switch a file to WAL, is opened.
     */
    public static RecordBuffer open(Path file, Options options) throws BufferException {
        boolean fresh = !Files.exists(file) || sizeOf(file) == 0;
        if (!fresh) {
            closeQuietly(identify(file, options.deviceId()));
        }
        Connection w = null;
        Connection r = null;
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            w = connect(file, options);
            if (fresh) {
                createSchema(w, options.deviceId());
            }
            r = connect(file, options);
            return load(file, options, w, r);
        } catch (SQLException | IOException e) {
            closeQuietly(w);
            closeQuietly(r);
            throw openFailure(file, e);
        }
    }

    /**
     * Opens an existing buffer for reading only (exports, proofs, reports, status): the file is
     * opened with {@code SQLITE_OPEN_READONLY}, never created, and neither it nor its -wal is
     * changed. A missing path is an error naming it ({@link BufferException.Reason#MISSING}); a
     * file that is not this device's buffer is refused as by {@link #open}. A buffer with a
     * pending -wal (a running or crashed gateway) is read through it, including its last
     * commits; a cleanly closed one, without a -wal, is opened {@code immutable} so that no -wal
     * or -shm is created next to it (SQLite then takes no lock: a gateway that starts on the same
     * file during the read is not seen, and a checkpoint it made meanwhile would make the read
     * fail or the export not verify, never change the file). Every write method fails on it.
     */
    public static RecordBuffer openReadOnly(Path file, String deviceId) throws BufferException {
        if (!Files.exists(file)) {
            throw new BufferException(BufferException.Reason.MISSING, file,
                    "no buffer at this path (a read-only command never creates one)", null);
        }
        if (!Files.isRegularFile(file) || sizeOf(file) == 0) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file,
                    Files.isDirectory(file) ? "a folder, not a buffer file" : "an empty file, not a buffer", null);
        }
        Options options = Options.defaults(deviceId);
        Connection r = identify(file, deviceId);
        try {
            return load(file, options, null, r);
        } catch (SQLException e) {
            closeQuietly(r);
            throw openFailure(file, e);
        }
    }

    /** Reads the chain head and delivery state of a checked buffer; {@code w} null for read-only. */
    private static RecordBuffer load(Path file, Options options, Connection w, Connection r) throws SQLException {
        Connection c = w != null ? w : r;
        ChainHead head = readHead(c);
        long live = scalar(c, BufferSql.COUNT_LIVE);
        RecordBuffer b = new RecordBuffer(file, options, w, r, head, live);
        byte[] through = getMeta(c, BufferSql.KEY_DELIVERED_THROUGH);
        b.deliveredThrough = through == null ? 0 : Long.parseLong(new String(through, StandardCharsets.US_ASCII));
        b.marksAboveWatermark = countFrom(c, BufferSql.COUNT_MARKED_FROM, b.deliveredThrough + 1);
        return b;
    }

    private static BufferException openFailure(Path file, Exception e) {
        if (e instanceof SQLException s && isCorrupt(s)) {
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

    private static Connection connect(Path file, Options o) throws SQLException {
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
            putMeta(c, BufferSql.KEY_DEVICE, deviceId.getBytes(StandardCharsets.UTF_8));
            s.execute(BufferSql.COMMIT);
        }
    }

    /** The checks of {@link BufferFileHeader#refusal} made through a connection, then integrity and owner. */
    private static void checkSchema(Connection c, Path file, String deviceId) throws SQLException, BufferException {
        long appId = scalar(c, BufferSql.APPLICATION_ID_QUERY);
        if (appId != BufferSql.APPLICATION_ID) {
            String what = appId == 0 && scalar(c, BufferSql.TABLE_COUNT) == 0 ? "an empty SQLite file without the certigate mark"
                    : "an SQLite database of another application (application_id " + appId + ")";
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file, "refusing to use " + what, null);
        }
        long version = scalar(c, BufferSql.USER_VERSION_QUERY);
        if (version != BufferSql.SCHEMA_VERSION) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file,
                    "buffer schema version " + version + " is not the supported " + BufferSql.SCHEMA_VERSION, null);
        }
        String check = quickCheck(c);
        if (!"ok".equals(check)) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file, "buffer failed quick_check: " + check, null);
        }
        byte[] dev = getMeta(c, BufferSql.KEY_DEVICE);
        String owner = dev == null ? null : new String(dev, StandardCharsets.UTF_8);
        if (!deviceId.equals(owner)) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, file,
                    "buffer belongs to device '" + owner + "', not '" + deviceId + "'", null);
        }
    }

    private static String quickCheck(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(BufferSql.QUICK_CHECK)) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(sb.length() == 0 ? "" : "; ").append(rs.getString(1));
            }
            return sb.toString();
        }
    }

    private static ChainHead readHead(Connection c) throws SQLException {
        byte[] seq = getMeta(c, BufferSql.KEY_HEAD_SEQ);
        byte[] hash = getMeta(c, BufferSql.KEY_HEAD_HASH);
        if (seq == null || hash == null) {
            return ChainHead.GENESIS;
        }
        return new ChainHead(Long.parseLong(new String(seq, StandardCharsets.US_ASCII)), hash);
    }

    public Path file() {
        return file;
    }

    /** True for a buffer opened with {@link #openReadOnly}: every write method fails on it. */
    public boolean readOnly() {
        return writer == null;
    }

    public String deviceId() {
        return options.deviceId();
    }

    /** The last committed record's seq and chain hash. */
    public ChainHead head() {
        return head;
    }

    /**
     * Commits {@code records} in one transaction; when this returns they are durable. They must
     * continue the chain: consecutive seqs starting right after {@link #head()}, each record's prev
     * being checked by the caller. {@code newHeadHash} is the chain hash of the last record.
     */
    public void append(List<StoredRecord.Signed> records, byte[] newHeadHash, long createdMs) throws BufferException {
        if (records.isEmpty()) {
            return;
        }
        synchronized (writeLock) {
            long expected = head.seq() + 1;
            for (StoredRecord.Signed r : records) {
                if (r.seq() != expected++) {
                    throw new IllegalArgumentException("append out of order: seq " + r.seq() + " after head " + head.seq());
                }
            }
            makeRoom(records.size());
            long last = records.get(records.size() - 1).seq();
            inWriteTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(BufferSql.INSERT)) {
                    for (StoredRecord.Signed r : records) {
                        ps.setLong(1, r.seq());
                        ps.setBytes(2, r.coseUnsafe());
                        ps.setLong(3, createdMs);
                        ps.executeUpdate();
                    }
                }
                putMeta(c, BufferSql.KEY_HEAD_SEQ, Long.toString(last).getBytes(StandardCharsets.US_ASCII));
                putMeta(c, BufferSql.KEY_HEAD_HASH, newHeadHash);
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

    /**
     * Called with the records of every append once they are durable, on the appending thread,
     * before {@code append} returns (the uplink takes fresh records from here instead of reading
     * them back). Must not block.
     */
    public void addAppendListener(Consumer<List<StoredRecord.Signed>> listener) {
        appendListeners.add(listener);
    }

    public void removeAppendListener(Consumer<List<StoredRecord.Signed>> listener) {
        appendListeners.remove(listener);
    }

    /** Erase calls that erased at least one record so far (a holder of record copies drops them when it moves). */
    public long erasures() {
        return erasures;
    }

    private void makeRoom(int n) throws BufferException {
        if (options.maxRecords() <= 0 || liveRecords + n <= options.maxRecords()) {
            return;
        }
        long needed = liveRecords + n - options.maxRecords();
        if (options.policy() == CapacityPolicy.PURGE_DELIVERED_AND_ANCHORED) {
            long purged = inWriteTransaction(c -> purge(c, needed), "purge");
            liveRecords -= purged;
            if (purged > 0) {
                LOG.log(System.Logger.Level.INFO, "purged {0} delivered and anchored records from {1}", purged, file);
            }
            if (liveRecords + n <= options.maxRecords()) {
                return;
            }
        }
        throw new BufferException(BufferException.Reason.CAPACITY, file, "buffer is full: " + liveRecords + " of "
                + options.maxRecords() + " records kept and policy " + options.policy() + " cannot make room", null);
    }

    private long purge(Connection c, long needed) throws SQLException {
        long through = -1;
        long count = 0;
        try (PreparedStatement ps = c.prepareStatement(BufferSql.PURGEABLE)) {
            ps.setLong(1, deliveredThrough);
            ps.setLong(2, needed);
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
        putMeta(c, BufferSql.KEY_PURGED_THROUGH, Long.toString(through).getBytes(StandardCharsets.US_ASCII));
        return deleted;
    }

    /** Records with seq in [from, to], in order: signed ones and tombstones. */
    public List<StoredRecord> range(long from, long to) throws BufferException {
        return read(c -> {
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

    /** Up to {@code limit} undelivered records after {@code afterSeq}, in seq order. */
    public List<StoredRecord> undelivered(long afterSeq, int limit) throws BufferException {
        List<StoredRecord> out = new ArrayList<>();
        forEachUndelivered(afterSeq, limit, (seq, cose, tomb) -> out.add(cose != null ? new StoredRecord.Signed(seq, cose)
                : new StoredRecord.Erased(seq, Arrays.copyOfRange(tomb, 0, 32), Arrays.copyOfRange(tomb, 32, 64))));
        return out;
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

    /**
     * Hands up to {@code limit} undelivered records after {@code afterSeq} to {@code sink}, in seq
     * order, and returns how many it handed. The uplink's read path: one statement, prepared once
     * on the reader connection and reused, and no copy of the bytes beyond the driver's own.
     */
    public int forEachUndelivered(long afterSeq, int limit, RowSink sink) throws BufferException {
        return read(c -> {
            if (undeliveredQuery == null) {
                undeliveredQuery = c.prepareStatement(BufferSql.UNDELIVERED);
            }
            PreparedStatement ps = undeliveredQuery;
            ps.setLong(1, Math.max(afterSeq, deliveredThrough));
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

    static StoredRecord toRecord(ResultSet rs) throws SQLException {
        long seq = rs.getLong(1);
        byte[] cose = rs.getBytes(2);
        if (cose != null) {
            return new StoredRecord.Signed(seq, cose);
        }
        byte[] tomb = rs.getBytes(3);
        return new StoredRecord.Erased(seq, Arrays.copyOfRange(tomb, 0, 32), Arrays.copyOfRange(tomb, 32, 64));
    }

    /** A record with the time its commit was stamped (for age-based batching). */
    public record Created(StoredRecord record, long createdMs) {}

    /** Up to {@code limit} records not yet in an anchor batch, after {@code afterSeq}, in seq order. */
    public List<Created> unbatched(long afterSeq, int limit) throws BufferException {
        return read(c -> {
            List<Created> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(BufferSql.UNBATCHED)) {
                ps.setLong(1, afterSeq);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Created(toRecord(rs), rs.getLong(4)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Inside a {@link #transaction}: assigns the unbatched records [from, to] to anchor batch
     * {@code batchId}, so that a module's batch row and the assignment commit together. Returns the
     * number of records assigned.
     */
    public static int assignBatch(Connection c, long batchId, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.ASSIGN_BATCH)) {
            ps.setLong(1, batchId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            return ps.executeUpdate();
        }
    }

    /** Inside a {@link #transaction}: marks the records of batch {@code batchId} anchored. */
    public static int markAnchored(Connection c, long batchId, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.MARK_ANCHORED)) {
            ps.setLong(1, nowMs);
            ps.setLong(2, batchId);
            return ps.executeUpdate();
        }
    }

    /**
     * Marks [from, to] delivered; returns how many records changed state. A range that continues
     * the delivered prefix moves the watermark (one meta row, whatever the range's size); a range
     * acknowledged ahead of a gap marks its rows one by one until the gap closes.
     */
    public int markDelivered(long from, long to, long nowMs) throws BufferException {
        synchronized (writeLock) {
            long w = deliveredThrough;
            long top = Math.min(to, head.seq());
            if (top <= w) {
                return 0;
            }
            long[] moved = new long[2];
            int n = inWriteTransaction(c -> {
                if (from > w + 1) {
                    try (PreparedStatement ps = c.prepareStatement(BufferSql.MARK_DELIVERED)) {
                        ps.setLong(1, nowMs);
                        ps.setLong(2, from);
                        ps.setLong(3, top);
                        int marked = ps.executeUpdate();
                        moved[0] = w;
                        moved[1] = marksAboveWatermark + marked;
                        return marked;
                    }
                }
                long already = marksAboveWatermark == 0 ? 0 : countBetween(c, w + 1, top);
                long through = top;
                long marks = 0;
                if (marksAboveWatermark > 0) {
                    // records acknowledged earlier, ahead of the gap this range closes, join the prefix
                    try (PreparedStatement ps = c.prepareStatement(BufferSql.FIRST_UNMARKED_AFTER)) {
                        ps.setLong(1, top);
                        try (ResultSet rs = ps.executeQuery()) {
                            long next = rs.next() ? rs.getLong(1) : 0;
                            through = rs.wasNull() || next == 0 ? head.seq() : next - 1;
                        }
                    }
                    marks = countFrom(c, BufferSql.COUNT_MARKED_FROM, through + 1);
                }
                putMeta(c, BufferSql.KEY_DELIVERED_THROUGH, Long.toString(through).getBytes(StandardCharsets.US_ASCII));
                putMeta(c, BufferSql.KEY_DELIVERED_THROUGH_MS, Long.toString(nowMs).getBytes(StandardCharsets.US_ASCII));
                moved[0] = through;
                moved[1] = marks;
                return (int) (top - w - already);
            }, "mark delivered " + from + ".." + to, false);
            deliveredThrough = moved[0];
            marksAboveWatermark = moved[1];
            return n;
        }
    }

    /**
     * The writer connection's current {@code PRAGMA synchronous} (1 NORMAL, 2 FULL): the level the
     * last write transaction committed with. For tests.
     */
    long writerSynchronous() throws BufferException {
        synchronized (writeLock) {
            requireWriter("read synchronous level");
            try {
                return scalar(writer, BufferSql.SYNCHRONOUS_QUERY);
            } catch (SQLException e) {
                throw translate(e, "read synchronous level");
            }
        }
    }

    /** Every record up to this seq has been delivered. */
    public long deliveredThrough() {
        return deliveredThrough;
    }

    private static long countBetween(Connection c, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.COUNT_MARKED_BETWEEN)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static long countFrom(Connection c, String sql, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Replaces the payload of each given record with a tombstone keeping its seq, chain hash and
     * leaf hash. Returns how many records were erased (already-erased ones are skipped).
     */
    public int erase(List<Long> seqs) throws BufferException {
        synchronized (writeLock) {
            int erased = eraseInTransaction(seqs);
            if (erased > 0) {
                erasures++;
            }
            return erased;
        }
    }

    private int eraseInTransaction(List<Long> seqs) throws BufferException {
        return inWriteTransaction(c -> {
            int n = 0;
            try (PreparedStatement get = c.prepareStatement(BufferSql.RANGE);
                    PreparedStatement put = c.prepareStatement(BufferSql.ERASE)) {
                for (long seq : seqs) {
                    get.setLong(1, seq);
                    get.setLong(2, seq);
                    byte[] cose = null;
                    try (ResultSet rs = get.executeQuery()) {
                        if (rs.next()) {
                            cose = rs.getBytes(2);
                        }
                    }
                    if (cose == null) {
                        continue;
                    }
                    byte[] tomb = Arrays.copyOf(RecordHashes.chainHash(cose), 64);
                    System.arraycopy(RecordHashes.leafHash(cose), 0, tomb, 32, 32);
                    put.setBytes(1, tomb);
                    put.setLong(2, seq);
                    n += put.executeUpdate();
                }
            }
            return n;
        }, "erase " + seqs.size() + " records");
    }

    /** Stores a metadata value (for example the device certificate chain) in the buffer file. */
    public void putMetadata(String key, byte[] value) throws BufferException {
        inWriteTransaction(c -> {
            putMeta(c, key, value);
            return null;
        }, "store " + key);
    }

    public byte[] metadata(String key) throws BufferException {
        return read(c -> getMeta(c, key));
    }

    /** Operator figures; cost proportional to the undelivered and unanchored backlog, not the history. */
    public Stats stats() throws BufferException {
        long live;
        synchronized (writeLock) {
            live = liveRecords;
        }
        return read(c -> {
            long[] undelivered = firstPending(c, BufferSql.FIRST_UNDELIVERED, Math.max(undeliveredHint, deliveredThrough + 1));
            long[] unanchored = firstPending(c, BufferSql.FIRST_UNANCHORED, unanchoredHint);
            undeliveredHint = undelivered[0] > 0 ? undelivered[0] : head.seq() + 1;
            unanchoredHint = unanchored[0] > 0 ? unanchored[0] : head.seq() + 1;
            long count = 0;
            if (undelivered[0] > 0) {
                try (PreparedStatement ps = c.prepareStatement(BufferSql.COUNT_UNDELIVERED_FROM)) {
                    ps.setLong(1, undelivered[0]);
                    try (ResultSet rs = ps.executeQuery()) {
                        count = rs.next() ? rs.getLong(1) : 0;
                    }
                }
            }
            return new Stats(live, count, undelivered[1], unanchored[1], head.seq(), sizeOf(file),
                    sizeOf(Path.of(file + "-wal")));
        });
    }

    /** {seq, created_ms} of the first pending record at or after {@code from}, or {0, -1}. */
    private static long[] firstPending(Connection c, String sql, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, -1};
            }
        }
    }

    /** Full {@code PRAGMA integrity_check}: "ok" or the problems found. */
    public String integrityCheck() throws BufferException {
        return read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(BufferSql.INTEGRITY_CHECK)) {
                StringBuilder sb = new StringBuilder();
                while (rs.next()) {
                    sb.append(sb.length() == 0 ? "" : "; ").append(rs.getString(1));
                }
                return sb.toString();
            }
        });
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction on the writer connection. */
    public <T> T transaction(SqlWork<T> work, String what) throws BufferException {
        synchronized (writeLock) {
            return inWriteTransaction(work, what);
        }
    }

    /** Runs {@code work} on the reader connection (a consistent WAL snapshot per statement). */
    public <T> T read(SqlWork<T> work) throws BufferException {
        synchronized (readLock) {
            try {
                return work.run(reader);
            } catch (SQLException e) {
                throw translate(e, "read");
            }
        }
    }

    private <T> T inWriteTransaction(SqlWork<T> work, String what) throws BufferException {
        return inWriteTransaction(work, what, true);
    }

    /**
     * Runs {@code work} in one transaction on the writer; {@code durable} false commits it with
     * {@code synchronous=NORMAL} (not fsync'd, see the class comment), true with {@code FULL}.
     * The level is a setting of the connection that SQLite refuses to change inside a
     * transaction: it is set before {@code BEGIN}, here, under the write lock, whenever it differs
     * from the one the previous transaction used, so every durable transaction runs with FULL
     * whatever ran before it (a failed switch fails the transaction before it starts).
     */
    private <T> T inWriteTransaction(SqlWork<T> work, String what, boolean durable) throws BufferException {
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

    private void requireWriter(String what) throws BufferException {
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

    private BufferException translate(SQLException e, String what) {
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

    private static boolean isCorrupt(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == 11 || code == 26; // SQLITE_CORRUPT, SQLITE_NOTADB
    }

    static byte[] getMeta(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.META_GET)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    static void putMeta(Connection c, String key, byte[] value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.META_PUT)) {
            ps.setString(1, key);
            ps.setBytes(2, value);
            ps.executeUpdate();
        }
    }

    static long scalar(Connection c, String sql) throws SQLException {
        return scalarOr(c, sql, 0);
    }

    private static long scalarOr(Connection c, String sql, long ifNull) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return ifNull;
            }
            long v = rs.getLong(1);
            return rs.wasNull() ? ifNull : v;
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failed open: the open error is what matters
            }
        }
    }

    @Override
    public void close() throws BufferException {
        synchronized (writeLock) {
            synchronized (readLock) {
                try {
                    if (writer != null) {
                        try (Statement s = writer.createStatement()) {
                            s.execute(BufferSql.CHECKPOINT);
                        }
                    }
                    if (undeliveredQuery != null) {
                        undeliveredQuery.close();
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
