package io.certigate.fleet.anchor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The RFC 9162 leaves of a device's verified records seq first..last, oldest first, as the fleet
 * store holds them (its {@code records} table, read only): empty while any of them is not stored
 * yet, so a statement is checked only against records the fleet verified itself.
 */
@FunctionalInterface
public interface RecordLeaves {
    Optional<List<byte[]>> leaves(String device, long firstSeq, long lastSeq) throws SQLException;

    /** The fleet store's {@code records} on {@code c}. */
    static RecordLeaves of(Connection c) {
        return (device, first, last) -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT leaf FROM records WHERE device = ? AND seq BETWEEN ? AND ? ORDER BY seq")) {
                q.setString(1, device);
                q.setLong(2, first);
                q.setLong(3, last);
                List<byte[]> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getBytes(1));
                    }
                }
                return out.size() == last - first + 1 ? Optional.of(out) : Optional.empty();
            }
        };
    }
}
