package io.certigate.meter.coap;

/** The SQL of the CoAP ingest's own table, kept in the record buffer's file. */
final class CoapIngestSql {
    private CoapIngestSql() {}

    static final String TABLE = "coap_sensor_seq";

    /** Per sensor: highest sequence number committed and a bitmap of the 64 below it. */
    static final String CREATE = "CREATE TABLE IF NOT EXISTS coap_sensor_seq ("
            + " sensor TEXT PRIMARY KEY NOT NULL,"
            + " high INTEGER NOT NULL,"
            + " window INTEGER NOT NULL,"
            + " updated_ms INTEGER NOT NULL) STRICT";

    static final String SELECT = "SELECT high, window FROM coap_sensor_seq WHERE sensor = ?";

    static final String UPSERT = "INSERT INTO coap_sensor_seq (sensor, high, window, updated_ms) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (sensor) DO UPDATE SET high = excluded.high, window = excluded.window, updated_ms = excluded.updated_ms";
}
