package io.certigate.obd;

/** The SQL of {@link BufferOdometerStore}: one small table in the device's buffer file ({@code CREATE} is version 1). */
final class OdometerSql {
    private OdometerSql() {}

    static final String CREATE = "CREATE TABLE IF NOT EXISTS obd_odometer ("
            + "vin TEXT PRIMARY KEY NOT NULL, "
            + "km TEXT NOT NULL, "               // BigDecimal plain string, exact
            + "observed_ms INTEGER NOT NULL) STRICT";

    static final String SELECT = "SELECT km FROM obd_odometer WHERE vin = ?";

    static final String UPSERT = "INSERT INTO obd_odometer (vin, km, observed_ms) VALUES (?, ?, ?) "
            + "ON CONFLICT (vin) DO UPDATE SET km = excluded.km, observed_ms = excluded.observed_ms";
}
