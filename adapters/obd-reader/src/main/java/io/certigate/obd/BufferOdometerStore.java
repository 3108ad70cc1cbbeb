package io.certigate.obd;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Keeps the last certified odometer per VIN in the device's buffer file (table
 * {@code obd_odometer}), so that it survives restarts together with the chain it summarises.
 */
public final class BufferOdometerStore implements OdometerStore {
    private final RecordBuffer buffer;

    public BufferOdometerStore(RecordBuffer buffer) throws IOException {
        this.buffer = buffer;
        try {
            buffer.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute(OdometerSql.CREATE);
                }
                return null;
            }, "create obd_odometer");
        } catch (BufferException e) {
            throw new IOException("cannot create the odometer table: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BigDecimal> lastCertified(String vin) throws IOException {
        try {
            return Optional.ofNullable(buffer.read(c -> select(c, vin)));
        } catch (BufferException e) {
            throw new IOException("cannot read the last certified odometer of " + vin + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void raise(String vin, BigDecimal km, long observedAtMillis) throws IOException {
        try {
            buffer.transaction(c -> {
                BigDecimal old = select(c, vin);
                if (old == null || km.compareTo(old) > 0) {
                    try (PreparedStatement ps = c.prepareStatement(OdometerSql.UPSERT)) {
                        ps.setString(1, vin);
                        ps.setString(2, km.toPlainString());
                        ps.setLong(3, observedAtMillis);
                        ps.executeUpdate();
                    }
                }
                return null;
            }, "raise odometer of " + vin);
        } catch (BufferException e) {
            throw new IOException("cannot store the certified odometer of " + vin + ": " + e.getMessage(), e);
        }
    }

    private static BigDecimal select(Connection c, String vin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OdometerSql.SELECT)) {
            ps.setString(1, vin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new BigDecimal(rs.getString(1)) : null;
            }
        }
    }
}
