package io.certigate.meter.coap;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Which (sensor, sequence) pairs were already committed, surviving gateway restarts: per sensor the
 * highest sequence and a 64-entry window below it (like the DTLS replay window, RFC 6347 §4.1.2.6),
 * so that a late retransmission of an older pack is still recognised. A sequence more than 64 below
 * the highest is treated as already seen. Kept in the record buffer's SQLite file, in this module's
 * own table ({@link CoapIngestSql}).
 *
 * <p>A pack's readings are committed to the chain before its sequence is recorded here: a crash in
 * between may store that pack twice when the sensor retries (at least once), never lose it.
 */
public final class SensorSequences {
    private static final int WINDOW = 64;

    private record State(long high, long window) {}

    private final RecordBuffer buffer;
    private final Clock clock;
    private final Map<String, State> cache = new HashMap<>();

    public SensorSequences(RecordBuffer buffer, Clock clock) throws BufferException {
        this.buffer = buffer;
        this.clock = clock;
        buffer.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(CoapIngestSql.CREATE);
            }
            return null;
        }, "create coap_sensor_seq");
    }

    /** True when this sensor's pack {@code seq} was already committed. */
    public synchronized boolean seen(String sensor, long seq) throws BufferException {
        State s = state(sensor);
        if (s == null || seq > s.high()) {
            return false;
        }
        long age = s.high() - seq;
        return age >= WINDOW || (s.window() >>> age & 1L) != 0;
    }

    /** Records that the pack {@code seq} of {@code sensor} is committed. */
    public synchronized void commit(String sensor, long seq) throws BufferException {
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
        long now = clock.millis();
        buffer.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(CoapIngestSql.UPSERT)) {
                ps.setString(1, sensor);
                ps.setLong(2, n.high());
                ps.setLong(3, n.window());
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return null;
        }, "record coap sensor sequence");
        cache.put(sensor, n);
    }

    private State state(String sensor) throws BufferException {
        State s = cache.get(sensor);
        if (s != null) {
            return s;
        }
        State loaded = buffer.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(CoapIngestSql.SELECT)) {
                ps.setString(1, sensor);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new State(rs.getLong(1), rs.getLong(2)) : null;
                }
            }
        });
        if (loaded != null) {
            cache.put(sensor, loaded);
        }
        return loaded;
    }
}
