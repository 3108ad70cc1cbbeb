package io.certigate.gnss;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/** The GNSS receiver's settings ({@code gnss.*}) of the standalone configuration file; {@link GnssConfig} reads them. */
public final class GnssSettings {
    private GnssSettings() {}

    public static final Setting PORT = Setting.of("gnss.port", Type.TEXT, null,
            "serial device of an NMEA receiver (e.g. /dev/ttyACM0); or use gnss.gpsd").only(Scope.STANDALONE);
    public static final Setting GPSD = Setting.of("gnss.gpsd", Type.TEXT, null,
            "host:port of a running gpsd (its port is 2947); or use gnss.port").only(Scope.STANDALONE);
    public static final Setting BAUD = Setting.choice("gnss.baud", "auto", List.of("auto", "4800", "9600", "38400"),
            "serial baud rate of the receiver (auto: tried in turn until checksummed sentences arrive)").only(Scope.STANDALONE);
    public static final Setting MAX_FIX_AGE_MS = Setting.whole("gnss.max-fix-age-ms", 3000, 100, 3_600_000, "ms",
            "a fix older than this gives no GNSS time and no position").only(Scope.STANDALONE);
    public static final Setting CLOCK_OFFSET_ALERT_MS = Setting.whole("gnss.clock-offset-alert-ms", 2000, 100, 86_400_000, "ms",
            "|gateway clock - GNSS time| beyond this raises a gnss.clock.offset alert reading").only(Scope.STANDALONE);
    public static final Setting POSITION_KINDS = Setting.of("gnss.position-kinds", Type.TEXT, "road.shock",
            "comma list of reading kinds that get the position attached (personal data: see docs/security.md); "
                    + "empty: none").only(Scope.STANDALONE);

    public static final Setting POSITION_DECIMALS = Setting.of("gnss.position-decimals", Type.TEXT, null,
            "comma list kind=decimals: the position of those kinds is rounded to that many decimals of degrees before "
                    + "signing (3: about 110 m, 2: about 1.1 km); each kind must be in gnss.position-kinds; empty: "
                    + "the fix's own precision (see docs/minimisation.md)").only(Scope.STANDALONE);

    public static final List<Setting> ALL = List.of(PORT, GPSD, BAUD, MAX_FIX_AGE_MS, CLOCK_OFFSET_ALERT_MS, POSITION_KINDS,
            POSITION_DECIMALS);
}
