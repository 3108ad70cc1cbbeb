package io.certigate.kura.tic;

import io.certigate.core.config.ConfigValues;
import io.certigate.meter.tic.TicMode;
import io.certigate.meter.tic.TicPortReader;
import io.certigate.meter.tic.TicReadings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The TIC reader's options, validated once; equal options restart nothing. */
public record TicOptions(String port, TicPortReader.Options reader, TicReadings.Options readings) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static TicOptions from(Map<String, ?> p) {
        ConfigValues v = new ConfigValues(TicComponent.PID, p);
        String port = v.required("tic.port");
        return new TicOptions(port, TicPortReader.Options.of(mode(p.get("tic.mode"))),
                new TicReadings.Options("tic", Duration.ofSeconds(v.whole(TicReadings.INDEX_PERIOD_S)),
                        Duration.ofSeconds(v.whole(TicReadings.INSTANT_PERIOD_S)), v.timeQuality("time.quality", "rtc")));
    }

    private static TicMode mode(Object v) {
        String s = v == null ? "auto" : v.toString().trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return null;
            case "historic":
                return TicMode.HISTORIC;
            case "standard":
                return TicMode.STANDARD;
            default:
                throw new IllegalArgumentException(TicComponent.PID + ": tic.mode = '" + v + "' is not auto, historic or standard");
        }
    }
}
