package io.certigate.fleet.consumer;

import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.crypto.SecretKey;

/**
 * The keys of the sealed consumer copies ({@code fleet_consumer.copy_keys}, {@link ConsumerSchema};
 * issue #19, "a consumer's copy destroys the key"). One live AES-256 key per (holder, subject hash,
 * consumer account, purpose), made at the first sealed delivery and reused by the next ones; stored
 * wrapped by the fleet store's master key ({@link StoreKeys#wrap}, the scheme the store's data keys
 * use, with {@code "certigate-copy-key" ‖ 0x00 ‖ key id} as the owner, which no 32-byte subject or
 * device tag can equal). Destroying a key deletes the wrapped key and keeps the row as a tombstone
 * (block, time, reason): a copy sealed under it can no longer be opened by anyone, the fleet included.
 */
public final class CopyKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Reasons a key was destroyed, as the tombstone and the refusal give them. */
    public static final String REVOKED = "revoked";
    public static final String EXPIRED = "expired";
    public static final String SUBJECT_ERASED = "subject-erased";
    /** Destroyed by the operator for one consumer ({@code fleet erase-copy}), the consent left as it is. */
    public static final String COPY_ERASED = "copy-erased";

    /** A live key, unwrapped. */
    public record Key(String id, SecretKey key) {}

    /**
     * A key's row.
     *
     * @param live           whether the key is still there (not destroyed)
     * @param destroyedBlock the block it was destroyed at, null while live or when destroyed off chain time
     *                       (an erasure)
     */
    public record Row(String id, String holder, byte[] subjectHash, String consumer, String purpose, boolean live,
            List<Long> consents, List<String> kinds, Instant validUntil, long createdBlock, Long destroyedBlock,
            Instant destroyedAt, String destroyedReason) {}

    private final StoreConnector connector;

    public CopyKeys(StoreConnector connector) {
        this.connector = connector;
    }

    /**
     * The live key of (holder, subject, consumer, purpose), made when there is none; the consents and
     * kinds of this delivery are added to the key's, and its end of validity becomes the earliest of
     * the consents it was ever served under.
     *
     * @throws SQLException also when the store has no master key
     */
    public Key liveOrNew(String holder, byte[] subjectHash, String consumer, String purpose,
            Collection<Long> consents, Collection<String> kinds, Instant validUntil, long block) throws SQLException {
        StoreKeys keys = keys();
        try (Connection c = connector.open()) {
            c.setAutoCommit(false);
            try {
                Key k = live(c, keys, holder, subjectHash, consumer, purpose);
                if (k == null) {
                    String id = HexFormat.of().formatHex(randomId());
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO fleet_consumer.copy_keys (key_id,"
                            + " holder, subject_hash, consumer, purpose, wrapped, created_block) VALUES (?, ?, ?, ?, ?,"
                            + " ?, ?) ON CONFLICT (holder, subject_hash, consumer, purpose) WHERE destroyed_at IS NULL"
                            + " DO NOTHING")) {
                        ps.setString(1, id);
                        ps.setString(2, holder);
                        ps.setBytes(3, subjectHash);
                        ps.setString(4, consumer);
                        ps.setString(5, purpose);
                        ps.setBytes(6, keys.wrap(owner(id), StoreKeys.newDataKey()));
                        ps.setLong(7, block);
                        ps.executeUpdate();
                    }
                    k = live(c, keys, holder, subjectHash, consumer, purpose);
                    if (k == null) {
                        throw new SQLException("a copy key could be neither found nor made");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE fleet_consumer.copy_keys SET"
                        + " consent_ids = ARRAY(SELECT DISTINCT unnest(consent_ids || ?) ORDER BY 1),"
                        + " kinds = ARRAY(SELECT DISTINCT unnest(kinds || ?) ORDER BY 1),"
                        + " valid_until = LEAST(valid_until, ?) WHERE key_id = ?")) {
                    ps.setArray(1, c.createArrayOf("bigint", consents.toArray()));
                    ps.setArray(2, c.createArrayOf("text", kinds.toArray()));
                    ps.setTimestamp(3, Timestamp.from(validUntil));
                    ps.setString(4, k.id());
                    ps.executeUpdate();
                }
                c.commit();
                return k;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static Key live(Connection c, StoreKeys keys, String holder, byte[] subjectHash, String consumer,
            String purpose) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id, wrapped FROM fleet_consumer.copy_keys"
                + " WHERE holder = ? AND subject_hash = ? AND consumer = ? AND purpose = ? AND destroyed_at IS NULL"
                + " FOR UPDATE")) {
            ps.setString(1, holder);
            ps.setBytes(2, subjectHash);
            ps.setString(3, consumer);
            ps.setString(4, purpose);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String id = rs.getString(1);
                return new Key(id, unwrap(keys, id, rs.getBytes(2)));
            }
        }
    }

    /** A key's row, live or destroyed. */
    public Optional<Row> find(String keyId) throws SQLException {
        List<Row> rows = rows("WHERE key_id = ?", ps -> ps.setString(1, keyId));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Every key of a subject, live or destroyed, oldest first (the operator, the tests). */
    public List<Row> ofSubject(byte[] subjectHash) throws SQLException {
        return rows("WHERE subject_hash = ?", ps -> ps.setBytes(1, subjectHash));
    }

    /** The consents the live keys were served under (what a watcher checks at start). */
    public List<Long> liveConsents() throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT unnest(consent_ids) FROM fleet_consumer.copy_keys WHERE destroyed_at IS NULL"
                        + " ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** A live key, unwrapped; empty when destroyed or unknown. */
    public Optional<SecretKey> key(String keyId) throws SQLException {
        StoreKeys keys = keys();
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "SELECT wrapped FROM fleet_consumer.copy_keys WHERE key_id = ? AND destroyed_at IS NULL")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(unwrap(keys, keyId, rs.getBytes(1))) : Optional.empty();
            }
        }
    }

    /** Destroys the live keys served under any of {@code consents} (revoked at {@code block}); their ids. */
    public List<String> destroyForConsents(Collection<Long> consents, long block, String reason) throws SQLException {
        if (consents.isEmpty()) {
            return List.of();
        }
        return destroy("consent_ids && ?", (c, ps) -> ps.setArray(3, c.createArrayOf("bigint", consents.toArray())),
                block, reason + ": consent " + new TreeSet<>(consents) + " at block " + block);
    }

    /** Destroys the live keys whose consents' validity ended at or before {@code blockTime}; their ids. */
    public List<String> destroyExpired(Instant blockTime, long block) throws SQLException {
        return destroy("valid_until <= ?", (c, ps) -> ps.setTimestamp(3, Timestamp.from(blockTime)), block,
                EXPIRED + ": a consent it was served under ended by block " + block + " (" + blockTime + ")");
    }

    /** Destroys one live key (its consent found not in force when it was asked for); whether it was live. */
    public boolean destroy(String keyId, long block, String reason) throws SQLException {
        return !destroy("key_id = ?", (c, ps) -> ps.setString(3, keyId), block, reason).isEmpty();
    }

    /** Destroys every live key of a subject (right to erasure); their ids. No block: erasure is not chain time. */
    public List<String> destroySubject(byte[] subjectHash) throws SQLException {
        return destroy("subject_hash = ?", (c, ps) -> ps.setBytes(3, subjectHash), null, SUBJECT_ERASED);
    }

    /**
     * Destroys every live copy key of {@code subject} (found by its hash through
     * {@code fleet_consumer.subjects}), as {@code fleet erase-subject} does; 0 when the fleet serves no
     * such subject or the consumer API never ran on this store (no tables).
     */
    public int destroySubjectKeys(String subject) throws SQLException {
        try {
            Optional<SubjectDirectory.Entry> e = new SubjectDirectory(connector).find(subject);
            return e.isEmpty() ? 0 : destroySubject(e.get().hash()).size();
        } catch (SQLException x) {
            if ("42P01".equals(x.getSQLState())) { // undefined_table
                return 0;
            }
            throw x;
        }
    }

    /**
     * Destroys the live copy keys of one consumer ({@code fleet erase-copy}): all of them, or those of
     * one subject and/or one purpose; the consents stay as they are (a consumer offboarded, a copy
     * leaked, a holder's request to erase that consumer's copy). Their rows, before the destruction.
     *
     * @param consumer    the consumer's account, 0x and 20 bytes of hex
     * @param subject     the subject (found by its hash through {@code fleet_consumer.subjects}), or null for all
     * @param purpose     the purpose code, or null for all
     * @param why         the operator's words, kept in the tombstone after {@value #COPY_ERASED}
     * @throws IllegalArgumentException a malformed account, or a subject the fleet does not serve
     */
    public List<Row> destroyCopies(String consumer, String subject, String purpose, String why) throws SQLException {
        String account = SubjectDirectory.account(consumer);
        byte[] hash = null;
        if (subject != null) {
            Optional<SubjectDirectory.Entry> e = new SubjectDirectory(connector).find(subject);
            if (e.isEmpty()) {
                throw new IllegalArgumentException("the fleet serves no subject '" + subject
                        + "' (fleet_consumer.subjects): no copy of it was ever sealed");
            }
            hash = e.get().hash();
        }
        String reason = COPY_ERASED + (why == null || why.isBlank() ? "" : ": " + why.strip());
        List<Row> out = new ArrayList<>();
        try (Connection c = connector.open()) {
            c.setAutoCommit(false);
            String where = " WHERE destroyed_at IS NULL AND consumer = ?" + (hash == null ? "" : " AND subject_hash = ?")
                    + (purpose == null ? "" : " AND purpose = ?");
            try {
                out.addAll(rows(c, where, true, bindCopies(account, hash, purpose, 1)));
                try (PreparedStatement ps = c.prepareStatement("UPDATE fleet_consumer.copy_keys SET wrapped = NULL,"
                        + " destroyed_at = now(), destroyed_block = NULL, destroyed_reason = ?" + where)) {
                    ps.setString(1, reason);
                    bindCopies(account, hash, purpose, 2).bind(ps);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return out;
    }

    private static Binder bindCopies(String account, byte[] hash, String purpose, int first) {
        return ps -> {
            int i = first;
            ps.setString(i++, account);
            if (hash != null) {
                ps.setBytes(i++, hash);
            }
            if (purpose != null) {
                ps.setString(i, purpose);
            }
        };
    }

    /** Binds the condition's one parameter, the third of the statement. */
    @FunctionalInterface
    private interface Bind {
        void bind(Connection c, PreparedStatement ps) throws SQLException;
    }

    private List<String> destroy(String where, Bind bind, Long block, String reason) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connector.open(); PreparedStatement ps = c.prepareStatement(
                "UPDATE fleet_consumer.copy_keys SET wrapped = NULL, destroyed_at = now(), destroyed_block = ?,"
                        + " destroyed_reason = ? WHERE destroyed_at IS NULL AND " + where + " RETURNING key_id")) {
            if (block == null) {
                ps.setNull(1, java.sql.Types.BIGINT);
            } else {
                ps.setLong(1, block);
            }
            ps.setString(2, reason);
            bind.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<Row> rows(String where, Binder bind) throws SQLException {
        try (Connection c = connector.open()) {
            return rows(c, where, false, bind);
        }
    }

    /** @param lock whether the rows are locked until {@code c}'s transaction ends ({@code FOR UPDATE}) */
    private static List<Row> rows(Connection c, String where, boolean lock, Binder bind) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT key_id, holder, subject_hash, consumer, purpose, wrapped IS NOT NULL, consent_ids, kinds,"
                        + " valid_until, created_block, destroyed_block, destroyed_at, destroyed_reason"
                        + " FROM fleet_consumer.copy_keys " + where + " ORDER BY created_at, key_id"
                        + (lock ? " FOR UPDATE" : ""))) {
            bind.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp until = rs.getTimestamp(9);
                    long db = rs.getLong(11);
                    Long destroyedBlock = rs.wasNull() ? null : db;
                    Timestamp at = rs.getTimestamp(12);
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getString(4), rs.getString(5),
                            rs.getBoolean(6), Arrays.asList((Long[]) rs.getArray(7).getArray()),
                            Arrays.asList((String[]) rs.getArray(8).getArray()),
                            until == null ? null : until.toInstant(), rs.getLong(10), destroyedBlock,
                            at == null ? null : at.toInstant(), rs.getString(13)));
                }
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private StoreKeys keys() throws SQLException {
        StoreKeys keys = connector.keys();
        if (keys == null) {
            throw new SQLException("sealed copies need the store's master key (fleet.store.master-key-source):"
                    + " copy keys are kept wrapped by it");
        }
        return keys;
    }

    private static SecretKey unwrap(StoreKeys keys, String id, byte[] wrapped) {
        try {
            return keys.unwrap(owner(id), wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("copy key " + id + " does not unwrap with this master key"
                    + " (fleet.store.master-key-source)", e);
        }
    }

    /** The owner a copy key is wrapped for: {@code "certigate-copy-key" ‖ 0x00 ‖ key id}. */
    static byte[] owner(String keyId) {
        byte[] label = "certigate-copy-key".getBytes(StandardCharsets.US_ASCII);
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[label.length + 1 + id.length];
        System.arraycopy(label, 0, out, 0, label.length);
        System.arraycopy(id, 0, out, label.length + 1, id.length);
        return out;
    }

    private static byte[] randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }
}
