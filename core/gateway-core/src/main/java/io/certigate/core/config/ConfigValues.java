package io.certigate.core.config;

import io.certigate.core.model.TimeQuality;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed values of one component's configuration (an OSGi ConfigurationAdmin dictionary, a map of
 * properties), with errors that name where the configuration comes from, the key and the value:
 * {@code ORIGIN: key = 'value' must be ...}. Values are trimmed; an empty value counts as absent.
 * A secret is configured only by its source ({@code file:PATH} or {@code env:NAME}), and an error
 * about it never repeats the value, which may be the secret itself.
 */
public final class ConfigValues {
    private static final System.Logger LOG = System.getLogger(ConfigValues.class.getName());
    private final String origin;
    private final Map<String, ?> values;
    private final List<String> renamed;

    /** @param origin what errors name first: the component's PID, a file */
    public ConfigValues(String origin, Map<String, ?> values) {
        this(origin, values, List.of());
    }

    /** The values of a properties file. */
    public static ConfigValues of(String origin, java.util.Properties p) {
        Map<String, String> m = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        return new ConfigValues(origin, m);
    }

    private ConfigValues(String origin, Map<String, ?> values, List<String> renamed) {
        this.origin = origin;
        this.values = values;
        this.renamed = List.copyOf(renamed);
    }

    /**
     * The values of a configuration stored under former keys too: a former key of one of
     * {@code settings} ({@link Setting#aliases()}) is read as the setting's key when that key is
     * absent, with a warning naming the key to use, so that nothing a device was configured with
     * before a rename is silently lost. When both are present the current key wins (and the former
     * one is named in a warning as ignored).
     */
    public static ConfigValues withFormerKeys(String origin, Map<String, ?> values, Collection<Setting> settings) {
        Map<String, Object> out = new HashMap<>(values);
        List<String> warnings = new ArrayList<>();
        for (Setting s : settings) {
            for (String former : s.aliases()) {
                Object v = values.get(former);
                if (v == null || v.toString().isBlank()) {
                    continue;
                }
                Object current = values.get(s.key());
                if (current == null || current.toString().isBlank()) {
                    out.put(s.key(), v);
                    warnings.add(origin + ": " + former + " is the former name of " + s.key() + ": its value is read as "
                            + s.key() + "; rename it");
                } else {
                    warnings.add(origin + ": " + former + " is the former name of " + s.key() + " and is ignored, "
                            + s.key() + " being set; remove it");
                }
                out.remove(former);
            }
        }
        for (String w : warnings) {
            LOG.log(System.Logger.Level.WARNING, w);
        }
        return new ConfigValues(origin, out, warnings);
    }

    /** The warnings about former keys that {@link #withFormerKeys} logged. */
    public List<String> formerKeyWarnings() {
        return renamed;
    }

    /** The values, former keys renamed. */
    public Map<String, ?> asMap() {
        return values;
    }

    /** The trimmed value of {@code setting}, or its default ("" when it has none). */
    public String text(Setting setting) {
        return text(setting.key(), setting.defaultValue() == null ? "" : setting.defaultValue());
    }

    /** The value of a choice {@code setting}; its default when absent. */
    public String choice(Setting setting) {
        return setting.parseChoice(origin, values.get(setting.key()));
    }

    /** {@code true} or {@code false} (any case); the default of {@code setting} when absent. */
    public boolean bool(Setting setting) {
        String v = text(setting);
        switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw bad(setting.key(), v, "must be true or false");
        }
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
    public long whole(Setting setting) {
        return setting.parse(origin, values.get(setting.key()));
    }

    /** The value of an int {@code setting}, checked against its range; its default when absent. */
    public int wholeInt(Setting setting) {
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
