package io.certigate.core.buffer;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the uplink's peers acknowledged: every record up to {@link #through()} (a watermark row in
 * {@code meta}, one row written per acknowledgement), plus a {@code delivered_ms} of its own for a
 * record acknowledged ahead of a gap. Marks commit with {@code synchronous=NORMAL}: a crash can
 * only take back the last ones (see {@link RecordBuffer}).
 */
final class DeliveryWatermark {
    private final BufferConnections db;
    /** Every record up to this seq is delivered (written under writeLock). */
    private volatile long through;
    /** Records above the watermark that carry their own delivered_ms (under writeLock). */
    private long marksAbove;

    private DeliveryWatermark(BufferConnections db, long through, long marksAbove) {
        this.db = db;
        this.through = through;
        this.marksAbove = marksAbove;
    }

    static DeliveryWatermark load(BufferConnections db, Connection c) throws SQLException {
        byte[] stored = Rows.getMeta(c, BufferSql.KEY_DELIVERED_THROUGH);
        long through = stored == null ? 0 : Long.parseLong(new String(stored, StandardCharsets.US_ASCII));
        return new DeliveryWatermark(db, through, Rows.count(c, BufferSql.COUNT_MARKED_FROM, through + 1));
    }

    /** Every record up to this seq has been delivered. */
    long through() {
        return through;
    }

    /**
     * Marks [from, to] delivered, {@code headSeq} being the chain head; returns how many records
     * changed state. A range that continues the delivered prefix moves the watermark (one meta
     * row, whatever the range's size); a range acknowledged ahead of a gap marks its rows one by
     * one until the gap closes.
     */
    int mark(long from, long to, long nowMs, long headSeq) throws BufferException {
        synchronized (db.writeLock) {
            long w = through;
            long top = Math.min(to, headSeq);
            if (top <= w) {
                return 0;
            }
            long[] moved = new long[2];
            int n = db.write(c -> {
                if (from > w + 1) {
                    try (PreparedStatement ps = c.prepareStatement(BufferSql.MARK_DELIVERED)) {
                        ps.setLong(1, nowMs);
                        ps.setLong(2, from);
                        ps.setLong(3, top);
                        int marked = ps.executeUpdate();
                        moved[0] = w;
                        moved[1] = marksAbove + marked;
                        return marked;
                    }
                }
                long already = marksAbove == 0 ? 0 : Rows.count(c, BufferSql.COUNT_MARKED_BETWEEN, w + 1, top);
                long newThrough = top;
                long marks = 0;
                if (marksAbove > 0) {
                    // records acknowledged earlier, ahead of the gap this range closes, join the prefix
                    try (PreparedStatement ps = c.prepareStatement(BufferSql.FIRST_UNMARKED_AFTER)) {
                        ps.setLong(1, top);
                        try (ResultSet rs = ps.executeQuery()) {
                            long next = rs.next() ? rs.getLong(1) : 0;
                            newThrough = rs.wasNull() || next == 0 ? headSeq : next - 1;
                        }
                    }
                    marks = Rows.count(c, BufferSql.COUNT_MARKED_FROM, newThrough + 1);
                }
                Rows.putMeta(c, BufferSql.KEY_DELIVERED_THROUGH, ascii(newThrough));
                Rows.putMeta(c, BufferSql.KEY_DELIVERED_THROUGH_MS, ascii(nowMs));
                moved[0] = newThrough;
                moved[1] = marks;
                return (int) (top - w - already);
            }, "mark delivered " + from + ".." + to, false);
            through = moved[0];
            marksAbove = moved[1];
            return n;
        }
    }

    private static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
