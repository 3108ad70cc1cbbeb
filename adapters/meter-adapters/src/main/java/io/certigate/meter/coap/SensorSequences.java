package io.certigate.meter.coap;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.BufferTable;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.buffer.TableAccess;
import io.certigate.core.io.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Which (sensor, sequence) pairs were already committed, surviving gateway restarts: per sensor the
 * highest sequence and a 64-entry window below it (like the DTLS replay window, RFC 6347 §4.1.2.6),
 * so that a late retransmission of an older pack is still recognised. A sequence more than 64 below
 * the highest is treated as already seen. Kept in this module's own table ({@link CoapIngestSql}),
 * either inside the record buffer's SQLite file (registered with the buffer: {@link #TABLE}) or in
 * a small SQLite file of its own, identified before the first write ({@link SqliteFiles#requireStore}).
 *
 * <p>A pack's readings are committed to the chain before its sequence is recorded here: a crash in
 * between may store that pack twice when the sensor retries (at least once), never lose it.
 */
public final class SensorSequences implements AutoCloseable {
    private static final int WINDOW = 64;

    private record State(long high, long window) {}

    /** Where the table lives. */
    private interface Table extends AutoCloseable {
        State load(String sensor) throws IOException;

        void save(String sensor, State s, long nowMs) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final Table table;
    private final Clock clock;
    private final Map<String, State> cache = new HashMap<>();

    private SensorSequences(Table table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    /** The table's definition when it lives in the record buffer's file: version 1 is the table every earlier release created. */
    public static final BufferTable TABLE = BufferTable.named(CoapIngestSql.TABLE).migration(CoapIngestSql.CREATE);

    /** The table inside the record buffer's file, registered with the buffer and written in its transactions. */
    public static SensorSequences inBuffer(RecordBuffer buffer, Clock clock) throws BufferException {
        TableAccess access = buffer.register(TABLE);
        return new SensorSequences(new Table() {
            @Override
            public State load(String sensor) throws IOException {
                try {
                    return access.present() ? access.read(tx -> tx.queryOne(CoapIngestSql.SELECT,
                            r -> new State(r.getLong(1), r.getLong(2)), sensor).orElse(null)) : null;
                } catch (BufferException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public void save(String sensor, State s, long nowMs) throws IOException {
                try {
                    access.write("record coap sensor sequence",
                            tx -> tx.update(CoapIngestSql.UPSERT, sensor, s.high(), s.window(), nowMs));
                } catch (BufferException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                // the buffer belongs to its owner
            }
        }, clock);
    }

    /**
     * The table in its own SQLite file (WAL, synchronous=FULL). An existing file that holds other
     * tables, or is not SQLite, is refused unchanged before the connection switches it to WAL.
     */
    public static SensorSequences inFile(Path file, Clock clock) throws IOException {
        try {
            SqliteFiles.requireStore(file, 0, java.util.Set.of(CoapIngestSql.TABLE));
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
            }
            create(c);
            return new SensorSequences(new Table() {
                @Override
                public synchronized State load(String sensor) throws IOException {
                    try {
                        return select(c, sensor);
                    } catch (SQLException e) {
                        throw new IOException("reading " + file + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public synchronized void save(String sensor, State st, long nowMs) throws IOException {
                    try {
                        upsert(c, sensor, st, nowMs);
                    } catch (SQLException e) {
                        throw new IOException("writing " + file + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public void close() throws IOException {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
            }, clock);
        } catch (SQLException e) {
            throw new IOException("cannot open sensor sequence file " + file + ": " + e.getMessage(), e);
        }
    }

    /** True when this sensor's pack {@code seq} was already committed. */
    public synchronized boolean seen(String sensor, long seq) throws IOException {
        State s = state(sensor);
        if (s == null || seq > s.high()) {
            return false;
        }
        long age = s.high() - seq;
        return age >= WINDOW || (s.window() >>> age & 1L) != 0;
    }

    /** Records that the pack {@code seq} of {@code sensor} is committed. */
    public synchronized void commit(String sensor, long seq) throws IOException {
        State s = state(sensor);
        State n;
        if (s == null) {
            n = new State(seq, 1L);
        } else if (seq > s.high()) {
            long shift = seq - s.high();
            n = new State(seq, (shift >= WINDOW ? 0 : s.window() << shift) | 1L);
        } else {
            long age = s.high() - seq;
            n = age >= WINDOW ? s : new State(s.high(), s.window() | 1L << age);
        }
        table.save(sensor, n, clock.millis());
        cache.put(sensor, n);
    }

    private State state(String sensor) throws IOException {
        State s = cache.get(sensor);
        if (s == null) {
            s = table.load(sensor);
            if (s != null) {
                cache.put(sensor, s);
            }
        }
        return s;
    }

    private static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(CoapIngestSql.CREATE);
        }
    }

    private static State select(Connection c, String sensor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CoapIngestSql.SELECT)) {
            ps.setString(1, sensor);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new State(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    private static void upsert(Connection c, String sensor, State s, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CoapIngestSql.UPSERT)) {
            ps.setString(1, sensor);
            ps.setLong(2, s.high());
            ps.setLong(3, s.window());
            ps.setLong(4, nowMs);
            ps.executeUpdate();
        }
    }

    @Override
    public void close() throws IOException {
        table.close();
    }
}
