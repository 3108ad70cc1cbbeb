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
 *   <li>{@code copy_keys}: the keys of the sealed consumer copies ({@link CopyKeys}): one live key per
 *       (holder, subject hash, consumer account, purpose), wrapped by the store's master key, with the
 *       consents and kinds it was served under, the earliest end of their validity, the block it was
 *       made at; once destroyed, the wrapped key is gone and the row stays as a tombstone with the
 *       block, the time and the reason.</li>
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
            "CREATE INDEX IF NOT EXISTS accesses_holder ON fleet_consumer.accesses (holder, id)",
            "CREATE TABLE IF NOT EXISTS fleet_consumer.copy_keys ("
                    + " key_id text PRIMARY KEY,"
                    + " holder text NOT NULL,"
                    + " subject_hash bytea NOT NULL,"
                    + " consumer text NOT NULL,"
                    + " purpose text NOT NULL,"
                    + " wrapped bytea,"
                    + " consent_ids bigint[] NOT NULL DEFAULT '{}',"
                    + " kinds text[] NOT NULL DEFAULT '{}',"
                    + " valid_until timestamptz,"
                    + " created_block bigint NOT NULL,"
                    + " created_at timestamptz NOT NULL DEFAULT now(),"
                    + " destroyed_block bigint,"
                    + " destroyed_at timestamptz,"
                    + " destroyed_reason text,"
                    + " CHECK ((destroyed_at IS NULL) = (wrapped IS NOT NULL)))",
            "CREATE UNIQUE INDEX IF NOT EXISTS copy_keys_live ON fleet_consumer.copy_keys"
                    + " (holder, subject_hash, consumer, purpose) WHERE destroyed_at IS NULL",
            "CREATE INDEX IF NOT EXISTS copy_keys_consents ON fleet_consumer.copy_keys USING gin (consent_ids)"
                    + " WHERE destroyed_at IS NULL",
            "CREATE INDEX IF NOT EXISTS copy_keys_until ON fleet_consumer.copy_keys (valid_until)"
                    + " WHERE destroyed_at IS NULL",
            "CREATE INDEX IF NOT EXISTS copy_keys_subject ON fleet_consumer.copy_keys (subject_hash)");

    private ConsumerSchema() {}

    public static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : STATEMENTS) {
                st.execute(sql);
            }
        }
    }
}
