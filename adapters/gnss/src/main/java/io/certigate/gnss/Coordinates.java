package io.certigate.gnss;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * NMEA's {@code ddmm.mmmm} / {@code dddmm.mmmm} latitude and longitude (NMEA 0183 v4.11 §5.2.3
 * "Latitude", "Longitude") to signed decimal degrees, computed exactly and rounded half-even to
 * {@link #DECIMALS} places (minutes / 60 is not a finite decimal).
 */
public final class Coordinates {
    /** Decimal places of degrees kept: 1e-7 degree is about 1.1 cm, finer than any receiver's minutes. */
    public static final int DECIMALS = 7;
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);

    private Coordinates() {}

    /**
     * @param value      {@code ddmm.mmmm} ({@code degreeDigits} 2) or {@code dddmm.mmmm} (3); empty for none
     * @param hemisphere N, S, E or W
     * @return the signed degrees, or null when the field is empty
     * @throws NumberFormatException when the field is not such a figure or out of range
     */
    static BigDecimal degrees(String value, String hemisphere, int degreeDigits) {
        if (value.isEmpty()) {
            return null;
        }
        int dot = value.indexOf('.');
        int intDigits = dot < 0 ? value.length() : dot;
        if (intDigits != degreeDigits + 2 || !value.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            throw new NumberFormatException("'" + value + "' is not " + (degreeDigits == 2 ? "ddmm.mmmm" : "dddmm.mmmm"));
        }
        BigDecimal deg = new BigDecimal(value.substring(0, degreeDigits));
        BigDecimal min = new BigDecimal(value.substring(degreeDigits));
        if (min.compareTo(SIXTY) >= 0) {
            throw new NumberFormatException("minutes " + min + " >= 60 in '" + value + "'");
        }
        BigDecimal d = deg.add(min.divide(SIXTY, DECIMALS, RoundingMode.HALF_EVEN));
        BigDecimal max = BigDecimal.valueOf(degreeDigits == 2 ? 90 : 180);
        if (d.compareTo(max) > 0) {
            throw new NumberFormatException("'" + value + "' is more than " + max + " degrees");
        }
        boolean negative = switch (hemisphere) {
            case "N", "E" -> false;
            case "S", "W" -> true;
            default -> throw new NumberFormatException("hemisphere '" + hemisphere + "' is not N, S, E or W");
        };
        if ((degreeDigits == 2) != (hemisphere.equals("N") || hemisphere.equals("S"))) {
            throw new NumberFormatException("hemisphere '" + hemisphere + "' does not go with " + value);
        }
        return strip(negative ? d.negate() : d);
    }

    /** Decimal degrees back to NMEA's minutes form, for writers (the simulator): {@code 4851.3912,N}. */
    public static String toNmea(BigDecimal degrees, boolean latitude, int minuteDecimals) {
        BigDecimal abs = degrees.abs();
        int deg = abs.intValue();
        BigDecimal min = abs.subtract(BigDecimal.valueOf(deg)).multiply(SIXTY).setScale(minuteDecimals, RoundingMode.HALF_EVEN);
        if (min.compareTo(SIXTY) >= 0) {
            deg += 1;
            min = min.subtract(SIXTY);
        }
        String minText = min.toPlainString();
        if (min.compareTo(BigDecimal.TEN) < 0) {
            minText = "0" + minText;
        }
        String hemi = latitude ? (degrees.signum() < 0 ? "S" : "N") : (degrees.signum() < 0 ? "W" : "E");
        return String.format(latitude ? "%02d" : "%03d", deg) + minText + "," + hemi;
    }

    /** Trailing zeros removed, but never a negative scale (no {@code 4.8E+1}). */
    static BigDecimal strip(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
