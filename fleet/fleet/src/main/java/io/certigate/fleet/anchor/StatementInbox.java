package io.certigate.fleet.anchor;

import io.certigate.verifier.statement.BatchStatementCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;

/**
 * Takes batch statements into {@code fleet_anchor.statements}, each once (by the SHA-256 of its
 * COSE bytes), together with the Kafka offsets they were read up to, in one transaction: a crash
 * before the commit reads them again, a crash after it does not, so every statement is taken exactly
 * once. Unchecked here: the aggregator checks them ({@link FleetAggregator}).
 *
 * <p>A gateway re-sends a statement until its receipt comes back. A re-sent statement is not taken
 * again; but if its receipt was already handed to the broker, the gateway evidently did not get it
 * (its session was lost with the message in it, say): the receipt is marked undelivered so that the
 * aggregator hands it over once more ({@link Taken#receiptsAgain()} from {@link #receive}). Without that, a gateway whose
 * receipt was lost would re-send forever.
 */
public final class StatementInbox {
    /** One statement as read from {@code certigate.statements}: the device from the Kafka key. */
    public record Incoming(String device, byte[] cose) {}

    /** A status message read from {@code certigate.statements} (the ingest's copy), the device from the Kafka key. */
    public record Status(String device, byte[] payload) {}

    /** A partition's next offset after a poll. */
    public record Offset(String topic, int partition, long next) {}

    /**
     * What one {@link #take} did.
     *
     * @param added         statements new to the fleet
     * @param receiptsAgain re-sent statements whose receipt had been handed over already: handed over again
     */
    public record Taken(int added, int receiptsAgain) {
        public static final Taken NOTHING = new Taken(0, 0);
    }

    private final Connection c;

    public StatementInbox(Connection c) {
        this.c = c;
    }

    /** {@link #receive}; returns how many statements were new. */
    public int take(List<Incoming> statements, List<Offset> offsets, long nowMs) throws SQLException {
        return receive(statements, offsets, nowMs).added();
    }

    /**
     * Stores {@code statements} and {@code offsets} atomically, and marks the receipts of re-sent
     * statements undelivered; returns how many statements were new and how many receipts go out again.
     */
    public Taken receive(List<Incoming> statements, List<Offset> offsets, long nowMs) throws SQLException {
        return receive(statements, List.of(), offsets, nowMs);
    }

    /**
     * {@link #receive(List, List, long)}, and keeps each device's last status of {@code statuses} (in
     * the order read: a device's messages share a partition) in the same transaction.
     */
    public Taken receive(List<Incoming> statements, List<Status> statuses, List<Offset> offsets, long nowMs)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO fleet_anchor.statements"
                + " (device, hash, cose, received_ms) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING");
                PreparedStatement again = c.prepareStatement("UPDATE fleet_anchor.statements SET delivered_ms = NULL"
                        + " WHERE hash = ? AND receipt IS NOT NULL AND delivered_ms IS NOT NULL");
                PreparedStatement off = c.prepareStatement("INSERT INTO fleet_anchor.offsets (topic, part, next_offset)"
                        + " VALUES (?, ?, ?) ON CONFLICT (topic, part) DO UPDATE SET next_offset = excluded.next_offset")) {
            int added = 0;
            int receiptsAgain = 0;
            for (Incoming s : statements) {
                byte[] hash = BatchStatementCodec.hash(s.cose());
                ins.setString(1, s.device());
                ins.setBytes(2, hash);
                ins.setBytes(3, s.cose());
                ins.setLong(4, nowMs);
                if (ins.executeUpdate() == 1) {
                    added++;
                } else {
                    again.setBytes(1, hash);
                    receiptsAgain += again.executeUpdate();
                }
            }
            if (!statuses.isEmpty()) {
                try (PreparedStatement st = c.prepareStatement("INSERT INTO fleet_anchor.statuses (device, status,"
                        + " received_ms) VALUES (?, ?, ?) ON CONFLICT (device) DO UPDATE SET status = excluded.status,"
                        + " received_ms = excluded.received_ms")) {
                    for (Status s : statuses) {
                        st.setString(1, s.device());
                        st.setBytes(2, s.payload());
                        st.setLong(3, nowMs);
                        st.executeUpdate();
                    }
                }
            }
            for (Offset o : offsets) {
                off.setString(1, o.topic());
                off.setInt(2, o.partition());
                off.setLong(3, o.next());
                off.executeUpdate();
            }
            c.commit();
            return new Taken(added, receiptsAgain);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Where to resume reading a partition; empty if nothing was read from it yet. */
    public OptionalLong offset(String topic, int partition) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT next_offset FROM fleet_anchor.offsets WHERE topic = ? AND part = ?")) {
            q.setString(1, topic);
            q.setInt(2, partition);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
