package io.certigate.kura.tic;

import io.certigate.core.model.TimeQuality;
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
        Object port = p.get("tic.port");
        if (port == null || port.toString().isBlank()) {
            throw new IllegalArgumentException(TicComponent.PID + ": tic.port is required");
        }
        return new TicOptions(port.toString().trim(), TicPortReader.Options.of(mode(p.get("tic.mode"))),
                new TicReadings.Options("tic", seconds(p, "tic.index-period-s", 900), seconds(p, "tic.instant-period-s", 60),
                        quality(p.get("time.quality"))));
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

    private static Duration seconds(Map<String, ?> p, String key, long dflt) {
        Object v = p.get(key);
        long s;
        try {
            s = v == null ? dflt : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            s = -1;
        }
        if (s < 0) {
            throw new IllegalArgumentException(TicComponent.PID + ": " + key + " = '" + v + "' must be a whole number >= 0");
        }
        return Duration.ofSeconds(s);
    }

    private static TimeQuality quality(Object v) {
        try {
            return TimeQuality.fromCode(v == null ? "rtc" : v.toString().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TicComponent.PID + ": time.quality: " + e.getMessage(), e);
        }
    }
}
