package io.certigate.core.buffer;

/**
 * Every SQL statement of the record buffer, in one place.
 *
 * <p>Lifecycle of a record: <b>created</b> ({@code created_ms}, set in the transaction that
 * commits it), <b>delivered</b> once an uplink peer acknowledged it: records are delivered in seq
 * order, so delivery is a watermark ({@code meta.delivered_through}, with its time in
 * {@code meta.delivered_through_ms}: one row written per acknowledgement, not one per record), and
 * only a record acknowledged ahead of a gap gets its own {@code delivered_ms},
 * <b>batched</b> ({@code batch_id}) and <b>anchored</b> ({@code anchored_ms}) once its batch root
 * is on the ledger, <b>erased</b> ({@code cose} NULL, {@code tomb} = chain hash ‖ leaf hash), and
 * <b>purged</b> (row deleted once delivered and anchored, under the purge capacity policy; the
 * highest purged seq is kept in {@code meta.purged_through}).
 */
final class BufferSql {
    private BufferSql() {}

    /** "Cgt1": marks the file as a certigate buffer. */
    static final int APPLICATION_ID = 0x43677431;
    /**
     * The layout of the buffer's own tables ({@code meta}, {@code record}, {@code buffer_table}).
     * 1: meta and record; 2: adds {@code buffer_table}, the versions of the tables registered by
     * other modules. A file of an earlier version is migrated when opened read-write
     * ({@link #MIGRATIONS}); a later one is refused.
     */
    static final int SCHEMA_VERSION = 2;

    /** The writer's level for every transaction but delivery marks, set on connect. */
    static final String SYNCHRONOUS_FULL = "PRAGMA synchronous=FULL";
    /** The writer's level for delivery marks only: committed to the WAL without an fsync. */
    static final String SYNCHRONOUS_NORMAL = "PRAGMA synchronous=NORMAL";
    static final String SYNCHRONOUS_QUERY = "PRAGMA synchronous";

    static final String[] PRAGMAS = {
        // 8 KiB pages pack ~280-byte records with less slack than the default 4 KiB; this only
        // takes effect on a new file, before WAL mode is set
        "PRAGMA page_size=8192",
        "PRAGMA journal_mode=WAL",
        SYNCHRONOUS_FULL,
        "PRAGMA foreign_keys=ON",
        "PRAGMA wal_autocheckpoint=1000",
        "PRAGMA journal_size_limit=16777216",
    };

    /** The registered tables and the schema version of each one in this file. */
    static final String CREATE_TABLE_VERSIONS =
            "CREATE TABLE buffer_table (name TEXT PRIMARY KEY, version INTEGER NOT NULL CHECK (version > 0))";

    static final String[] SCHEMA = {
        "PRAGMA application_id=" + APPLICATION_ID,
        "PRAGMA user_version=" + SCHEMA_VERSION,
        CREATE_TABLE_VERSIONS,
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
        "CREATE TABLE record ("
                + " seq INTEGER PRIMARY KEY,"
                + " cose BLOB,"
                + " tomb BLOB,"
                + " created_ms INTEGER NOT NULL,"
                + " delivered_ms INTEGER,"
                + " batch_id INTEGER,"
                + " anchored_ms INTEGER,"
                + " CHECK ((cose IS NULL) <> (tomb IS NULL)))",
    };

    /**
     * {@code MIGRATIONS[v - 1]} brings the buffer's own schema from version v to v + 1, in one
     * transaction with the new {@code user_version}.
     */
    static final String[][] MIGRATIONS = {
        {CREATE_TABLE_VERSIONS},
    };

    static final String TABLE_VERSION_GET = "SELECT version FROM buffer_table WHERE name = ?";
    static final String TABLE_VERSION_PUT = "INSERT INTO buffer_table(name, version) VALUES (?, ?) "
            + "ON CONFLICT(name) DO UPDATE SET version = excluded.version";
    static final String TABLE_EXISTS = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?";

    static final String APPLICATION_ID_QUERY = "PRAGMA application_id";
    static final String USER_VERSION_QUERY = "PRAGMA user_version";
    static final String TABLE_COUNT = "SELECT count(*) FROM sqlite_schema WHERE type = 'table'";
    static final String QUICK_CHECK = "PRAGMA quick_check";
    static final String INTEGRITY_CHECK = "PRAGMA integrity_check";
    static final String CHECKPOINT = "PRAGMA wal_checkpoint(TRUNCATE)";
    static final String MAX_PAGE_COUNT = "PRAGMA max_page_count=";

