package io.certigate.simulators.gnss;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The NMEA 0183 output of a receiver in a vehicle driving a {@link Route} at constant speed, one
 * epoch per second, in the sentence mix of a u-blox M8/M9 module (NMEA 0183 v4.11 §6.3): RMC, VTG,
 * GGA, GSA (one per constellation), GSV (per constellation), ZDA. {@link Talkers#MULTI} uses the GN
 * talker for the combined solution with GP and GL satellites; {@link Talkers#GPS} is a GPS-only
 * receiver. In a tunnel the receiver keeps talking without a fix (RMC status V, GGA quality 0, GSA
 * "no fix"). With a checksum error rate, that share of sentences get a wrong checksum. It computes
 * its own checksums and coordinates, independently of the gateway's parser. Deterministic for a seed.
 */
public final class NmeaRouteGenerator {
    private static final double KNOTS_PER_MS = 3600.0 / 1852.0;

    /** Which talkers the simulated receiver uses. */
    public enum Talkers { MULTI, GPS }

    /**
     * @param speedKmh          constant speed along the route
     * @param start             GNSS time of epoch 0
     * @param checksumErrorRate share of sentences sent with a wrong checksum, 0..1
     * @param seed              for the errors and the satellites' signal levels
     */
    public record Options(double speedKmh, Instant start, Talkers talkers, double checksumErrorRate, long seed) {
        public Options {
            if (speedKmh < 0 || checksumErrorRate < 0 || checksumErrorRate > 1) {
                throw new IllegalArgumentException("speed >= 0 and an error rate in 0..1");
            }
        }

        public static Options of(double speedKmh, Instant start) {
            return new Options(speedKmh, start, Talkers.MULTI, 0, 1);
        }
    }

    private final Route route;
    private final Options options;
    private final Random random;
    private long sentences;
    private long corrupted;

    public NmeaRouteGenerator(Route route, Options options) {
        this.route = route;
        this.options = options;
        this.random = new Random(options.seed());
    }

    /** Metres from the start at epoch {@code second}. */
    public double distanceAt(long second) {
        return second * options.speedKmh() / 3.6;
    }

    /** The first epoch at or after which the vehicle has passed {@code distance} metres (the first lap). */
    public long secondAt(double distance) {
        return (long) Math.ceil(distance / (options.speedKmh() / 3.6));
    }

    /** GNSS time of epoch {@code second}. */
    public Instant timeAt(long second) {
        return options.start().plusSeconds(second);
    }

    /** Whether the receiver has a fix at epoch {@code second}. */
    public boolean fixAt(long second) {
        return !route.inTunnel(distanceAt(second));
    }

    public Route route() {
        return route;
    }

    /** The sentences of epoch {@code second}, each with its {@code $}, checksum and CR LF. */
    public List<String> epoch(long second) {
        double d = distanceAt(second);
        boolean fix = !route.inTunnel(d);
        Route.Point p = route.at(d);
        ZonedDateTime t = timeAt(second).atZone(ZoneOffset.UTC);
        String hms = String.format(Locale.ROOT, "%02d%02d%02d.00", t.getHour(), t.getMinute(), t.getSecond());
        String ddmmyy = String.format(Locale.ROOT, "%02d%02d%02d", t.getDayOfMonth(), t.getMonthValue(), t.getYear() % 100);
        boolean multi = options.talkers() == Talkers.MULTI;
        String main = multi ? "GN" : "GP";
        double knots = options.speedKmh() / 3.6 * KNOTS_PER_MS;
        String course = fix ? String.format(Locale.ROOT, "%.2f", route.courseAt(d)) : "";
        String lat = fix ? minutes(p.latitude(), true) : ",";
        String lon = fix ? minutes(p.longitude(), false) : ",";
        String hdop = fix ? String.format(Locale.ROOT, "%.2f", 0.8 + random.nextInt(40) / 100.0) : "99.99";
        int[] gps = {2, 5, 12, 15, 18, 24, 25, 29};
        int[] glo = {67, 68, 77, 78, 84};
        int usedGps = fix ? 6 : 0;
        int usedGlo = fix && multi ? 3 : 0;
        List<String> out = new ArrayList<>();
        out.add(main + "RMC," + hms + "," + (fix ? "A" : "V") + "," + lat + "," + lon + ","
                + (fix ? String.format(Locale.ROOT, "%.3f", knots) : "") + "," + course + "," + ddmmyy + ",,,"
                + (fix ? "A" : "N") + (multi ? ",V" : ""));
        out.add(main + "VTG," + course + ",T,,M," + (fix ? String.format(Locale.ROOT, "%.3f", knots) : "") + ",N,"
                + (fix ? String.format(Locale.ROOT, "%.3f", options.speedKmh()) : "") + ",K," + (fix ? "A" : "N"));
        out.add(main + "GGA," + hms + "," + lat + "," + lon + "," + (fix ? 1 : 0) + ","
                + String.format(Locale.ROOT, "%02d", usedGps + usedGlo) + "," + hdop + "," + (fix ? "172.4" : "") + ",M,"
                + (fix ? "48.1" : "") + ",M,,");
        out.add(gsa(main, fix, gps, usedGps, hdop, multi ? ",1" : ""));
        if (multi) {
            out.add(gsa(main, fix, glo, usedGlo, hdop, ",2"));
        }
        out.addAll(gsv("GP", fix ? gps : new int[0], multi ? ",1" : ""));
        if (multi) {
            out.addAll(gsv("GL", fix ? glo : new int[0], ",1"));
        }
        out.add(main + "ZDA," + hms + "," + String.format(Locale.ROOT, "%02d,%02d,%04d", t.getDayOfMonth(), t.getMonthValue(),
                t.getYear()) + ",00,00");
        List<String> framed = new ArrayList<>(out.size());
        for (String body : out) {
            framed.add(frame(body));
        }
        return framed;
    }

    /** The epoch as bytes on the wire. */
    public byte[] epochBytes(long second) {
        return String.join("", epoch(second)).getBytes(StandardCharsets.US_ASCII);
    }

    private String gsa(String talker, boolean fix, int[] sats, int used, String hdop, String systemId) {
        StringBuilder sb = new StringBuilder(talker).append("GSA,A,").append(fix ? 3 : 1);
        for (int i = 0; i < 12; i++) {
            sb.append(',');
            if (i < used) {
                sb.append(String.format(Locale.ROOT, "%02d", sats[i]));
            }
        }
        return sb.append(',').append(fix ? "1.60" : "99.99").append(',').append(hdop).append(',')
                .append(fix ? "1.31" : "99.99").append(systemId).toString();
    }

    private List<String> gsv(String talker, int[] sats, String signalId) {
        List<String> out = new ArrayList<>();
        int total = Math.max(1, (sats.length + 3) / 4);
        for (int m = 0; m < total; m++) {
            StringBuilder sb = new StringBuilder(talker).append("GSV,").append(total).append(',').append(m + 1).append(',')
                    .append(String.format(Locale.ROOT, "%02d", sats.length));
            for (int i = m * 4; i < Math.min(sats.length, m * 4 + 4); i++) {
                sb.append(String.format(Locale.ROOT, ",%02d,%02d,%03d,%02d", sats[i], 10 + (sats[i] * 7) % 75,
                        (sats[i] * 37) % 360, 25 + random.nextInt(20)));
            }
            out.add(sb.append(signalId).toString());
        }
        return out;
    }

    private String frame(String body) {
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            sum ^= body.charAt(i);
        }
        sentences++;
        if (options.checksumErrorRate() > 0 && random.nextDouble() < options.checksumErrorRate()) {
            corrupted++;
            sum ^= 0x5A;
        }
        return "$" + body + "*" + String.format("%02X", sum) + "\r\n";
    }

    /** {@code ddmm.mmmmm,N} or {@code dddmm.mmmmm,E}, rounded half-even to 5 decimals of minutes. */
    static String minutes(double degrees, boolean latitude) {
        BigDecimal abs = BigDecimal.valueOf(Math.abs(degrees));
        int deg = abs.intValue();
        BigDecimal min = abs.subtract(BigDecimal.valueOf(deg)).multiply(BigDecimal.valueOf(60)).setScale(5, RoundingMode.HALF_EVEN);
        if (min.compareTo(BigDecimal.valueOf(60)) >= 0) {
            deg++;
            min = min.subtract(BigDecimal.valueOf(60));
        }
        String m = (min.compareTo(BigDecimal.TEN) < 0 ? "0" : "") + min.toPlainString();
        String hemi = latitude ? (degrees < 0 ? "S" : "N") : (degrees < 0 ? "W" : "E");
        return String.format(Locale.ROOT, latitude ? "%02d" : "%03d", deg) + m + "," + hemi;
    }

    /** Sentences written so far. */
    public long sentences() {
        return sentences;
    }

    /** Sentences written with a wrong checksum. */
    public long corrupted() {
        return corrupted;
    }
}
