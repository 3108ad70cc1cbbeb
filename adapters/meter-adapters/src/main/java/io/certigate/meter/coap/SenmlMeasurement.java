package io.certigate.meter.coap;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a road sensor may send, in one place: the measurement name (the part of the resolved SenML
 * name after the last {@code :} or {@code /}), the SenML unit it must carry (RFC 8428 §12.1
 * registry), the reading kind it becomes and the UCUM code of that reading's unit.
 */
public enum SenmlMeasurement {
    /** The sensor's own sequence number for the pack: the deduplication key, not a reading. */
    SEQ("seq", null, null, null),
    /** Peak acceleration of a shock event. */
    SHOCK("shock", "m/s2", "road.shock", "m/s2"),
    /** Latitude of the sensor when the event was measured. */
    LATITUDE("lat", "lat", "road.position.lat", "deg"),
    /** Longitude of the sensor when the event was measured. */
    LONGITUDE("lon", "lon", "road.position.lon", "deg"),
    /** Road surface temperature. */
    SURFACE_TEMPERATURE("temp", "Cel", "road.surface.temperature", "Cel"),
    /** Battery level. */
    BATTERY("bat", "%EL", "device.battery", "%");

    /** SenML units (RFC 8428 §12.1) this gateway recognises; any other unit is refused as unknown. */
    public static final Set<String> KNOWN_SENML_UNITS = Set.of("m", "kg", "g", "s", "A", "K", "cd", "mol", "Hz", "rad", "sr",
            "N", "Pa", "J", "W", "C", "V", "F", "Ohm", "S", "Wb", "T", "H", "Cel", "lm", "lx", "Bq", "Gy", "Sv", "kat", "m2",
            "m3", "l", "m/s", "m/s2", "m3/s", "l/s", "W/m2", "cd/m2", "bit", "bit/s", "lat", "lon", "pH", "dB", "dBW", "count",
            "/", "%", "%RH", "%EL", "EL", "1/s", "1/min", "beat/min", "beats", "S/m", "B", "VA", "VAs", "var", "vars", "J/m",
            "kg/m3", "deg");

    private static final Map<String, SenmlMeasurement> BY_NAME = Map.of("seq", SEQ, "shock", SHOCK, "lat", LATITUDE, "lon",
            LONGITUDE, "temp", SURFACE_TEMPERATURE, "bat", BATTERY);

    private final String name;
    private final String senmlUnit;
    private final String kind;
    private final String ucum;

    SenmlMeasurement(String name, String senmlUnit, String kind, String ucum) {
        this.name = name;
        this.senmlUnit = senmlUnit;
        this.kind = kind;
        this.ucum = ucum;
    }

    /** The measurement of a resolved SenML name, by its last segment. */
    public static Optional<SenmlMeasurement> of(String resolvedName) {
        int cut = Math.max(resolvedName.lastIndexOf(':'), resolvedName.lastIndexOf('/'));
        return Optional.ofNullable(BY_NAME.get(resolvedName.substring(cut + 1)));
    }

    public String measurementName() {
        return name;
    }

    /** The SenML unit required, or null when the record must be unitless. */
    public String senmlUnit() {
        return senmlUnit;
    }

    public String kind() {
        return kind;
    }

    public String ucum() {
        return ucum;
    }
}
