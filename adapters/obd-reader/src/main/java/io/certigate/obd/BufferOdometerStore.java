package io.certigate.obd;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.BufferTable;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.buffer.TableAccess;
import io.certigate.core.buffer.Tx;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Keeps the last certified odometer per VIN in the device's buffer file (table
 * {@code obd_odometer}, registered with the buffer: {@link #TABLE}), so that it survives restarts
 * together with the chain it summarises.
 */
public final class BufferOdometerStore implements OdometerStore {
    /** The table's definition: version 1 is the table every earlier release created. */
    public static final BufferTable TABLE = BufferTable.named("obd_odometer").migration(OdometerSql.CREATE);

    private final TableAccess table;

    public BufferOdometerStore(RecordBuffer buffer) throws IOException {
        try {
            this.table = buffer.register(TABLE);
        } catch (BufferException e) {
            throw new IOException("cannot create the odometer table: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BigDecimal> lastCertified(String vin) throws IOException {
        try {
            return table.present() ? table.read(tx -> select(tx, vin)) : Optional.empty();
        } catch (BufferException e) {
            throw new IOException("cannot read the last certified odometer of " + vin + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void raise(String vin, BigDecimal km, long observedAtMillis) throws IOException {
        try {
            table.write("raise odometer of " + vin, tx -> {
                Optional<BigDecimal> old = select(tx, vin);
                if (old.isEmpty() || km.compareTo(old.get()) > 0) {
                    tx.update(OdometerSql.UPSERT, vin, km.toPlainString(), observedAtMillis);
                }
                return null;
            });
        } catch (BufferException e) {
            throw new IOException("cannot store the certified odometer of " + vin + ": " + e.getMessage(), e);
        }
    }

    private static Optional<BigDecimal> select(Tx tx, String vin) throws SQLException {
        return tx.queryOne(OdometerSql.SELECT, r -> new BigDecimal(r.getString(1)), vin);
    }
}
