package io.certigate.gnss;

import io.certigate.core.model.Position;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * What the receiver said in its latest epoch, merged from that epoch's sentences (or from one gpsd
 * TPV report), with when the gateway received it. Immutable.
 *
 * @param utc              GNSS time of the epoch, or null before the receiver knows the date and time
 * @param valid            the receiver reports a measured fix (RMC status A, GGA quality 1-5, GSA not "no fix")
 * @param latitude         decimal degrees, north positive; null without a valid fix
 * @param longitude        decimal degrees, east positive; null without a valid fix
 * @param hdop             horizontal dilution of precision, or null
 * @param satellitesUsed   satellites in the solution, or -1 when not reported
 * @param satellitesInView satellites in view over all constellations, or -1 when not reported
 * @param speedKmh         speed over ground in km/h, or null
 * @param courseDegrees    course over ground, degrees true, or null
 * @param receivedAtMillis gateway clock (epoch ms) when the epoch's last sentence arrived
 * @param receivedNanos    monotonic reading ({@code System.nanoTime()}) at the same moment: ages are measured on it
 */
public record GnssFix(Instant utc, boolean valid, BigDecimal latitude, BigDecimal longitude, BigDecimal hdop,
        int satellitesUsed, int satellitesInView, BigDecimal speedKmh, BigDecimal courseDegrees, long receivedAtMillis,
        long receivedNanos) {

    /** Largest HDOP a {@link Position} carries; a worse figure is reported as this bound. */
    private static final BigDecimal MAX_HDOP = new BigDecimal("99.99");

    /** Whether the fix carries a position. */
    public boolean hasPosition() {
        return valid && latitude != null && longitude != null;
    }

    /** How old the fix is at monotonic time {@code nowNanos}, in ms (0 if the clock reading is earlier). */
    public long ageMillis(long nowNanos) {
        return Math.max(0, (nowNanos - receivedNanos) / 1_000_000);
    }

    /**
     * The position to attach to a reading observed at monotonic time {@code nowNanos}: coordinates,
     * HDOP (99.99 when the receiver gave none: unknown precision is reported as the worst) and age.
     */
    public Optional<Position> position(long nowNanos) {
        if (!hasPosition()) {
            return Optional.empty();
        }
        BigDecimal h = hdop == null || hdop.compareTo(MAX_HDOP) > 0 ? MAX_HDOP : hdop;
        return Optional.of(new Position(latitude, longitude, h, ageMillis(nowNanos)));
    }

    /** Gateway clock minus GNSS time, in ms, at the moment the epoch was received; empty without GNSS time. */
    public Optional<Long> clockOffsetMillis() {
        return utc == null ? Optional.empty() : Optional.of(receivedAtMillis - utc.toEpochMilli());
    }

    @Override
    public String toString() {
        return (utc == null ? "no time" : utc.toString()) + (valid ? " valid" : " no fix")
                + (hasPosition() ? " " + latitude.toPlainString() + "," + longitude.toPlainString() : "")
                + (hdop == null ? "" : " hdop " + hdop.toPlainString())
                + " sats " + (satellitesUsed < 0 ? "?" : satellitesUsed) + "/" + (satellitesInView < 0 ? "?" : satellitesInView)
                + (speedKmh == null ? "" : " " + speedKmh.toPlainString() + " km/h");
    }
}
