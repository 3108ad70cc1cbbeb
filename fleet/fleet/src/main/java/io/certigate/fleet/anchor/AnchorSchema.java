package io.certigate.fleet.anchor;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The aggregator's tables, in their own PostgreSQL schema {@code fleet_anchor} next to the store's
 * (the store's {@code StoreSchema} is not touched; the aggregator only reads its {@code records}).
 * Made at start, idempotently, under an advisory lock so that instances starting together do not race.
 *
 * <ul>
 *   <li>{@code statements}: every batch statement received, once (unique on the SHA-256 of its COSE
 *       bytes): {@code pending} until checked, then {@code accepted} or {@code refused} (with the
 *       reason); an accepted one is assigned to exactly one interval ({@code interval_id},
 *       {@code leaf_index}) and, once that interval is anchored, holds its RFC 9942 receipt and when
 *       the receipt was handed to the broker ({@code delivered_ms}).</li>
 *   <li>{@code intervals}: one row per fleet tree, fixed before anything is sent: its root and size;
 *       {@code fixed} → {@code sent} (nonce, transaction hash and the signed bytes, committed before
 *       the broadcast) → {@code anchored} (chain id, contract, block).</li>
 *   <li>{@code offsets}: the next offset of each {@code certigate.statements} partition, written in the
 *       same transaction as the statements read up to it.</li>
 *   <li>{@code statuses}: each device's last status message (its certificate chain), from the copies
 *       the ingest sends next to the statements: the aggregator learns a device's key from it
 *       ({@link StatusKeys}).</li>
 *   <li>{@code clock}: when the last interval closed (an empty interval closes without a row in
 *       {@code intervals}).</li>
 * </ul>
 */
public final class AnchorSchema {
    public static final String SCHEMA = "fleet_anchor";
    private static final long LOCK = 0x6365727461676772L; // "certaggr"

    private static final List<String> DDL = List.of(
            "CREATE SCHEMA IF NOT EXISTS fleet_anchor",
            "CREATE TABLE IF NOT EXISTS fleet_anchor.statements ("
                    + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " device text NOT NULL,"
                    + " hash bytea NOT NULL UNIQUE,"
                    + " cose bytea NOT NULL,"
                    + " first_seq bigint,"
                    + " last_seq bigint,"
                    + " state text NOT NULL DEFAULT 'pending',"
                    + " reason text,"
                    + " received_ms bigint NOT NULL,"
                    + " interval_id bigint,"
                    + " leaf_index int,"
                    + " receipt bytea,"
                    + " delivered_ms bigint)",
            "CREATE INDEX IF NOT EXISTS statements_device ON fleet_anchor.statements (device, last_seq)",
            "CREATE INDEX IF NOT EXISTS statements_state ON fleet_anchor.statements (state, id)",
            "CREATE INDEX IF NOT EXISTS statements_interval ON fleet_anchor.statements (interval_id, leaf_index)",
            "CREATE TABLE IF NOT EXISTS fleet_anchor.intervals ("
                    + " id bigint PRIMARY KEY,"
                    + " closed_ms bigint NOT NULL,"
                    + " size int NOT NULL,"
                    + " root bytea NOT NULL,"
                    + " state text NOT NULL,"
                    + " nonce bigint,"
                    + " tx_hash text,"
                    + " raw_tx bytea,"
                    + " sent_ms bigint,"
                    + " chain_id bigint,"
                    + " contract text,"
                    + " block bigint,"
                    + " anchored_ms bigint)",
            "CREATE TABLE IF NOT EXISTS fleet_anchor.offsets ("
                    + " topic text NOT NULL, part int NOT NULL, next_offset bigint NOT NULL,"
                    + " PRIMARY KEY (topic, part))",
            "CREATE TABLE IF NOT EXISTS fleet_anchor.clock (id int PRIMARY KEY, last_close_ms bigint NOT NULL)",
            "CREATE TABLE IF NOT EXISTS fleet_anchor.statuses ("
                    + " device text PRIMARY KEY, status bytea NOT NULL, received_ms bigint NOT NULL)");

    private AnchorSchema() {}

    /** Creates what is missing; changes nothing on an up-to-date database. */
    public static void create(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            for (String sql : DDL) {
                st.execute(sql);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
