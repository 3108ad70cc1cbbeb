package io.certigate.gnss;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;

/**
 * Merges the sentences of one receiver epoch into a {@link GnssFix}. A receiver sends, once per
 * epoch (1 Hz typically), RMC, VTG, GGA, GSA, GSV and sometimes ZDA; those that carry a time (RMC,
 * GGA, ZDA) say which epoch the others belong to. A new time of day starts a new epoch: the fix
 * fields start empty again, while the date (needed to turn RMC/GGA's time of day into an instant)
 * and the satellites in view (GSV has no time) carry over, and so do the HDOP and the satellites
 * used until the new epoch's GGA or GSA gives them (RMC comes first, and a reading stamped between
 * the two should not get an unknown HDOP). Not thread-safe: one reader feeds it.
 */
public final class FixAssembler {
    private LocalTime epochTime;
    private LocalDate date;
    private Boolean rmcValid;
    private Boolean ggaValid;
    private boolean gsaNoFix;
    private BigDecimal latitude;
    private BigDecimal longitude;
    private BigDecimal ggaHdop;
    private BigDecimal gsaHdop;
    private BigDecimal previousHdop;
    private int previousUsed = -1;
    private int satellitesUsed = -1;
    private int gsaSatellitesUsed;
    private BigDecimal speedKmh;
    private BigDecimal course;
    private final Map<Talker, Integer> inView = new EnumMap<>(Talker.class);
    private GnssFix latest;

    /** Folds {@code m}, received at gateway time {@code millis} and monotonic time {@code nanos}, into the epoch. */
    public GnssFix accept(NmeaMessage m, long millis, long nanos) {
        LocalTime t = m.time();
        if (t != null && !t.equals(epochTime)) {
            newEpoch(t);
        }
        if (m instanceof NmeaMessage.Rmc r) {
            rmcValid = r.valid();
            if (r.date() != null) {
                date = r.date();
            }
            position(r.latitude(), r.longitude());
            speedKmh = r.speedKmh() != null ? r.speedKmh() : speedKmh;
            course = r.courseDegrees() != null ? r.courseDegrees() : course;
        } else if (m instanceof NmeaMessage.Gga g) {
            ggaValid = g.valid();
            position(g.latitude(), g.longitude());
            ggaHdop = g.hdop();
            satellitesUsed = g.satellitesUsed();
        } else if (m instanceof NmeaMessage.Gsa g) {
            gsaNoFix = g.fixType() == 1;
            gsaHdop = g.hdop() != null ? g.hdop() : gsaHdop;
            gsaSatellitesUsed += g.satellitesUsed(); // a multi-constellation receiver sends one GSA per system
        } else if (m instanceof NmeaMessage.Gsv g) {
            if (g.number() == 1 && g.talker() != Talker.GN) {
                inView.put(g.talker(), g.satellitesInView());
            }
        } else if (m instanceof NmeaMessage.Vtg v) {
            speedKmh = v.speedKmh() != null ? v.speedKmh() : speedKmh;
            course = v.courseDegrees() != null ? v.courseDegrees() : course;
        } else if (m instanceof NmeaMessage.Zda z) {
            if (z.date() != null) {
                date = z.date();
            }
        }
        latest = build(millis, nanos);
        return latest;
    }

    /** The fix as of the last sentence, or null before any. */
    public GnssFix latest() {
        return latest;
    }

    private void newEpoch(LocalTime t) {
        if (epochTime != null && date != null && t.isBefore(epochTime.minusHours(12))) {
            date = date.plusDays(1); // past midnight UTC; the epoch's RMC or ZDA confirms it
        }
        if (latest != null) {
            previousHdop = latest.hdop();
            previousUsed = latest.satellitesUsed();
        }
        epochTime = t;
        rmcValid = null;
        ggaValid = null;
        gsaNoFix = false;
        latitude = null;
        longitude = null;
        ggaHdop = null;
        gsaHdop = null;
        satellitesUsed = -1;
        gsaSatellitesUsed = 0;
        speedKmh = null;
        course = null;
    }

    private void position(BigDecimal lat, BigDecimal lon) {
        if (lat != null && lon != null) {
            latitude = lat;
            longitude = lon;
        }
    }

    private GnssFix build(long millis, long nanos) {
        boolean valid = (rmcValid != null || ggaValid != null) && !Boolean.FALSE.equals(rmcValid)
                && !Boolean.FALSE.equals(ggaValid) && !gsaNoFix;
        int inViewTotal = inView.isEmpty() ? -1 : inView.values().stream().mapToInt(Integer::intValue).sum();
        int used = satellitesUsed >= 0 ? satellitesUsed : gsaSatellitesUsed > 0 ? gsaSatellitesUsed : previousUsed;
        BigDecimal hdop = ggaHdop != null ? ggaHdop : gsaHdop != null ? gsaHdop : previousHdop;
        return new GnssFix(epochTime == null || date == null ? null : date.atTime(epochTime).toInstant(ZoneOffset.UTC), valid,
                valid ? latitude : null, valid ? longitude : null, hdop, used, inViewTotal,
                speedKmh, course, millis, nanos);
    }
}
