package io.certigate.kura.tic;

import io.certigate.core.config.ConfigValues;
import io.certigate.meter.tic.TicPortReader;
import io.certigate.meter.tic.TicReadings;
import io.certigate.meter.tic.TicSettings;
import java.time.Duration;
import java.util.Map;

/** The TIC reader's options, validated once from the keys of {@link TicSettings}; equal options restart nothing. */
public record TicOptions(String port, TicPortReader.Options reader, TicReadings.Options readings) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static TicOptions from(Map<String, ?> p) {
        ConfigValues v = new ConfigValues(TicComponent.PID, p);
        String port = v.required(TicSettings.PORT.key());
        return new TicOptions(port, TicPortReader.Options.of(TicSettings.mode(v.choice(TicSettings.MODE))),
                new TicReadings.Options("tic", Duration.ofSeconds(v.whole(TicSettings.INDEX_PERIOD_S)),
                        Duration.ofSeconds(v.whole(TicSettings.INSTANT_PERIOD_S)),
                        v.timeQuality(TicSettings.TIME_QUALITY.key(), TicSettings.TIME_QUALITY.defaultValue())));
    }
}
