package io.certigate.kura.rfid;

import io.certigate.core.model.TimeQuality;
import io.certigate.meter.rfid.RfidEvent;
import io.certigate.meter.rfid.RfidReaderAdapter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The RFID reader's options, validated once; equal options restart nothing. */
public record RfidOptions(String port, RfidReaderAdapter.Options adapter) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static RfidOptions from(Map<String, ?> p) {
        Object port = p.get("rfid.port");
        if (port == null || port.toString().isBlank()) {
            throw new IllegalArgumentException(RfidComponent.PID + ": rfid.port is required");
        }
        RfidReaderAdapter.Options d = RfidReaderAdapter.Options.rdm6300();
        return new RfidOptions(port.toString().trim(), new RfidReaderAdapter.Options(format(p.get("rfid.format")),
                d.baudRate(), debounce(p.get("rfid.debounce-ms")), quality(p.get("time.quality")), d.readTimeout(),
                d.reconnectDelay()));
    }

    private static RfidEvent.Format format(Object v) {
        String s = v == null ? "em4100" : v.toString().trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "em4100":
                return RfidEvent.Format.EM4100;
            case "wiegand26":
                return RfidEvent.Format.WIEGAND26;
            default:
                throw new IllegalArgumentException(RfidComponent.PID + ": rfid.format = '" + v + "' is not em4100 or wiegand26");
        }
    }

    private static Duration debounce(Object v) {
        long ms;
        try {
            ms = v == null ? 2000 : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0) {
            throw new IllegalArgumentException(RfidComponent.PID + ": rfid.debounce-ms = '" + v + "' must be a whole number >= 0");
        }
        return Duration.ofMillis(ms);
    }

    private static TimeQuality quality(Object v) {
        try {
            return TimeQuality.fromCode(v == null ? "rtc" : v.toString().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(RfidComponent.PID + ": time.quality: " + e.getMessage(), e);
        }
    }
}
