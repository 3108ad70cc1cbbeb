package io.certigate.kura.rfid;

import io.certigate.core.config.ConfigValues;
import io.certigate.meter.rfid.RfidReaderAdapter;
import io.certigate.meter.rfid.RfidSettings;
import java.time.Duration;
import java.util.Map;

/** The RFID reader's options, validated once from the keys of {@link RfidSettings}; equal options restart nothing. */
public record RfidOptions(String port, RfidReaderAdapter.Options adapter) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static RfidOptions from(Map<String, ?> p) {
        ConfigValues v = new ConfigValues(RfidComponent.PID, p);
        String port = v.required(RfidSettings.PORT.key());
        RfidReaderAdapter.Options d = RfidReaderAdapter.Options.rdm6300();
        return new RfidOptions(port, new RfidReaderAdapter.Options(RfidSettings.format(v.choice(RfidSettings.FORMAT)),
                d.baudRate(), Duration.ofMillis(v.whole(RfidSettings.DEBOUNCE_MS)),
                v.timeQuality(RfidSettings.TIME_QUALITY.key(), RfidSettings.TIME_QUALITY.defaultValue()), d.readTimeout(),
                d.reconnectDelay()));
    }
}
