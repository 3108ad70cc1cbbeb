package io.certigate.fleet.store;

import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The read side of the store. Queries that may return many rows stream them to a consumer, one at a
 * time, through a server-side cursor ({@code setFetchSize} in a read-only transaction), so that the
 * memory used does not grow with their number; each call opens and closes its own connection.
 * Stored rows come back as {@link VerifiedRecord}s (an erased one without time, kind, subject or COSE
 * bytes). Payloads are decrypted transparently with the connector's {@link StoreKeys}; a record whose
 * data key was destroyed ({@link #eraseSubject}) comes back hash-only, as an erased one does.
 */
public final class FleetStore {
    /** Rows fetched from the server at a time by the streaming queries. */
    public static final int FETCH_SIZE = 1000;

    private static final long YEAR_1_MS = -62_135_596_800_000L;
    private static final long YEAR_10000_MS = 253_402_300_800_000L;

    private static final System.Logger LOG = System.getLogger(FleetStore.class.getName());

    private final StoreConnector connector;

    /** The store read (and erased) through {@code connector}, decrypting with its {@link StoreConnector#keys()}. */
    public FleetStore(StoreConnector connector) {
        this.connector = connector;
    }

    /** Makes the tables or brings them up to date ({@link StoreSchema}); returns the versions applied. */
    public int createOrUpdateSchema() throws SQLException {
        try (Connection c = connector.open()) {
            return StoreSchema.createOrUpdate(c, connector.keys());
        }
    }

    /**
     * What {@link #eraseSubject} did.
     *
     * @param keysDestroyed    data keys destroyed now (0 when the subject was erased before)
     * @param recordsShredded  records made unreadable now
     */
    public record Erasure(String subject, int keysDestroyed, long recordsShredded) {
        public boolean alreadyErased() {
            return keysDestroyed == 0;
        }
    }

    /**
     * Erases a subject (right to erasure) by crypto-shredding, in one transaction: its data key is
     * destroyed, and its records lose their time, kind and owner tag; their leaf and chain hashes stay,
     * so the devices' chains and every proof of other records keep verifying. Records of the subject
     * being written meanwhile are waited for and shredded too. Idempotent: a second erasure destroys
     * nothing; records stored for the subject after an erasure are under a new key. Logs the counts,
     * never a payload.
     *
     * @throws IllegalArgumentException when the store never held a record of {@code subject}
     */
    public Erasure eraseSubject(String subject) throws SQLException {
        StoreKeys keys = requireKeys();
        byte[] owner = keys.subjectTag(subject);
        try (Connection c = connector.open()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(StoreSql.OWNER_KNOWN)) {
                    ps.setBytes(1, owner);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            throw new IllegalArgumentException("the fleet store holds no record of subject '"
                                    + subject + "' (nothing to erase; check the subject's spelling)");
                        }
                    }
                }
                List<Long> destroyed = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(StoreSql.DESTROY_KEYS)) {
                    ps.setBytes(1, owner);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            destroyed.add(rs.getLong(1));
                        }
                    }
                }
                long shredded = 0;
                List<long[]> perKey = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(StoreSql.SHRED_RECORDS)) {
                    ps.setBytes(1, owner);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            perKey.add(new long[] {rs.getLong(1), rs.getLong(2)});
                            shredded += rs.getLong(2);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(StoreSql.COUNT_SHREDDED)) {
                    for (long[] k : perKey) {
                        ps.setLong(1, k[1]);
                        ps.setLong(2, k[0]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
                destroyed.forEach(keys::forget);
                Erasure e = new Erasure(subject, destroyed.size(), shredded);
                LOG.log(System.Logger.Level.INFO, e.alreadyErased()
                        ? "fleet store: subject erased before; nothing more to shred (" + shredded + " records)"
                        : "fleet store: subject erased: " + destroyed.size() + " data key(s) destroyed, "
                                + shredded + " records made unreadable (their hashes kept)");
                return e;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private StoreKeys requireKeys() throws SQLException {
        StoreKeys keys = connector.keys();
        if (keys == null) {
            throw new SQLException("the fleet store's payloads are encrypted: set "
                    + StoreSettings.MASTER_KEY_SOURCE.key() + " to read or erase them");
        }
        return keys;
    }

    /**
     * A subject's records across devices (a vehicle whose telematics box was replaced has two), in
     * time order, then by device and seq; erased records have no subject any more and are not part of it.
     *
     * @return how many were handed to {@code each}
     */
    public long timeline(String subject, Consumer<? super VerifiedRecord> each) throws SQLException {
        return timeline(subject, YEAR_1_MS, YEAR_10000_MS, each);
    }

    /** {@link #timeline(String, Consumer)} limited to readings taken in {@code [fromMs, toMs)}, epoch ms. */
    public long timeline(String subject, long fromMs, long toMs, Consumer<? super VerifiedRecord> each)
            throws SQLException {
        byte[] owner = requireKeys().subjectTag(subject);
        return stream(StoreSql.TIMELINE, ps -> {
            ps.setBytes(1, owner);
            ps.setObject(2, time(fromMs));
            ps.setObject(3, time(toMs));
        }, each);
    }

    /** A device's records with seq in {@code [fromSeq, toSeq]}, in seq order. */
    public long deviceRecords(String device, long fromSeq, long toSeq, Consumer<? super VerifiedRecord> each)
            throws SQLException {
        return stream(StoreSql.DEVICE_RECORDS, ps -> {
            ps.setString(1, StoreWriter.pgText(device));
            ps.setLong(2, fromSeq);
            ps.setLong(3, toSeq);
        }, each);
    }

    /** Every device's figures, by device id. */
    public List<DeviceCounts> devices() throws SQLException {
        List<DeviceCounts> out = new ArrayList<>();
        try (Connection c = connector.open(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(StoreSql.DEVICES)) {
            while (rs.next()) {
                out.add(new DeviceCounts(rs.getString(1), StoreWriter.ms(rs.getObject(2, OffsetDateTime.class)),
                        StoreWriter.ms(rs.getObject(3, OffsetDateTime.class)), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getLong(8)));
            }
        }
        return out;
    }

    /** The findings of one type, in the order they were found. */
    public long findings(FindingType type, Consumer<? super Finding> each) throws SQLException {
        try (Connection c = connector.open()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(StoreSql.FINDINGS_OF_TYPE)) {
                ps.setFetchSize(FETCH_SIZE);
                ps.setString(1, type.code());
                long n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        each.accept(new Finding(rs.getString(1), rs.getLong(2), rs.getLong(3),
                                FindingType.ofCode(rs.getString(4)), rs.getString(5),
                                StoreWriter.ms(rs.getObject(6, OffsetDateTime.class))));
                        n++;
                    }
                }
                return n;
            } finally {
                c.rollback();
            }
        }
    }

    /** Devices the store holds records or findings of. */
    public long countDevices() throws SQLException {
        try (Connection c = connector.open(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(StoreSql.COUNT_DEVICES)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How many findings the store holds of each type found at least once (one query, nothing streamed). */
    public Map<FindingType, Long> countFindingsByType() throws SQLException {
        Map<FindingType, Long> out = new EnumMap<>(FindingType.class);
        try (Connection c = connector.open(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(StoreSql.COUNT_FINDINGS_BY_TYPE)) {
            while (rs.next()) {
                out.put(FindingType.ofCode(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    /** Records stored, erased ones included. */
    public long countRecords() throws SQLException {
        try (Connection c = connector.open(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(StoreSql.COUNT_RECORDS)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private long stream(String sql, Binder binder, Consumer<? super VerifiedRecord> each) throws SQLException {
        try (Connection c = connector.open()) {
            // the driver uses a cursor (fetching FETCH_SIZE rows at a time) only inside a transaction
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(FETCH_SIZE);
                binder.bind(ps);
                long n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        each.accept(record(rs, connector.keys()));
                        n++;
                    }
                }
                return n;
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * A row of {@link StoreSql#RECORD_COLUMNS}, decrypted; hash-only when erased or its key destroyed (or
     * the envelope does not open under its key: never an error for one record).
     */
    private static VerifiedRecord record(ResultSet rs, StoreKeys keys) throws SQLException {
        String device = rs.getString(1);
        long seq = rs.getLong(2);
        byte[] cose = rs.getBytes(8);
        long keyId = rs.getLong(11);
        boolean encrypted = !rs.wasNull();
        long verifiedAt = StoreWriter.ms(rs.getObject(10, OffsetDateTime.class));
        if (cose == null || !encrypted) {
            return new VerifiedRecord(device, seq, StoreWriter.ms(rs.getObject(3, OffsetDateTime.class)),
                    rs.getString(4), rs.getString(5), rs.getBytes(6), rs.getBytes(7), cose, rs.getBoolean(9),
                    verifiedAt);
        }
        byte[] wrapped = rs.getBytes(13);
        if (wrapped != null && rs.getString(4) != null) {
            if (keys == null) {
                throw new SQLException("the fleet store's payloads are encrypted: set "
                        + StoreSettings.MASTER_KEY_SOURCE.key() + " to read them");
            }
            try {
                RecordEnvelope.Opened o = RecordEnvelope.open(keys.dataKey(keyId, rs.getBytes(12), wrapped), device,
                        seq, cose);
                return new VerifiedRecord(device, seq, StoreWriter.ms(rs.getObject(3, OffsetDateTime.class)),
                        rs.getString(4), o.subject(), rs.getBytes(6), rs.getBytes(7), o.cose(), rs.getBoolean(9),
                        verifiedAt);
            } catch (java.security.GeneralSecurityException e) {
                LOG.log(System.Logger.Level.WARNING, "fleet store: the payload of a record of seq " + seq
                        + " does not decrypt under its key (" + e.getClass().getSimpleName() + "); returned hash-only");
            }
        }
        return new VerifiedRecord(device, seq, -1, null, null, rs.getBytes(6), rs.getBytes(7), null, rs.getBoolean(9),
                verifiedAt);
    }

    private static OffsetDateTime time(long ms) {
        return StoreWriter.time(ms);
    }
}
