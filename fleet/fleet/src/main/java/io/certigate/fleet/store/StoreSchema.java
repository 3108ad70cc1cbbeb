package io.certigate.fleet.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

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
 */
public final class StoreSchema {
    /** The version this code writes and reads. */
    public static final int VERSION = 1;
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
                    + " max_seq bigint NOT NULL DEFAULT 0)"));

    private StoreSchema() {}

    /**
     * Makes the tables or brings them to {@link #VERSION}; returns the versions applied now (none
     * when the database was up to date).
     *
     * @throws SQLException also when the database holds a newer version than this code knows
     */
    public static int createOrUpdate(Connection c) throws SQLException {
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
                st.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
                applied++;
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
