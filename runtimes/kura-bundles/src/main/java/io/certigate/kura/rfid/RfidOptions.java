package io.certigate.kura.rfid;

import io.certigate.core.config.ConfigValues;
import io.certigate.meter.rfid.RfidEvent;
import io.certigate.meter.rfid.RfidReaderAdapter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The RFID reader's options, validated once; equal options restart nothing. */
public record RfidOptions(String port, RfidReaderAdapter.Options adapter) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static RfidOptions from(Map<String, ?> p) {
        ConfigValues v = new ConfigValues(RfidComponent.PID, p);
        String port = v.required("rfid.port");
        RfidReaderAdapter.Options d = RfidReaderAdapter.Options.rdm6300();
        return new RfidOptions(port, new RfidReaderAdapter.Options(format(p.get("rfid.format")), d.baudRate(),
                Duration.ofMillis(v.whole(RfidReaderAdapter.DEBOUNCE_MS)), v.timeQuality("time.quality", "rtc"), d.readTimeout(),
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
}
