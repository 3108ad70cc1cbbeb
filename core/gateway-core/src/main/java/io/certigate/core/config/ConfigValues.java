package io.certigate.core.config;

import io.certigate.core.model.TimeQuality;
import java.util.Map;

/**
 * Typed values of one component's configuration (an OSGi ConfigurationAdmin dictionary, a map of
 * properties), with errors that name where the configuration comes from, the key and the value:
 * {@code ORIGIN: key = 'value' must be ...}. Values are trimmed; an empty value counts as absent.
 * A secret is configured only by its source ({@code file:PATH} or {@code env:NAME}), and an error
 * about it never repeats the value, which may be the secret itself.
 */
public final class ConfigValues {
    private final String origin;
    private final Map<String, ?> values;

    /** @param origin what errors name first: the component's PID, a file */
    public ConfigValues(String origin, Map<String, ?> values) {
        this.origin = origin;
        this.values = values;
    }

    /** The trimmed value, or "" when absent. */
    public String text(String key) {
        Object v = values.get(key);
        return v == null ? "" : v.toString().trim();
    }

    /** The trimmed value, or {@code dflt} when absent or empty. */
    public String text(String key, String dflt) {
        String v = text(key);
        return v.isEmpty() ? dflt : v;
    }

    /** The trimmed value; absent or empty is an error. */
    public String required(String key) {
        String v = text(key);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + key + " is required");
        }
        return v;
    }

    /** A whole number of at least {@code min}, {@code dflt} when absent. */
    public long whole(String key, long dflt, long min) {
        return whole(key, dflt, min, Long.MAX_VALUE);
    }

    /** A whole number in {@code min..max}, {@code dflt} when absent. */
    public long whole(String key, long dflt, long min, long max) {
        String v = text(key);
        return v.isEmpty() ? dflt : parseWhole(key, v, min, max);
    }

    /** The value of {@code setting}, checked against its range; its default when absent. */
    public long whole(WholeSetting setting) {
        return setting.parse(origin, values.get(setting.key()));
    }

    /** The value of an int {@code setting}, checked against its range; its default when absent. */
    public int wholeInt(WholeSetting setting) {
        return setting.parseInt(origin, values.get(setting.key()));
    }

    /** A whole number of at least {@code min}; absent is an error. */
    public long requiredWhole(String key, long min) {
        return parseWhole(key, required(key), min, Long.MAX_VALUE);
    }

    private long parseWhole(String key, String v, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, v, max == Long.MAX_VALUE ? "must be a whole number >= " + min
                : "must be a whole number in " + min + ".." + max);
    }

    /** A time quality code (gnss, ntp, rtc, none), {@code dflt} when absent. */
    public TimeQuality timeQuality(String key, String dflt) {
        String v = text(key, dflt);
        try {
            return TimeQuality.fromCode(v);
        } catch (IllegalArgumentException e) {
            throw bad(key, v, "must be gnss, ntp, rtc or none");
        }
    }

    /**
     * Where a secret is read from: {@code file:PATH} or {@code env:NAME}, "" when absent and not
     * {@code required}. Anything else is refused without repeating it.
     */
    public String secretSource(String key, boolean required) {
        String v = text(key);
        if (v.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException(origin + ": " + key + " is required (file:PATH or env:NAME)");
            }
            return v;
        }
        if (!v.startsWith("file:") && !v.startsWith("env:")) {
            throw new IllegalArgumentException(origin + ": " + key
                    + " must be file:PATH or env:NAME (the secret itself is never put in the configuration)");
        }
        return v;
    }

    /** The error for {@code key = value}, saying {@code why}. */
    public IllegalArgumentException bad(String key, String value, String why) {
        return new IllegalArgumentException(origin + ": " + key + " = '" + value + "' " + why);
    }
}
