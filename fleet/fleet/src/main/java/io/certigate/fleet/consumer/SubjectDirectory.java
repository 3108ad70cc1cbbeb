package io.certigate.fleet.consumer;

import io.certigate.fleet.store.StoreConnector;
import io.certigate.verifier.consent.SubjectHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * The subjects the consumer API serves: for each, the salt its holder gave the fleet and the holder's
 * ledger account ({@code fleet_consumer.subjects}, {@link ConsumerSchema}). The salt is what lets
 * the fleet compute the subject's hash as the consent registry holds it; the holder's account is the
 * one consents must come from. Filled by {@code certigate fleet subject add} (the holder hands over
 * the salt from their subjects file) or by whatever enrols a subject.
 */
public final class SubjectDirectory {
    /** A subject the fleet serves: its id, salt, on-chain hash and holder account (lower-case 0x-hex). */
    public record Entry(String subject, byte[] salt, byte[] hash, String holder) {}

    private final StoreConnector connector;

    public SubjectDirectory(StoreConnector connector) {
        this.connector = connector;
    }

    /** Makes the tables when missing. */
    public void createSchema() throws SQLException {
        try (Connection c = connector.open()) {
            ConsumerSchema.create(c);
        }
    }

    /**
     * Adds {@code subject} with its holder's salt, or replaces the salt and holder of a subject already
     * there (a new holder: the vehicle was sold).
     */
    public Entry put(String subject, byte[] salt, String holder) throws SQLException {
        byte[] hash = SubjectHash.of(salt, subject);
        String h = account(holder);
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO fleet_consumer.subjects (subject, salt, subject_hash, holder) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (subject) DO UPDATE SET salt = excluded.salt,"
                        + " subject_hash = excluded.subject_hash, holder = excluded.holder, added_at = now()")) {
            ps.setString(1, subject);
            ps.setBytes(2, salt);
            ps.setBytes(3, hash);
            ps.setString(4, h);
            ps.executeUpdate();
        }
        return new Entry(subject, salt.clone(), hash, h);
    }

    public Optional<Entry> find(String subject) throws SQLException {
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "SELECT salt, subject_hash, holder FROM fleet_consumer.subjects WHERE subject = ?")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Entry(subject, rs.getBytes(1), rs.getBytes(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /** Erases a subject's salt: its hash on chain can no longer be linked to it here. */
    public boolean remove(String subject) throws SQLException {
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM fleet_consumer.subjects WHERE subject = ?")) {
            ps.setString(1, subject);
            return ps.executeUpdate() > 0;
        }
    }

    /** A ledger account checked and lower-cased, as the tables keep accounts. */
    static String account(String account) {
        if (account == null || !account.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("an account is 0x and 20 bytes of hex, not '" + account + "'");
        }
        return account.toLowerCase(Locale.ROOT);
    }
}
