package io.certigate.fleet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The store's tables, made or brought up to date at start: {@code schema_version} holds the versions
 * applied; each version's statements run once, in one transaction, under an advisory lock so that
 * instances starting together do not race. Running it again on an up-to-date database changes nothing.
 *
 * <p>Version 1:
 * <ul>
 *   <li>{@code records}: one row per (device, seq) the verification accepted; {@code t}, {@code kind},
 *       {@code subject} and {@code cose} are NULL once the record is erased (its leaf and chain hashes
 *       stay, as the chain and the Merkle trees need them); indexes for a subject's timeline across
 *       devices {@code (subject, t)} and for a kind over time {@code (kind, t)}.</li>
 *   <li>{@code findings}: what the verification and the store found, each once (unique on
 *       device, seq, last_seq, type, at and the detail's MD5), by type and time and by device.</li>
 *   <li>{@code devices}: per device, first and last verification time of its stored records, counts
 *       of records, erasures, findings and forks, the highest seq stored.</li>
 * </ul>
 *
 * <p>Version 2 (crypto-shredding, {@link StoreKeys}):
 * <ul>
 *   <li>{@code store_keys}: one data key per owner (a subject, or a device for records without one),
 *       found by its owner tag (a keyed hash, never the subject in clear), wrapped by the master key;
 *       destroying it sets {@code wrapped} NULL and {@code destroyed_at}; at most one live key per owner.</li>
 *   <li>{@code store_master}: the master key's check value.</li>
 *   <li>{@code records} gain {@code key_id} (the data key {@code cose} is encrypted under, see
 *       {@link RecordEnvelope}), {@code owner} (the owner tag, indexed with {@code t} for a subject's
 *       timeline; NULL once shredded) and {@code shredded_at}; {@code subject} is no longer written (it
 *       is inside the envelope) and the migration encrypts the rows already stored and clears their
 *       subject, which needs the master key.</li>
 * </ul>
 */
public final class StoreSchema {
    /** The version this code writes and reads. */
    public static final int VERSION = 2;
    /** Any 64-bit number the store alone uses for {@code pg_advisory_xact_lock}. */
    private static final long LOCK = 0x6365727469676174L; // "certigat"

    private static final List<List<String>> VERSIONS = List.of(List.of(
            "CREATE TABLE records ("
                    + " device text NOT NULL,"
                    + " seq bigint NOT NULL,"
                    + " t timestamptz,"
                    + " kind text,"
                    + " subject text,"
                    + " leaf bytea NOT NULL,"
                    + " hash bytea NOT NULL,"
                    + " cose bytea,"
                    + " linked boolean NOT NULL,"
                    + " verified_at timestamptz NOT NULL,"
                    + " stored_at timestamptz NOT NULL DEFAULT now(),"
                    + " erased_at timestamptz,"
                    + " PRIMARY KEY (device, seq))",
            "CREATE INDEX records_subject_t ON records (subject, t) WHERE subject IS NOT NULL",
            "CREATE INDEX records_kind_t ON records (kind, t) WHERE kind IS NOT NULL",
            "CREATE TABLE findings ("
                    + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " device text NOT NULL,"
                    + " seq bigint NOT NULL,"
                    + " last_seq bigint NOT NULL,"
                    + " type text NOT NULL,"
                    + " detail text NOT NULL,"
                    + " at timestamptz NOT NULL,"
                    + " stored_at timestamptz NOT NULL DEFAULT now())",
            "CREATE UNIQUE INDEX findings_once ON findings (device, seq, last_seq, type, at, md5(detail))",
            "CREATE INDEX findings_type_at ON findings (type, at)",
            "CREATE INDEX findings_device_seq ON findings (device, seq)",
            "CREATE TABLE devices ("
                    + " device text PRIMARY KEY,"
                    + " first_seen timestamptz,"
                    + " last_seen timestamptz,"
                    + " records bigint NOT NULL DEFAULT 0,"
                    + " erased bigint NOT NULL DEFAULT 0,"
                    + " findings bigint NOT NULL DEFAULT 0,"
                    + " forks bigint NOT NULL DEFAULT 0,"
                    + " max_seq bigint NOT NULL DEFAULT 0)"),
            List.of("CREATE TABLE store_keys ("
                    + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " owner bytea NOT NULL,"
                    + " wrapped bytea,"
                    + " created_at timestamptz NOT NULL DEFAULT now(),"
                    + " destroyed_at timestamptz,"
                    + " records_shredded bigint)",
                    "CREATE UNIQUE INDEX store_keys_live ON store_keys (owner) WHERE destroyed_at IS NULL",
                    "CREATE INDEX store_keys_owner ON store_keys (owner)",
                    "CREATE TABLE store_master (id int PRIMARY KEY CHECK (id = 1), check_value bytea NOT NULL)",
                    "ALTER TABLE records ADD COLUMN key_id bigint, ADD COLUMN owner bytea,"
                            + " ADD COLUMN shredded_at timestamptz",
                    "DROP INDEX records_subject_t",
                    "CREATE INDEX records_owner_t ON records (owner, t) WHERE owner IS NOT NULL"));

    private StoreSchema() {}

    /**
     * Makes the tables or brings them to {@link #VERSION}; returns the versions applied now (none
     * when the database was up to date).
     *
     * @throws SQLException also when the database holds a newer version than this code knows
     */
    public static int createOrUpdate(Connection c) throws SQLException {
        return createOrUpdate(c, null);
    }

    /**
     * {@link #createOrUpdate(Connection)} with the store's keys: the migration to version 2 encrypts
     * the records already stored under them, and the master key is checked against (or, the first
     * time, recorded as) the store's check value.
     *
     * @throws SQLException also when records must be encrypted and {@code keys} is null, or the
     *                      master key is not the store's
     */
    public static int createOrUpdate(Connection c, StoreKeys keys) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            st.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + " version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            int current = current(st);
            if (current > VERSION) {
                throw new SQLException("the store's database is at schema version " + current
                        + ", newer than this program's " + VERSION + "; use a newer certigate");
            }
            int applied = 0;
            for (int v = current + 1; v <= VERSION; v++) {
                for (String sql : VERSIONS.get(v - 1)) {
                    st.execute(sql);
                }
                if (v == 2) {
                    encryptStoredRecords(c, keys);
                }
                st.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
                applied++;
            }
            if (keys != null) {
                checkMasterKey(c, keys);
            }
            c.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Records the master key's check value the first time, and refuses another master key afterwards
     * (in the caller's transaction).
     */
    static void checkMasterKey(Connection c, StoreKeys keys) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO store_master (id, check_value) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
            ins.setBytes(1, keys.checkValue());
            ins.executeUpdate();
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT check_value FROM store_master")) {
            rs.next();
            if (!keys.matches(rs.getBytes(1))) {
                throw new SQLException(StoreSettings.MASTER_KEY_SOURCE.key() + ": this master key is not the one"
                        + " the fleet store's data keys were wrapped with; give the store's own master key");
            }
        }
    }

    /** Version 2's migration: each stored signed record encrypted under its owner's data key, its subject cleared. */
    private static void encryptStoredRecords(Connection c, StoreKeys keys) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM records WHERE cose IS NOT NULL AND key_id IS NULL")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return;
            }
            if (keys == null) {
                throw new SQLException("the fleet store's migration to schema version 2 encrypts the "
                        + rs.getLong(1) + " records stored, which needs the master key: set "
                        + StoreSettings.MASTER_KEY_SOURCE.key());
            }
        }
        checkMasterKey(c, keys);
        Map<String, DataKeys.Key> byOwner = new HashMap<>();
        long lastSeq = 0;
        String lastDevice = "";
        while (true) {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT device, seq, subject, cose FROM records"
                    + " WHERE cose IS NOT NULL AND key_id IS NULL AND (device, seq) > (?, ?)"
                    + " ORDER BY device, seq LIMIT 1000")) {
                ps.setString(1, lastDevice);
                ps.setLong(2, lastSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getString(3), rs.getBytes(4)});
                    }
                }
            }
            if (rows.isEmpty()) {
                return;
            }
            try (PreparedStatement up = c.prepareStatement("UPDATE records SET cose = ?, key_id = ?, owner = ?,"
                    + " subject = NULL WHERE device = ? AND seq = ?")) {
                for (Object[] r : rows) {
                    String device = (String) r[0];
                    long seq = (Long) r[1];
                    String subject = (String) r[2];
                    byte[] owner = subject == null ? keys.deviceTag(device) : keys.subjectTag(subject);
                    DataKeys.Key k = byOwner.get(HexFormat.of().formatHex(owner));
                    if (k == null) {
                        k = DataKeys.liveOrNew(c, keys, List.of(owner)).values().iterator().next();
                        byOwner.put(HexFormat.of().formatHex(owner), k);
                    }
                    up.setBytes(1, RecordEnvelope.seal(k.key(), device, seq, subject, (byte[]) r[3]));
                    up.setLong(2, k.id());
                    up.setBytes(3, owner);
                    up.setString(4, device);
                    up.setLong(5, seq);
                    up.addBatch();
                    lastDevice = device;
                    lastSeq = seq;
                }
                up.executeBatch();
            }
        }
    }

    /** The statements of one version (for a test that makes a store of an older version). */
    static List<String> versionStatements(int version) {
        return VERSIONS.get(version - 1);
    }

    /** The version the database is at (0: no tables yet). */
    public static int current(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            return current(st);
        }
    }

    private static int current(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT to_regclass('schema_version') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return 0;
            }
        }
        try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
