package io.certigate.core.buffer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The operator figures of a buffer ({@link RecordBuffer.Stats}) and its integrity check. Delivery
 * and anchoring advance in seq order, so each scan starts at the oldest pending seq the previous
 * one found: the cost follows the backlog, not the history.
 */
final class BufferStats {
    private final BufferConnections db;
    private final RecordLog log;
    private final DeliveryWatermark delivery;
    private long undeliveredHint = 1; // under readLock
    private long unanchoredHint = 1; // under readLock

    BufferStats(BufferConnections db, RecordLog log, DeliveryWatermark delivery) {
        this.db = db;
        this.log = log;
        this.delivery = delivery;
    }

    RecordBuffer.Stats stats() throws BufferException {
        long live = log.liveRecords();
        long headSeq = log.head().seq();
        return db.read(c -> {
            long[] undelivered = firstPending(c, BufferSql.FIRST_UNDELIVERED, Math.max(undeliveredHint, delivery.through() + 1));
            long[] unanchored = firstPending(c, BufferSql.FIRST_UNANCHORED, unanchoredHint);
            undeliveredHint = undelivered[0] > 0 ? undelivered[0] : headSeq + 1;
            unanchoredHint = unanchored[0] > 0 ? unanchored[0] : headSeq + 1;
            long count = undelivered[0] > 0 ? Rows.count(c, BufferSql.COUNT_UNDELIVERED_FROM, undelivered[0]) : 0;
            Path file = db.file;
            return new RecordBuffer.Stats(live, count, undelivered[1], unanchored[1], headSeq, BufferFile.sizeOf(file),
                    BufferFile.sizeOf(Path.of(file + "-wal")));
        });
    }

    /** {seq, created_ms} of the first pending record at or after {@code from}, or {0, -1}. */
    private static long[] firstPending(Connection c, String sql, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, -1};
            }
        }
    }

    /** Full {@code PRAGMA integrity_check}: "ok" or the problems found. */
    String integrityCheck() throws BufferException {
        return db.read(c -> Rows.check(c, BufferSql.INTEGRITY_CHECK));
    }
}
