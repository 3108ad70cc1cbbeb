package io.certigate.core.config;

/**
 * A whole-number setting defined once: its key, default, allowed range and meaning. Both runtimes
 * (the standalone properties file and a Kura component's options) read it through this definition,
 * so a value outside the range is refused the same way everywhere instead of being narrowed to
 * another number by a cast.
 *
 * @param key          the key as the standalone configuration file spells it
 * @param defaultValue the value when the key is absent; within {@code min..max}
 * @param min          smallest allowed value
 * @param max          largest allowed value (at most the Java type the value ends up in)
 * @param description  what the setting means, for documentation and errors
 */
public record WholeSetting(String key, long defaultValue, long min, long max, String description) {

    public WholeSetting {
        if (min > max || defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(key + ": default " + defaultValue + " outside " + min + ".." + max);
        }
    }

    /** A setting whose value becomes an {@code int}: {@code max} is at most {@link Integer#MAX_VALUE}. */
    public static WholeSetting ofInt(String key, int defaultValue, int min, int max, String description) {
        return new WholeSetting(key, defaultValue, min, max, description);
    }

    public static WholeSetting ofLong(String key, long defaultValue, long min, long max, String description) {
        return new WholeSetting(key, defaultValue, min, max, description);
    }

    /** The same setting under the key another runtime gives it (a Kura metatype id). */
    public WholeSetting withKey(String otherKey) {
        return new WholeSetting(otherKey, defaultValue, min, max, description);
    }

    /** The allowed range as errors and documentation write it: {@code 1..1048576}. */
    public String range() {
        return min + ".." + max;
    }

    /**
     * The value of this setting in {@code value}: absent or blank gives the default; a
     * {@link Number} or a text must be a whole number within the range.
     *
     * @param origin what the error names first: a file, a component's PID
     * @throws IllegalArgumentException {@code ORIGIN: key = 'value' must be a whole number in MIN..MAX}
     */
    public long parse(String origin, Object value) {
        if (value == null) {
            return defaultValue;
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            return defaultValue;
        }
        if (value instanceof Number n && !(value instanceof Float) && !(value instanceof Double)
                && !(value instanceof java.math.BigDecimal) && !(value instanceof java.math.BigInteger)) {
            long l = n.longValue();
            if (l >= min && l <= max) {
                return l;
            }
        } else {
            try {
                long l = Long.parseLong(text);
                if (l >= min && l <= max) {
                    return l;
                }
            } catch (NumberFormatException e) {
                // out of the long range, or not a whole number: reported below
            }
        }
        throw new IllegalArgumentException(origin + ": " + key + " = '" + text + "' must be a whole number in " + range());
    }

    /** {@link #parse} for a setting made by {@link #ofInt}. */
    public int parseInt(String origin, Object value) {
        if (max > Integer.MAX_VALUE || min < Integer.MIN_VALUE) {
            throw new IllegalStateException(key + " is not an int setting (" + range() + ")");
        }
        return (int) parse(origin, value);
    }
}
