package io.certigate.core.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Where a reading was measured and how well: the {@code pos} field of a Reading, signed with it.
 * Coordinates are WGS 84 decimal degrees carried exactly (CBOR decimal fractions, RFC 8949 §3.4.4),
 * so a verifier sees the figures the receiver gave, not a binary float's rounding.
 *
 * @param latitude  decimal degrees, north positive, in [-90, 90] ({@code lat})
 * @param longitude decimal degrees, east positive, in [-180, 180] ({@code lon})
 * @param hdop      horizontal dilution of precision of the fix, >= 0 ({@code hdop})
 * @param ageMillis how old the fix was when the reading was observed, in ms, >= 0 ({@code age})
 */
public record Position(BigDecimal latitude, BigDecimal longitude, BigDecimal hdop, long ageMillis) {
    private static final BigDecimal MAX_LAT = BigDecimal.valueOf(90);
    private static final BigDecimal MAX_LON = BigDecimal.valueOf(180);
    private static final BigDecimal MAX_HDOP = BigDecimal.valueOf(100);
    /** At most 9 decimals (well under a millimetre): keeps the mantissa small and the encoding bounded. */
    public static final int MAX_SCALE = 9;

    public Position {
        Objects.requireNonNull(latitude, "lat");
        Objects.requireNonNull(longitude, "lon");
        Objects.requireNonNull(hdop, "hdop");
        if (latitude.abs().compareTo(MAX_LAT) > 0) {
            throw new IllegalArgumentException("position lat must be in [-90, 90] degrees, got " + latitude.toPlainString());
        }
        if (longitude.abs().compareTo(MAX_LON) > 0) {
            throw new IllegalArgumentException("position lon must be in [-180, 180] degrees, got " + longitude.toPlainString());
        }
        if (hdop.signum() < 0 || hdop.compareTo(MAX_HDOP) >= 0) {
            throw new IllegalArgumentException("position hdop must be in [0, 100), got " + hdop.toPlainString());
        }
        for (BigDecimal d : new BigDecimal[] {latitude, longitude, hdop}) {
            if (d.scale() > MAX_SCALE || d.scale() < -MAX_SCALE) {
                throw new IllegalArgumentException("position figure " + d.toPlainString() + " has more than "
                        + MAX_SCALE + " decimals");
            }
        }
        if (ageMillis < 0) {
            throw new IllegalArgumentException("position age must be >= 0 ms, got " + ageMillis);
        }
    }

    /** The same position rounded (half-even) to {@code decimals} places: a coarse position for a use that needs no more. */
    public Position coarsened(int decimals) {
        if (decimals < 0 || decimals > MAX_SCALE) {
            throw new IllegalArgumentException("decimals must be 0.." + MAX_SCALE + ", got " + decimals);
        }
        return new Position(round(latitude, decimals), round(longitude, decimals), hdop, ageMillis);
    }

    private static BigDecimal round(BigDecimal d, int decimals) {
        return d.scale() <= decimals ? d : d.setScale(decimals, java.math.RoundingMode.HALF_EVEN);
    }

    @Override
    public String toString() {
        return latitude.toPlainString() + "," + longitude.toPlainString() + " hdop " + hdop.toPlainString()
                + " age " + ageMillis + " ms";
    }
}
