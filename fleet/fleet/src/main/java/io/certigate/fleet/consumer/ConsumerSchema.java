package io.certigate.fleet.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The consumer API's tables, in schema {@code fleet_consumer} of the store's database, made at start
 * when missing (running it again changes nothing):
 * <ul>
 *   <li>{@code subjects}: per subject the fleet serves to consumers, its id (VIN, meter id), the salt
 *       its holder chose ({@code io.certigate.verifier.consent.SubjectHash}), the resulting hash as the
 *       consent registry names it, and the holder's ledger account (consents granted by any other
 *       account for the same hash never count).</li>
 *   <li>{@code accesses}: one row per request about a subject, served or refused: when, at which
 *       block, the consumer's account and certificate subject, the holder, the subject's hash (never
 *       its id), the purpose, the endpoint, the outcome and its reason, the device and the seqs served
 *       in full, the kinds served and how many records went out hash-only.</li>
 * </ul>
 */
public final class ConsumerSchema {
    private static final List<String> STATEMENTS = List.of(
            "CREATE SCHEMA IF NOT EXISTS fleet_consumer",
            "CREATE TABLE IF NOT EXISTS fleet_consumer.subjects ("
                    + " subject text PRIMARY KEY,"
                    + " salt bytea NOT NULL,"
                    + " subject_hash bytea NOT NULL UNIQUE,"
                    + " holder text NOT NULL,"
                    + " added_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS fleet_consumer.accesses ("
                    + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " at timestamptz NOT NULL,"
                    + " block bigint NOT NULL,"
                    + " consumer_account text,"
                    + " consumer_certificate text NOT NULL,"
                    + " holder text,"
                    + " subject_hash bytea,"
                    + " purpose text,"
                    + " endpoint text NOT NULL,"
                    + " outcome text NOT NULL,"
                    + " reason text,"
                    + " device text,"
                    + " full_seqs bigint[] NOT NULL DEFAULT '{}',"
                    + " kinds text[] NOT NULL DEFAULT '{}',"
                    + " hash_only bigint NOT NULL DEFAULT 0)",
            "CREATE INDEX IF NOT EXISTS accesses_holder ON fleet_consumer.accesses (holder, id)");

    private ConsumerSchema() {}

    public static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : STATEMENTS) {
                st.execute(sql);
            }
        }
    }
}
