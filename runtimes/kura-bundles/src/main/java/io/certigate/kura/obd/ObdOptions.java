package io.certigate.kura.obd;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.model.TimeQuality;
import io.certigate.obd.ObdReaderConfig;
import io.certigate.obd.ObdSettings;
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
        TimeQuality quality = new ConfigValues(ObdComponent.PID, properties).timeQuality(ObdSettings.TIME_QUALITY.key(),
                ObdSettings.TIME_QUALITY.defaultValue());
        return new ObdOptions(ObdReaderConfig.parse(p, ObdComponent.PID), quality);
    }
}
