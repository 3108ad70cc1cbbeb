package io.certigate.uplink;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.BufferTable;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.buffer.TableAccess;
import io.certigate.core.model.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A forwarding route's own delivery cursor, kept in the device's buffer (table
 * {@value #TABLE_NAME}, one row per route name): every record up to {@link #deliveredThrough()}
 * was acknowledged by the route's destination. A batch acknowledged ahead of a gap is held in
 * memory until the gap closes (after a restart those records are sent again: at least once).
 * While open, the cursor holds the buffer's purge back ({@link RecordBuffer#holdPurge}): no
 * record the route has not delivered is purged. Marks commit like every other table write
 * ({@code synchronous=FULL}).
 */
public final class RouteCursor implements DeliveryCursor, AutoCloseable {
    public static final String TABLE_NAME = "route_cursor";
    /** Version 1: one row per route. */
    public static final BufferTable TABLE = BufferTable.named(TABLE_NAME)
            .migration("CREATE TABLE IF NOT EXISTS route_cursor (name TEXT PRIMARY KEY, "
                    + "delivered_through INTEGER NOT NULL, marked_ms INTEGER NOT NULL)");

    private final RecordBuffer buffer;
    private final TableAccess table;
    private final String route;
    private final LongSupplier hold = this::deliveredThrough;
    private final Object lock = new Object();
    /** Ranges acknowledged above the watermark: first seq to last seq (under lock). */
    private final TreeMap<Long, Long> ahead = new TreeMap<>();
    private volatile long through;

    private RouteCursor(RecordBuffer buffer, TableAccess table, String route, long through) {
        this.buffer = buffer;
        this.table = table;
        this.route = route;
        this.through = through;
    }

    /** Opens the cursor of {@code route} (0 when the route is new) and holds the buffer's purge at it. */
    public static RouteCursor open(RecordBuffer buffer, String route) throws BufferException {
        TableAccess t = buffer.register(TABLE);
        long through = t.read(tx -> tx.scalar("SELECT delivered_through FROM route_cursor WHERE name = ?", 0, route));
        RouteCursor c = new RouteCursor(buffer, t, route, through);
        buffer.holdPurge(c.hold);
        return c;
    }

    /** The cursors stored in {@code buffer}, by route name (for status and tests); empty when none. */
    public static Map<String, Long> stored(RecordBuffer buffer) throws BufferException {
        TableAccess t = buffer.register(TABLE);
        if (!t.present()) {
            return Map.of();
        }
        Map<String, Long> out = new TreeMap<>();
        for (Object[] row : t.read(tx -> tx.query("SELECT name, delivered_through FROM route_cursor",
                r -> new Object[] {r.getString(1), r.getLong(2)}))) {
            out.put((String) row[0], (Long) row[1]);
        }
        return out;
    }

    public String route() {
        return route;
    }

    @Override
    public long deliveredThrough() {
        return through;
    }

    @Override
    public int forEachUndelivered(long afterSeq, int limit, RecordBuffer.RowSink sink) throws BufferException {
        long head = buffer.head().seq();
        long from = Math.max(afterSeq, through) + 1;
        List<StoredRecord> rows = new ArrayList<>();
        while (rows.size() < limit && from <= head) { // purged records leave holes: read on past them
            long to = Math.min(head, from + (limit - rows.size()) - 1);
            rows.addAll(buffer.range(from, to));
            from = to + 1;
        }
        for (StoredRecord r : rows) {
            if (r instanceof StoredRecord.Signed s) {
                sink.accept(s.seq(), s.coseUnsafe(), null);
            } else {
                byte[] tomb = new byte[64];
                System.arraycopy(r.chainHash(), 0, tomb, 0, 32);
                System.arraycopy(r.leafHash(), 0, tomb, 32, 32);
                sink.accept(r.seq(), null, tomb);
            }
        }
        return rows.size();
    }

    @Override
    public int markDelivered(long from, long to, long nowMs) throws BufferException {
        synchronized (lock) {
            long w = through;
            long top = Math.min(to, buffer.head().seq());
            if (top <= w) {
                return 0;
            }
            ahead.merge(Math.max(from, w + 1), top, Math::max);
            long next = w;
            for (Map.Entry<Long, Long> e : ahead.entrySet()) {
                if (e.getKey() > next + 1) {
                    break;
                }
                next = Math.max(next, e.getValue());
            }
            if (next == w) {
                return 0; // ahead of a gap: kept until it closes
            }
            long newThrough = next;
            table.write("mark route " + route + " delivered through " + newThrough, tx -> tx.update(
                    "INSERT INTO route_cursor (name, delivered_through, marked_ms) VALUES (?, ?, ?) "
                            + "ON CONFLICT(name) DO UPDATE SET delivered_through = excluded.delivered_through, "
                            + "marked_ms = excluded.marked_ms", route, newThrough, nowMs));
            through = newThrough;
            ahead.headMap(newThrough + 2).clear(); // the ranges joined into the watermark
            return (int) (newThrough - w);
        }
    }

    /** Stops holding the buffer's purge back (the route is no longer forwarded in this run). */
    @Override
    public void close() {
        buffer.releasePurge(hold);
    }
}
