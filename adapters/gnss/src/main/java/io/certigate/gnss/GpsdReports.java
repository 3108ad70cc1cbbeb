package io.certigate.gnss;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * gpsd's JSON reports (gpsd_json(5), protocol 3.x): one object per line, its {@code class} saying
 * what it is. This gateway uses VERSION (the greeting), TPV (time-position-velocity: {@code mode}
 * 0/1 no fix, 2 2D, 3 3D; {@code time} ISO 8601 UTC; {@code lat}, {@code lon} degrees;
 * {@code speed} m/s; {@code track} degrees true) and SKY ({@code hdop}, {@code uSat}, {@code nSat},
 * or the {@code satellites} array's {@code used} flags for older gpsd). Other classes (DEVICES,
 * WATCH, ERROR, ...) come back as {@link Other}. Pure and thread-safe.
 */
public final class GpsdReports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** gpsd reports speed in m/s: 3.6 km/h each. */
    private static final BigDecimal KMH_PER_MS = new BigDecimal("3.6");

    private GpsdReports() {}

    public sealed interface Report {}

    public record Version(String release, int protoMajor, int protoMinor) implements Report {}

    /** A TPV report; null fields were absent. */
    public record Tpv(int mode, Instant time, BigDecimal latitude, BigDecimal longitude, BigDecimal speedKmh,
            BigDecimal trackDegrees) implements Report {}

    /** A SKY report; -1 or null for what it does not give. */
    public record Sky(BigDecimal hdop, int used, int inView) implements Report {}

    public record Other(String type) implements Report {}

    /** @throws GpsdException carrying the line when it is not a gpsd JSON object */
    public static Report parse(String line) throws GpsdException {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new GpsdException("not JSON: " + e.getOriginalMessage(), line);
        }
        if (n == null || !n.isObject() || !n.path("class").isTextual()) {
            throw new GpsdException("not a gpsd report (no class)", line);
        }
        String type = n.get("class").asText();
        try {
            return switch (type) {
                case "VERSION" -> new Version(n.path("release").asText(""), n.path("proto_major").asInt(-1),
                        n.path("proto_minor").asInt(-1));
                case "TPV" -> new Tpv(n.path("mode").asInt(0), time(n.get("time")), degrees(n.get("lat"), 90),
                        degrees(n.get("lon"), 180), speed(n.get("speed")), unsigned(n.get("track")));
                case "SKY" -> sky(n);
                default -> new Other(type);
            };
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            throw new GpsdException(type + ": " + e.getMessage(), line);
        }
    }

    private static Sky sky(JsonNode n) {
        int used = n.path("uSat").asInt(-1);
        int inView = n.path("nSat").asInt(-1);
        JsonNode sats = n.get("satellites");
        if (sats != null && sats.isArray()) {
            if (inView < 0) {
                inView = sats.size();
            }
            if (used < 0) {
                int u = 0;
                for (JsonNode s : sats) {
                    u += s.path("used").asBoolean(false) ? 1 : 0;
                }
                used = u;
            }
        }
        BigDecimal hdop = unsigned(n.get("hdop"));
        return new Sky(hdop == null ? null : hdop.setScale(Math.min(hdop.scale(), 2), RoundingMode.HALF_EVEN), used, inView);
    }

    private static Instant time(JsonNode t) {
        return t == null || !t.isTextual() ? null : Instant.parse(t.asText());
    }

    private static BigDecimal degrees(JsonNode v, int max) {
        if (v == null || !v.isNumber()) {
            return null;
        }
        BigDecimal d = v.decimalValue();
        if (d.abs().compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(d.toPlainString() + " is beyond " + max + " degrees");
        }
        return Coordinates.strip(d.setScale(Math.min(d.scale(), Coordinates.DECIMALS), RoundingMode.HALF_EVEN));
    }

    private static BigDecimal unsigned(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return null;
        }
        BigDecimal d = v.decimalValue();
        if (d.signum() < 0) {
            throw new IllegalArgumentException(d.toPlainString() + " is negative");
        }
        return d;
    }

    private static BigDecimal speed(JsonNode v) {
        BigDecimal ms = unsigned(v);
        return ms == null ? null : Coordinates.strip(ms.multiply(KMH_PER_MS).setScale(NmeaDecoder.SPEED_DECIMALS,
                RoundingMode.HALF_EVEN));
    }

    /** What the gateway sends after connecting: JSON reports on, for every device (gpsd_json(5) "?WATCH"). */
    public static final String WATCH = "?WATCH={\"enable\":true,\"json\":true};\n";
}
