package io.certigate.gnss;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;

/**
 * The decoded GNSS sentences (NMEA 0183 v4.11 §6.3). A field the receiver left null is null here;
 * coordinates are decimal degrees, north and east positive ({@link Coordinates}); speeds are km/h.
 */
public sealed interface NmeaMessage {

    Talker talker();

    /** The UTC time of day the message gives, or null: what ties the sentences of one epoch together. */
    LocalTime time();

    /**
     * RMC, recommended minimum specific GNSS data (§6.3 "RMC").
     *
     * @param valid  status A (data valid) and a mode indicator A, D (or absent): E estimated, M manual,
     *               S simulator and N are not measured fixes
     * @param mode   mode indicator (A autonomous, D differential, E estimated, M manual, S simulator, N not valid), or null before v2.3
     */
    record Rmc(Talker talker, LocalTime time, boolean valid, BigDecimal latitude, BigDecimal longitude, BigDecimal speedKmh,
            BigDecimal courseDegrees, LocalDate date, Character mode) implements NmeaMessage {}

    /**
     * GGA, global positioning system fix data (§6.3 "GGA").
     *
     * @param quality GPS quality indicator: 0 fix not available, 1 GPS, 2 differential, 4 RTK fixed, 5 RTK float, 6 estimated, 7 manual, 8 simulator
     */
    record Gga(Talker talker, LocalTime time, BigDecimal latitude, BigDecimal longitude, int quality, int satellitesUsed,
            BigDecimal hdop, BigDecimal altitudeMetres) implements NmeaMessage {
        /** A measured fix: qualities 1 to 5 (6 dead reckoning, 7 manual input and 8 simulation are not measurements). */
        public boolean valid() {
            return quality >= 1 && quality <= 5;
        }
    }

    /**
     * GSA, GNSS DOP and active satellites (§6.3 "GSA").
     *
     * @param fixType 1 fix not available, 2 2D, 3 3D
     */
    record Gsa(Talker talker, int fixType, int satellitesUsed, BigDecimal pdop, BigDecimal hdop, BigDecimal vdop)
            implements NmeaMessage {
        @Override
        public LocalTime time() {
            return null;
        }
    }

    /** GSV, GNSS satellites in view (§6.3 "GSV"): one of {@code total} messages; in view is per talker. */
    record Gsv(Talker talker, int total, int number, int satellitesInView) implements NmeaMessage {
        @Override
        public LocalTime time() {
            return null;
        }
    }

    /** VTG, course over ground and ground speed (§6.3 "VTG"). */
    record Vtg(Talker talker, BigDecimal courseDegrees, BigDecimal speedKmh, Character mode) implements NmeaMessage {
        @Override
        public LocalTime time() {
            return null;
        }
    }

    /** ZDA, time and date (§6.3 "ZDA"). */
    record Zda(Talker talker, LocalTime time, LocalDate date) implements NmeaMessage {}
}
