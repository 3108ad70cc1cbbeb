package io.certigate.app.metrics;

import io.certigate.core.metrics.Metrics;
import io.certigate.gnss.GnssFix;
import io.certigate.gnss.GnssService;

/** The GNSS receiver's fix and the gateway clock's offset to GNSS time. See docs/metrics.md. */
public final class GnssMetrics {
    private GnssMetrics() {}

    public static void register(Metrics m, GnssService gnss) {
        m.gauge("certigate_gnss_fix_usable", "1 while the receiver has a valid fix no older than gnss.max-fix-age-ms "
                + "(readings get tq=gnss), else 0.", () -> gnss.usable().isPresent() ? 1 : 0);
        m.gauge("certigate_gnss_clock_offset_seconds", "Gateway clock minus GNSS time, while the fix is usable.",
                () -> gnss.clockOffsetMillis().isPresent() ? gnss.clockOffsetMillis().getAsLong() / 1000.0 : Double.NaN);
        m.gauge("certigate_gnss_satellites_used", "Satellites in the latest fix's solution.",
                () -> gnss.latest().map(GnssFix::satellitesUsed).filter(n -> n >= 0).map(n -> (double) n).orElse(Double.NaN));
        m.counter("certigate_gnss_clock_offset_alerts_total", "gnss.clock.offset alert readings raised: the gateway "
                + "clock was off GNSS time by more than gnss.clock-offset-alert-ms.", gnss::alertsRaised);
    }
}
