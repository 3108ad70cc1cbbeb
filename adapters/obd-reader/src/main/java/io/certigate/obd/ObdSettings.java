package io.certigate.obd;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/**
 * The OBD reader's settings ({@code obd.*}), defined once for the standalone configuration file
 * and the Kura OBD component; {@link ObdReaderConfig} reads them.
 */
public final class ObdSettings {
    private ObdSettings() {}

    public static final Setting PORT = Setting.of("obd.port", Type.TEXT, null,
            "serial device path, or tcp://host:port for a Wi-Fi adapter; required");
    public static final Setting BAUD = Setting.whole("obd.baud", 0, 0, 4_000_000, "baud",
            "serial baud rate (0: probe the usual rates)");
    public static final Setting HEADERS = Setting.of("obd.headers", Type.BOOLEAN, "true", "ATH1, to tell ECUs apart");
    public static final Setting SPACES = Setting.of("obd.spaces", Type.BOOLEAN, "false", "keep spaces in replies (ATS1)");
    public static final Setting TIMEOUT_MS = Setting.whole("obd.timeout-ms", 2000, 100, 60_000, "ms", "wait for a reply");
    public static final Setting IDENTITY_EVERY_MS = Setting.whole("obd.identity-every-ms", 300_000, 1000, 86_400_000, "ms",
            "period of the VIN and certified odometer readings");
    public static final Setting BACKOFF_MIN_MS = Setting.whole("obd.backoff-min-ms", 1000, 10, 3_600_000, "ms",
            "reconnect back-off, first delay");
    public static final Setting BACKOFF_MAX_MS = Setting.whole("obd.backoff-max-ms", 120_000, 10, 3_600_000, "ms",
            "reconnect back-off, longest delay (at least obd.backoff-min-ms)");
    public static final Setting QUIET_LIMIT = Setting.whole("obd.quiet-limit", 10, 1, 1000, "replies",
            "NO DATA replies in a row that count as ignition off");
    /** A PID's period, by hex ({@code 0D}) or name ({@code speed}); defaults in {@link PollSchedule#defaults()}. */
    public static final Setting POLL = Setting.wholeWithoutDefault("obd.poll.<PID>", 0, 86_400_000, "ms",
            "period of a live PID, by hex (0D) or name (speed); 0: not polled");
    public static final Setting TIME_QUALITY = Setting.choice("time.quality", "ntp", List.of("gnss", "ntp", "rtc", "none"),
            "time quality of the gateway clock that stamps the readings").only(Scope.KURA);

    public static final List<Setting> ALL = List.of(PORT, BAUD, HEADERS, SPACES, TIMEOUT_MS, IDENTITY_EVERY_MS, BACKOFF_MIN_MS,
            BACKOFF_MAX_MS, QUIET_LIMIT, POLL, TIME_QUALITY);
}
