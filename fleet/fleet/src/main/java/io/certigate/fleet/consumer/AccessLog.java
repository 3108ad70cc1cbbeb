package io.certigate.fleet.consumer;

import io.certigate.fleet.store.StoreConnector;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The consumer API's access log ({@code fleet_consumer.accesses}, {@link ConsumerSchema}): every
 * request about a subject, served or refused, with who asked, for what purpose, which records went
 * out and when. The subject is logged by its salted hash only, never by its id.
 */
public final class AccessLog {
    /**
     * One logged access.
     *
     * @param consumerAccount     the consumer's ledger account, null when its certificate maps to none
     * @param consumerCertificate the subject DN of the consumer's client certificate
     * @param holder              the subject's holder account, null when the subject is unknown
     * @param subjectHash         the subject's hash as the consent registry names it, null when unknown
     * @param outcome             {@code served} or {@code refused}
     * @param reason              why it was refused (a {@link Refusal} code and its words), or the consents
     *                            it was served under
     * @param fullSeqs            seqs served in full (with their COSE bytes)
     * @param kinds               the reading kinds served in full
     * @param hashOnly            records of the device's chain served as hashes only
     */
    public record Access(long id, Instant at, long block, String consumerAccount, String consumerCertificate,
            String holder, byte[] subjectHash, String purpose, String endpoint, String outcome, String reason,
            String device, List<Long> fullSeqs, List<String> kinds, long hashOnly) {
        public Access {
            fullSeqs = List.copyOf(fullSeqs);
            kinds = List.copyOf(kinds);
        }
    }

    private final StoreConnector connector;

    public AccessLog(StoreConnector connector) {
        this.connector = connector;
    }

    /** Writes {@code a} (its id is ignored) and returns the id given to it. */
    public long append(Access a) throws SQLException {
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO fleet_consumer.accesses (at, block, consumer_account, consumer_certificate, holder,"
                        + " subject_hash, purpose, endpoint, outcome, reason, device, full_seqs, kinds, hash_only)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setTimestamp(1, Timestamp.from(a.at()));
            ps.setLong(2, a.block());
            ps.setString(3, a.consumerAccount());
            ps.setString(4, a.consumerCertificate());
            ps.setString(5, a.holder());
            ps.setBytes(6, a.subjectHash());
            ps.setString(7, a.purpose());
            ps.setString(8, a.endpoint());
            ps.setString(9, a.outcome());
            ps.setString(10, a.reason());
            ps.setString(11, a.device());
            ps.setArray(12, c.createArrayOf("bigint", a.fullSeqs().toArray()));
            ps.setArray(13, c.createArrayOf("text", a.kinds().toArray()));
            ps.setLong(14, a.hashOnly());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The accesses to the subjects of {@code holder}, oldest first. */
    public List<Access> ofHolder(String holder) throws SQLException {
        return query("WHERE holder = ?", SubjectDirectory.account(holder));
    }

    /** Every access, oldest first (for the operator and the tests). */
    public List<Access> all() throws SQLException {
        return query("", null);
    }

    private List<Access> query(String where, String arg) throws SQLException {
        List<Access> out = new ArrayList<>();
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, at, block, consumer_account, consumer_certificate, holder, subject_hash, purpose, endpoint,"
                        + " outcome, reason, device, full_seqs, kinds, hash_only FROM fleet_consumer.accesses " + where
                        + " ORDER BY id")) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Access(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getLong(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getBytes(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.getString(11), rs.getString(12), longs(rs.getArray(13)),
                            texts(rs.getArray(14)), rs.getLong(15)));
                }
            }
        }
        return out;
    }

    private static List<Long> longs(Array a) throws SQLException {
        return Arrays.asList((Long[]) a.getArray());
    }

    private static List<String> texts(Array a) throws SQLException {
        return Arrays.asList((String[]) a.getArray());
    }
}
