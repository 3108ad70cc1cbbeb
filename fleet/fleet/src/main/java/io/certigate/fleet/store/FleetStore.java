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
 * bytes).
 */
public final class FleetStore {
    /** Rows fetched from the server at a time by the streaming queries. */
    public static final int FETCH_SIZE = 1000;

    private static final long YEAR_1_MS = -62_135_596_800_000L;
    private static final long YEAR_10000_MS = 253_402_300_800_000L;

    private final StoreConnector connector;

    public FleetStore(StoreConnector connector) {
        this.connector = connector;
    }

    /** Makes the tables or brings them up to date ({@link StoreSchema}); returns the versions applied. */
    public int createOrUpdateSchema() throws SQLException {
        try (Connection c = connector.open()) {
            return StoreSchema.createOrUpdate(c);
        }
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
        return stream(StoreSql.TIMELINE, ps -> {
            ps.setString(1, StoreWriter.pgText(subject));
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
                        each.accept(record(rs));
                        n++;
                    }
                }
                return n;
            } finally {
                c.rollback();
            }
        }
    }

    /** A row of {@link StoreSql#RECORD_COLUMNS}. */
    private static VerifiedRecord record(ResultSet rs) throws SQLException {
        return new VerifiedRecord(rs.getString(1), rs.getLong(2), StoreWriter.ms(rs.getObject(3, OffsetDateTime.class)),
                rs.getString(4), rs.getString(5), rs.getBytes(6), rs.getBytes(7), rs.getBytes(8), rs.getBoolean(9),
                StoreWriter.ms(rs.getObject(10, OffsetDateTime.class)));
    }

    private static OffsetDateTime time(long ms) {
        return StoreWriter.time(ms);
    }
}
