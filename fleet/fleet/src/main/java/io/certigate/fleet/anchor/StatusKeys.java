package io.certigate.fleet.anchor;

import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.UplinkException;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The device keys the aggregator checks statements with: the instance's {@link DeviceKeys}, and for
 * a device it does not know yet, the device's last status message kept in
 * {@code fleet_anchor.statuses} ({@link StatementInbox} stores the copies the ingest sends next to the
 * statements), whose certificate chain {@link DeviceKeys#learn} checks against the consortium CA
 * (and the device registry when one is configured). Needed because the leading instance checks the
 * statements of every device, while its verification learns keys only from the statuses of its own
 * Kafka partitions. A status that taught nothing is not read again until another one arrives, and a
 * device without any is looked up at most every {@value #RETRY_MS} ms.
 */
public final class StatusKeys implements Function<String, List<PublicKey>> {
    static final long RETRY_MS = 5_000;

    private final DeviceKeys keys;
    private final Connection c;
    private final Clock clock;
    private final Map<String, byte[]> taughtNothing = new HashMap<>();
    private final Map<String, Long> missingUntil = new HashMap<>();

    public StatusKeys(DeviceKeys keys, Connection c, Clock clock) {
        this.keys = keys;
        this.c = c;
        this.clock = clock;
    }

    /** @throws IllegalStateException with the {@link SQLException} as cause when the database fails */
    @Override
    public List<PublicKey> apply(String device) {
        List<PublicKey> known = keys.keysFor(device);
        if (!known.isEmpty()) {
            return known;
        }
        long now = clock.millis();
        Long until = missingUntil.get(device);
        if (until != null && now < until) {
            return known;
        }
        byte[] status;
        try {
            status = status(device);
        } catch (SQLException e) {
            throw new IllegalStateException("device statuses unreadable: " + e.getMessage(), e);
        }
        if (status == null || Arrays.equals(status, taughtNothing.get(device))) {
            missingUntil.put(device, now + RETRY_MS);
            return known;
        }
        try {
            StatusMessage m = StatusMessage.decode(status);
            if (m.device().equals(device) && keys.learn(m)) {
                taughtNothing.remove(device);
                missingUntil.remove(device);
                return keys.keysFor(device);
            }
        } catch (UplinkException e) {
            // an unreadable status teaches nothing; the verification reports it as a finding
        }
        taughtNothing.put(device, status);
        missingUntil.put(device, now + RETRY_MS);
        return known;
    }

    private byte[] status(String device) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT status FROM fleet_anchor.statuses WHERE device = ?")) {
            q.setString(1, device);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }
}
