package io.certigate.fleet.store;

import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Writes batches of verified records and findings to the store, each batch in one PostgreSQL
 * transaction, idempotently: the batch's rows are staged in a temporary table, then inserted into
 * {@code records} in one {@code INSERT ... SELECT ... ON CONFLICT (device, seq) DO NOTHING}, so a
 * batch written twice (a replay after a crash) stores each (device, seq) once.
 *
 * <ul>
 *   <li>A signed record whose (device, seq) is stored with another chain hash is a fork: never
 *       written over, reported as a {@link FindingType#FORK} finding.</li>
 *   <li>An erasure replaces the stored signed record only when its leaf and chain hashes are that
 *       record's; any other (nothing stored, other hashes) is not written and is reported as an
 *       {@link FindingType#UNPROVABLE_TOMBSTONE} finding.</li>
 *   <li>Findings are stored once each (unique on device, seqs, type, time and detail), so the
 *       store's own findings, dated by the refused record's verification time, are not doubled by a
 *       replay either.</li>
 * </ul>
 *
 * <p>Payloads at rest are encrypted ({@link RecordEnvelope}): each signed record's COSE bytes (and its
 * subject) under its owner's data key (the subject's, or the device's when the reading has none;
 * {@link DataKeys}), the owner tag stored instead of the subject; the leaf and chain hashes stay in clear.
 *
 * <p>Holds one connection, opened at the first write; a failed write rolls back, closes it and
 * throws, and the next write opens a new one. Not thread-safe: one writer per sink thread.
 */
public final class StoreWriter implements AutoCloseable {
    /**
     * How a batch's rows reach the temporary table. Measured (StoreWriteRateTest, BENCHMARKS.md):
     * the JDBC batch, which the driver rewrites into multi-row inserts with binary parameters, is
     * faster than COPY in text format (whose byte strings travel as hex), so it is the default.
     */
    public enum Staging {
        /** A JDBC batch of {@code INSERT INTO incoming VALUES (...)} (rewritten by the driver into multi-row inserts). */
        INSERT_BATCH,
        /** {@code COPY incoming FROM STDIN} in text format. */
        COPY
    }

    private final StoreConnector connector;
    private final Staging staging;
    private Connection connection;

    public StoreWriter(StoreConnector connector) {
        this(connector, Staging.INSERT_BATCH);
    }

    public StoreWriter(StoreConnector connector, Staging staging) {
        this.connector = connector;
        this.staging = staging;
    }

    /**
     * Writes {@code records} (in the order they came, per device in seq order) and {@code findings}
     * in one transaction.
     *
     * @throws SQLException nothing of the batch is written then
     */
    public WriteResult write(List<VerifiedRecord> records, List<Finding> findings) throws SQLException {
        if (records.isEmpty() && findings.isEmpty()) {
            return WriteResult.NOTHING;
        }
        Connection c = connection();
        try {
            WriteResult r = writeIn(c, records, findings);
            c.commit();
            return r;
        } catch (SQLException | RuntimeException e) {
            discard();
            throw e;
        } catch (AssertionError e) {
            // pgjdbc 42.7 asserts instead of throwing when a batch meets a connection the server closed
            // (BatchResultHandler.isAutoCommit): that is a lost connection, retried like any other
            discard();
            throw new SQLException("the connection to PostgreSQL was lost during a batch: " + e.getMessage(), "08006", e);
        }
    }

    private WriteResult writeIn(Connection c, List<VerifiedRecord> records, List<Finding> findings) throws SQLException {
        long signed = records.stream().filter(r -> !r.erased()).count();
        long erasures = records.size() - signed;
        List<Finding> all = new ArrayList<>(findings);
        long stored = 0;
        long forks = 0;
        long erased = 0;
        long refused = 0;
        if (!records.isEmpty()) {
            stage(c, records, seal(c, records, signed));
            try (Statement st = c.createStatement()) {
                if (signed > 0) {
                    stored = single(st, StoreSql.STORE_SIGNED);
                    if (stored < signed) {
                        forks = forks(st, all);
                    }
                }
                if (erasures > 0) {
                    erased = single(st, StoreSql.ERASE);
                    if (erased < erasures) {
                        refused = refusedErasures(st, all);
                    }
                }
            }
        }
        long findingRows = 0;
        if (!all.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(StoreSql.INSERT_FINDING)) {
                for (Finding f : all) {
                    ps.setString(1, pgText(f.device()));
                    ps.setLong(2, f.seq());
                    ps.setLong(3, f.lastSeq());
                    ps.setString(4, f.type().code());
                    ps.setString(5, pgText(f.detail()));
                    ps.setObject(6, time(f.atMs()));
                    ps.addBatch();
                }
                for (int n : ps.executeBatch()) {
                    findingRows += Math.max(n, 0);
                }
            }
        }
        return new WriteResult(stored, signed - stored - forks + erasures - erased - refused, erased, refused, forks,
                findingRows);
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long forks(Statement st, List<Finding> out) throws SQLException {
        long n = 0;
        try (ResultSet rs = st.executeQuery(StoreSql.FORKS)) {
            while (rs.next()) {
                String device = rs.getString(1);
                long seq = rs.getLong(2);
                out.add(Finding.of(device, seq, FindingType.FORK, "seq " + seq + " is stored with chain hash "
                        + hex(rs.getBytes(4)) + "; another record with chain hash " + hex(rs.getBytes(3))
                        + " was refused", ms(rs.getObject(5, OffsetDateTime.class))));
                n++;
            }
        }
        return n;
    }