    static final String BEGIN = "BEGIN IMMEDIATE";
    static final String COMMIT = "COMMIT";
    static final String ROLLBACK = "ROLLBACK";

    static final String META_GET = "SELECT value FROM meta WHERE key = ?";
    static final String META_PUT = "INSERT INTO meta(key, value) VALUES (?, ?) "
            + "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

    static final String INSERT = "INSERT INTO record(seq, cose, created_ms) VALUES (?, ?, ?)";
    static final String COUNT_LIVE = "SELECT count(*) FROM record";
    // delivery and anchoring advance in seq order: scans start at the previous oldest pending seq,
    // so they cover the backlog only, not the delivered and anchored history before it
    static final String FIRST_UNDELIVERED = "SELECT seq, created_ms FROM record "
            + "WHERE seq >= ? AND delivered_ms IS NULL ORDER BY seq LIMIT 1";
    static final String COUNT_UNDELIVERED_FROM = "SELECT count(*) FROM record WHERE seq >= ? AND delivered_ms IS NULL";
    static final String FIRST_UNANCHORED = "SELECT seq, created_ms FROM record "
            + "WHERE seq >= ? AND anchored_ms IS NULL ORDER BY seq LIMIT 1";
    static final String MIN_MAX_SEQ = "SELECT min(seq), max(seq) FROM record";
    static final String RANGE = "SELECT seq, cose, tomb FROM record WHERE seq BETWEEN ? AND ? ORDER BY seq";
    static final String UNDELIVERED = "SELECT seq, cose, tomb FROM record "
            + "WHERE delivered_ms IS NULL AND seq > ? ORDER BY seq LIMIT ?";
    /** Marks records acknowledged ahead of the watermark, one by one. */
    static final String MARK_DELIVERED = "UPDATE record SET delivered_ms = ? "
            + "WHERE seq BETWEEN ? AND ? AND delivered_ms IS NULL";
    static final String COUNT_MARKED_FROM = "SELECT count(*) FROM record WHERE seq >= ? AND delivered_ms IS NOT NULL";
    static final String COUNT_MARKED_BETWEEN = "SELECT count(*) FROM record "
            + "WHERE seq BETWEEN ? AND ? AND delivered_ms IS NOT NULL";
    static final String FIRST_UNMARKED_AFTER = "SELECT min(seq) FROM record WHERE seq > ? AND delivered_ms IS NULL";
    static final String ERASE = "UPDATE record SET cose = NULL, tomb = ? WHERE seq = ? AND cose IS NOT NULL";
    static final String PURGEABLE = "SELECT seq FROM record "
            + "WHERE (seq <= ? OR delivered_ms IS NOT NULL) AND seq <= ? AND anchored_ms IS NOT NULL ORDER BY seq LIMIT ?";
    static final String DELETE_THROUGH = "DELETE FROM record WHERE seq <= ? "
            + "AND (seq <= ? OR delivered_ms IS NOT NULL) AND anchored_ms IS NOT NULL";
    static final String UNBATCHED = "SELECT seq, cose, tomb, created_ms FROM record "
            + "WHERE batch_id IS NULL AND seq > ? ORDER BY seq LIMIT ?";
    static final String ASSIGN_BATCH = "UPDATE record SET batch_id = ? WHERE seq BETWEEN ? AND ? AND batch_id IS NULL";
    static final String MARK_ANCHORED = "UPDATE record SET anchored_ms = ? WHERE batch_id = ? AND anchored_ms IS NULL";

    static final String KEY_DEVICE = "device";
    static final String KEY_HEAD_SEQ = "head_seq";
    static final String KEY_HEAD_HASH = "head_hash";
    static final String KEY_PURGED_THROUGH = "purged_through";
    static final String KEY_DELIVERED_THROUGH = "delivered_through";
    static final String KEY_DELIVERED_THROUGH_MS = "delivered_through_ms";
    static final String KEY_PUBLIC_KEY = "public_key";
    static final String KEY_CERT_CHAIN = "cert_chain";
}
