package io.certigate.meter.rfid;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/** The RFID reader's settings ({@code rfid.*}), defined once for both runtimes. */
public final class RfidSettings {
    private RfidSettings() {}

    public static final Setting PORT = Setting.of("rfid.port", Type.TEXT, null,
            "serial device of the RFID reader; required for a reader");
    public static final Setting FORMAT = Setting.choice("rfid.format", "em4100", List.of("em4100", "wiegand26"),
            "em4100 (RDM6300) or wiegand26");
    /** A tag held in the field is one event within this window. */
    public static final Setting DEBOUNCE_MS = Setting.whole("rfid.debounce-ms", 2000, 0, 3_600_000, "ms",
            "a held tag is one event within this window");
    public static final Setting TIME_QUALITY = Setting.choice("time.quality", "rtc", List.of("gnss", "ntp", "rtc", "none"),
            "time quality of the gateway clock that stamps the reads").only(Scope.KURA);

    public static final List<Setting> ALL = List.of(PORT, FORMAT, DEBOUNCE_MS, TIME_QUALITY);

    /** The format of a {@link #FORMAT} value. */
    public static RfidEvent.Format format(String value) {
        return RfidEvent.Format.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
