package io.certigate.kura.obd;

import io.certigate.core.model.TimeQuality;
import io.certigate.obd.ObdReaderConfig;
import java.util.Map;
import java.util.Properties;

/** The OBD reader's options, validated once by the reader's own parser; equal options restart nothing. */
public record ObdOptions(ObdReaderConfig reader, TimeQuality timeQuality) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static ObdOptions from(Map<String, ?> properties) {
        Properties p = new Properties();
        properties.forEach((k, v) -> {
            if (k.startsWith(ObdReaderConfig.PREFIX) && v != null) {
                p.setProperty(k, v.toString());
            }
        });
        Object tq = properties.get("time.quality");
        TimeQuality quality;
        try {
            quality = TimeQuality.fromCode(tq == null ? "ntp" : tq.toString().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ObdComponent.PID + ": time.quality = '" + tq + "': " + e.getMessage(), e);
        }
        return new ObdOptions(ObdReaderConfig.parse(p, ObdComponent.PID), quality);
    }
}