    private static long refusedErasures(Statement st, List<Finding> out) throws SQLException {
        long n = 0;
        try (ResultSet rs = st.executeQuery(StoreSql.REFUSED_ERASURES)) {
            while (rs.next()) {
                long seq = rs.getLong(2);
                out.add(Finding.of(rs.getString(1), seq, FindingType.UNPROVABLE_TOMBSTONE, "erasure of seq " + seq
                        + " refused: " + (rs.getBoolean(4) ? "no record of that seq is stored"
                        : "its leaf and chain hashes are not those of the record stored"),
                        ms(rs.getObject(3, OffsetDateTime.class))));
                n++;
            }
        }
        return n;
    }

    /** What a signed record is staged with: its envelope, data key and owner tag (erasures: nulls). */
    private record Sealed(byte[][] envelopes, long[] keyIds, byte[][] owners) {}

    private Sealed seal(Connection c, List<VerifiedRecord> records, long signed) throws SQLException {
        int n = records.size();
        Sealed out = new Sealed(new byte[n][], new long[n], new byte[n][]);
        if (signed == 0) {
            return out;
        }
        StoreKeys keys = connector.keys();
        if (keys == null) {
            throw new IllegalStateException(StoreSettings.MASTER_KEY_SOURCE.key() + " is not set: the fleet store"
                    + " writes payloads only encrypted, under data keys wrapped by the master key");
        }
        Map<ByteBuffer, byte[]> owners = new HashMap<>();
        for (int i = 0; i < n; i++) {
            VerifiedRecord r = records.get(i);
            if (!r.erased()) {
                byte[] owner = r.subject() == null ? keys.deviceTag(r.device()) : keys.subjectTag(r.subject());
                byte[] known = owners.putIfAbsent(ByteBuffer.wrap(owner), owner);
                out.owners[i] = known == null ? owner : known;
            }
        }
        Map<ByteBuffer, DataKeys.Key> live = DataKeys.liveOrNew(c, keys, owners.values());
        for (int i = 0; i < n; i++) {
            VerifiedRecord r = records.get(i);
            if (!r.erased()) {
                DataKeys.Key k = live.get(ByteBuffer.wrap(out.owners[i]));
                out.keyIds[i] = k.id();
                out.envelopes[i] = RecordEnvelope.seal(k.key(), r.device(), r.seq(), r.subject(), r.cose());
            }
        }
        return out;
    }

    private void stage(Connection c, List<VerifiedRecord> records, Sealed sealed) throws SQLException {
        if (staging == Staging.COPY) {
            StringBuilder sb = new StringBuilder(records.size() * 600);
            int ord = 0;
            for (VerifiedRecord r : records) {
                sb.append(ord++).append('\t');
                text(sb, r.device()).append('\t').append(r.seq()).append('\t');
                if (r.erased()) {
                    sb.append("\\N\t\\N\t\\N\t");
                } else {
                    sb.append(Instant.ofEpochMilli(r.observedAtMs())).append('\t');
                    text(sb, r.kind()).append('\t');
                    sb.append("\\N\t");
                }
                bytea(sb, r.leafHash()).append('\t');
                bytea(sb, r.chainHash()).append('\t');
                if (r.erased()) {
                    sb.append("\\N");
                } else {
                    bytea(sb, sealed.envelopes[ord - 1]);
                }
                sb.append('\t').append(r.linked() ? 't' : 'f').append('\t')
                        .append(Instant.ofEpochMilli(r.verifiedAtMs())).append('\t');
                if (r.erased()) {
                    sb.append("\\N\t\\N\n");
                } else {
                    sb.append(sealed.keyIds[ord - 1]).append('\t');
                    bytea(sb, sealed.owners[ord - 1]).append('\n');
                }
            }
            try {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn(StoreSql.COPY_INCOMING,
                        new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new SQLException("COPY into the staging table failed: " + e.getMessage(), e);
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(StoreSql.INSERT_INCOMING)) {
            int ord = 0;
            for (VerifiedRecord r : records) {
                ps.setInt(1, ord++);
                ps.setString(2, pgText(r.device()));
                ps.setLong(3, r.seq());
                ps.setObject(4, r.erased() ? null : time(r.observedAtMs()), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(5, pgText(r.kind()));
                ps.setString(6, null);
                ps.setBytes(7, r.leafHash());
                ps.setBytes(8, r.chainHash());
                ps.setBytes(9, sealed.envelopes[ord - 1]);
                ps.setBoolean(10, r.linked());
                ps.setObject(11, time(r.verifiedAtMs()));
                if (r.erased()) {
                    ps.setNull(12, Types.BIGINT);
                } else {
                    ps.setLong(12, sealed.keyIds[ord - 1]);
                }
                ps.setBytes(13, sealed.owners[ord - 1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** COPY's text format: backslash, tab, newline and carriage return escaped. */
    private static StringBuilder text(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\0' -> sb.append('\uFFFD');
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb;
    }

    /** A bytea in COPY's text format: {@code \\x} and hex (the backslash itself escaped). */
    private static StringBuilder bytea(StringBuilder sb, byte[] b) {
        sb.append("\\\\x");
        return HexFormat.of().formatHex(sb, b);
    }

    /**
     * PostgreSQL's text cannot hold U+0000, which a signed reading's kind or subject may contain: it is
     * stored as U+FFFD in these indexed copies (the COSE bytes keep the original), so that one such
     * record cannot stop the partition it is in.
     */
    static String pgText(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    static OffsetDateTime time(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }

    static long ms(OffsetDateTime t) {
        return t == null ? -1 : t.toInstant().toEpochMilli();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = connector.open();
            try {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute(StoreSql.CREATE_INCOMING);
                }
                if (connector.keys() != null) {
                    StoreSchema.checkMasterKey(c, connector.keys());
                }
                c.commit();
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private void discard() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is going away: the server rolls back what was not committed
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    @Override
    public void close() {
        discard();
    }
}
