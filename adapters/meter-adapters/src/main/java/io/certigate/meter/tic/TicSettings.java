package io.certigate.meter.tic;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/** The Linky TIC reader's settings ({@code tic.*}), defined once for both runtimes. */
public final class TicSettings {
    private TicSettings() {}

    public static final Setting PORT = Setting.of("tic.port", Type.TEXT, null,
            "serial device of the TIC interface; required for a meter");
    public static final Setting MODE = Setting.choice("tic.mode", "auto", List.of("auto", "historic", "standard"),
            "TIC mode: detected, historic (1200 baud) or standard (9600 baud)");
    /** Seconds between index readings (0: every frame). */
    public static final Setting INDEX_PERIOD_S = Setting.whole("tic.index-period-s", 900, 0, 86_400, "s",
            "at most one set of index readings per period (0: every frame)");
    /** Seconds between power and current readings (0: every frame). */
    public static final Setting INSTANT_PERIOD_S = Setting.whole("tic.instant-period-s", 60, 0, 86_400, "s",
            "at most one set of power and current readings per period (0: every frame)");
    public static final Setting TIME_QUALITY = Setting.choice("time.quality", "rtc", List.of("gnss", "ntp", "rtc", "none"),
            "time quality of the gateway clock, for frames without a meter date").only(Scope.KURA);

    public static final List<Setting> ALL = List.of(PORT, MODE, INDEX_PERIOD_S, INSTANT_PERIOD_S, TIME_QUALITY);

    /** The mode of a {@link #MODE} value; null for {@code auto} (detected). */
    public static TicMode mode(String value) {
        return "auto".equals(value) ? null : TicMode.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
