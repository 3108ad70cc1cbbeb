package io.certigate.fleet.collector;

/**
 * Every SQL statement of the collector's SQLite file, in one place.
 *
 * <p>{@code record} holds one row per (device, seq): the idempotency key of the uplink, so a
 * record delivered twice is stored once. {@code verified} is 1 once its signature checked out
 * against a known device key, 0 while the device key is not known yet (checked when it arrives).
 * An erased record is stored as its tombstone ({@code cose} NULL, {@code leaf_hash} set), and only
 * in place of the verified signed record it erases: a tombstone proves nothing by itself, so it
 * never fills an empty slot ({@link RecordCollector}).
 * {@code device_key} keeps the keys learned from configuration or status messages, so a restarted
 * collector keeps verifying. Unverified rows are capped per device and expire ({@code received_ms});
 * the partial index {@code record_unverified} keeps both checks cheap whatever the number of
 * verified rows. The table {@code device} (the head seq each device announced in its status
 * messages) is no longer written nor read: an unsigned status must not set what is counted as
 * missing (issue #20). It stays accepted in files made before.
 */
final class CollectorSql {
    private CollectorSql() {}

    /** "Cgc1": marks the file as a certigate collector database (files made before the mark have 0). */
    static final int APPLICATION_ID = 0x43676331;
    static final String APPLICATION_ID_QUERY = "PRAGMA application_id";
    static final String SET_APPLICATION_ID = "PRAGMA application_id=" + APPLICATION_ID;
    /** The tables a collector database holds; one holding any other table belongs to someone else. */
    static final java.util.Set<String> TABLES = java.util.Set.of("record", "device_key", "device");

    static final String[] PRAGMAS = {
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
    };

    static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS record ("
                + " device TEXT NOT NULL,"
                + " seq INTEGER NOT NULL,"
                + " cose BLOB,"
                + " chain_hash BLOB NOT NULL,"
                + " leaf_hash BLOB,"
                + " verified INTEGER NOT NULL,"
                + " received_ms INTEGER NOT NULL,"
                + " PRIMARY KEY (device, seq)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS device_key ("
                + " device TEXT NOT NULL,"
                + " spki BLOB NOT NULL,"
                + " source TEXT NOT NULL,"
                + " PRIMARY KEY (device, spki))",
        "CREATE INDEX IF NOT EXISTS record_unverified ON record(device, received_ms) WHERE verified = 0",
    };

    static final String INSERT = "INSERT INTO record(device, seq, cose, chain_hash, leaf_hash, verified, received_ms) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(device, seq) DO NOTHING";
    static final String CHAIN_HASH_OF = "SELECT chain_hash FROM record WHERE device = ? AND seq = ?";
    static final String HELD_OF = "SELECT cose, chain_hash, leaf_hash, verified FROM record WHERE device = ? AND seq = ?";
    static final String ERASE = "UPDATE record SET cose = NULL, leaf_hash = ?, received_ms = ? "
            + "WHERE device = ? AND seq = ? AND verified = 1 AND cose IS NOT NULL";
    static final String UNVERIFIED_OF = "SELECT seq, cose FROM record WHERE device = ? AND verified = 0";
    static final String SET_VERIFIED = "UPDATE record SET verified = 1 WHERE device = ? AND seq = ?";
    static final String DELETE_ONE = "DELETE FROM record WHERE device = ? AND seq = ?";
    static final String RECORDS_PAGE = "SELECT seq, cose, chain_hash, leaf_hash FROM record "
            + "WHERE device = ? AND verified = 1 AND seq > ? ORDER BY seq LIMIT ?";
    static final String DEVICES = "SELECT DISTINCT device FROM record ORDER BY 1";
    /** Verified rows, the highest verified seq (the head: only signed, verified records set it), unverified rows. */
    static final String COUNT_OF = "SELECT coalesce(sum(verified = 1), 0),"
            + " coalesce(max(CASE WHEN verified = 1 THEN seq END), 0), coalesce(sum(verified = 0), 0)"
            + " FROM record WHERE device = ?";
    static final String UNVERIFIED_COUNT_OF = "SELECT count(*) FROM record WHERE device = ? AND verified = 0";
    static final String EXPIRE_UNVERIFIED = "DELETE FROM record WHERE verified = 0 AND received_ms < ?";
    static final String KEY_PUT = "INSERT OR IGNORE INTO device_key(device, spki, source) VALUES (?, ?, ?)";
    static final String KEYS_ALL = "SELECT device, spki FROM device_key";
}
