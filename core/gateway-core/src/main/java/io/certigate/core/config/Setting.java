package io.certigate.core.config;

import java.util.List;
import java.util.Locale;

/**
 * One setting defined once: its key, type, default, unit, allowed range or choices and meaning.
 * Both runtimes (the standalone properties file and a Kura component's ConfigAdmin properties) read
 * it through this definition, the Kura metatype declares the same key, and docs/configuration.md
 * documents it (tests check both), so a value outside the range is refused the same way everywhere
 * instead of being narrowed to another number by a cast.
 *
 * <p>A key holding {@code <NAME>} stands for a family ({@code obd.poll.<PID>}): the operator
 * chooses the last part. {@code aliases} are former keys still read (with a warning naming this
 * key) so that a configuration stored before a rename keeps working.
 *
 * @param key          the key, dotted and hyphenated ({@code buffer.max-records})
 * @param type         what a value is
 * @param defaultValue the value when the key is absent, as text; null when there is none (the
 *                     setting is required, or its absence turns the feature off)
 * @param unit         the unit of a number ({@code ms}, {@code s}, {@code bytes}), or "" for none
 * @param min          smallest allowed whole number (whole numbers only)
 * @param max          largest allowed whole number (at most the Java type the value ends up in)
 * @param choices      the allowed values of a {@link Type#CHOICE}, else empty
 * @param scope        which runtime reads it
 * @param description  what the setting means, for documentation and errors
 * @param aliases      former keys, read when this key is absent
 */
public record Setting(String key, Type type, String defaultValue, String unit, long min, long max, List<String> choices,
        Scope scope, String description, List<String> aliases) {

    /** What a value is. */
    public enum Type {
        /** A whole number within {@code min..max}. */
        WHOLE,
        /** A whole number of any size, given as text (an amount of wei); at least {@code min}. */
        BIG_WHOLE,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** Free text (an address, a URL, an identifier). */
        TEXT,
        /** One of {@code choices}. */
        CHOICE,
        /** Where a secret is read from: {@code file:PATH} or {@code env:NAME}, never the secret. */
        SECRET_SOURCE,
        /** A file or folder. */
        PATH
    }

    /** Which runtime reads a setting. */
    public enum Scope {
        BOTH, STANDALONE, KURA;

        public boolean standalone() {
            return this != KURA;
        }

        public boolean kura() {
            return this != STANDALONE;
        }
    }

    public Setting {
        choices = List.copyOf(choices);
        aliases = List.copyOf(aliases);
        if (type == Type.WHOLE && (min > max || defaultValue != null
                && (Long.parseLong(defaultValue) < min || Long.parseLong(defaultValue) > max))) {
            throw new IllegalArgumentException(key + ": default " + defaultValue + " outside " + min + ".." + max);
        }
        if (type == Type.CHOICE && (choices.isEmpty() || defaultValue != null && !choices.contains(defaultValue))) {
            throw new IllegalArgumentException(key + ": default " + defaultValue + " is none of " + choices);
        }
    }

    /** A whole-number setting whose value becomes an {@code int}: {@code max} is at most {@link Integer#MAX_VALUE}. */
    public static Setting ofInt(String key, int defaultValue, int min, int max, String description) {
        return whole(key, defaultValue, min, max, "", description);
    }

    public static Setting ofLong(String key, long defaultValue, long min, long max, String description) {
        return whole(key, defaultValue, min, max, "", description);
    }

    /** A whole number with a default, a range and a unit. */
    public static Setting whole(String key, long defaultValue, long min, long max, String unit, String description) {
        return new Setting(key, Type.WHOLE, Long.toString(defaultValue), unit, min, max, List.of(), Scope.BOTH, description,
                List.of());
    }

    /** A whole number without a default (required, or optional with no value). */
    public static Setting wholeWithoutDefault(String key, long min, long max, String unit, String description) {
        return new Setting(key, Type.WHOLE, null, unit, min, max, List.of(), Scope.BOTH, description, List.of());
    }

    /** A setting of {@code type} other than a whole number; {@code defaultValue} may be null. */
    public static Setting of(String key, Type type, String defaultValue, String description) {
        return new Setting(key, type, defaultValue, "", 0, 0, List.of(), Scope.BOTH, description, List.of());
    }

    public static Setting choice(String key, String defaultValue, List<String> choices, String description) {
        return new Setting(key, Type.CHOICE, defaultValue, "", 0, 0, choices, Scope.BOTH, description, List.of());
    }

    /** The same setting, read by {@code where} only. */
    public Setting only(Scope where) {
        return new Setting(key, type, defaultValue, unit, min, max, choices, where, description, aliases);
    }

    /** The same setting, also read under its former keys. */
    public Setting formerly(String... former) {
        return new Setting(key, type, defaultValue, unit, min, max, choices, scope, description, List.of(former));
    }

    /** The same setting under another key (a family's member: {@code obd.poll.speed}). */
    public Setting withKey(String otherKey) {
        return new Setting(otherKey, type, defaultValue, unit, min, max, choices, scope, description, aliases);
    }

    /** Whether the key names a family ({@code obd.poll.<PID>}). */
    public boolean isFamily() {
        return key.indexOf('<') >= 0;
    }

    /** What a family's keys start with ({@code obd.poll.}); the key itself otherwise. */
    public String prefix() {
        int i = key.indexOf('<');
        return i < 0 ? key : key.substring(0, i);
    }

    /** Whether {@code k} is this setting's key, or a member of its family. */
    public boolean matches(String k) {
        return isFamily() ? k.startsWith(prefix()) && k.length() > prefix().length() : key.equals(k);
    }

    /** The whole-number default (a {@link Type#WHOLE} setting with a default). */
    public long defaultValueAsLong() {
        return Long.parseLong(defaultValue);
    }

    /** The allowed range as errors and documentation write it: {@code 1..1048576}. */
    public String range() {
        return min + ".." + max;
    }

    /**
     * The value of this whole-number setting in {@code value}: absent or blank gives the default; a
     * {@link Number} or a text must be a whole number within the range.
     *
     * @param origin what the error names first: a file, a component's PID
     * @throws IllegalArgumentException {@code ORIGIN: key = 'value' must be a whole number in MIN..MAX},
     *                                  or {@code ORIGIN: key is required} when absent without a default
     */
    public long parse(String origin, Object value) {
        if (type != Type.WHOLE) {
            throw new IllegalStateException(key + " is not a whole-number setting");
        }
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) {
            if (defaultValue == null) {
                throw new IllegalArgumentException(origin + ": " + key + " is required");
            }
            return defaultValueAsLong();
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

    /**
     * The value of a {@link Type#CHOICE}, lower-cased; the default when absent.
     *
     * @throws IllegalArgumentException {@code ORIGIN: key = 'value' is not a, b or c}
     */
    public String parseChoice(String origin, Object value) {
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) {
            if (defaultValue == null) {
                throw new IllegalArgumentException(origin + ": " + key + " is required");
            }
            return defaultValue;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.toLowerCase(Locale.ROOT).equals(lower)) {
                return c;
            }
        }
        throw new IllegalArgumentException(origin + ": " + key + " = '" + text + "' is not " + choicesText());
    }

    /** The choices as errors write them: {@code auto, historic or standard}. */
    public String choicesText() {
        if (choices.size() == 1) {
            return choices.get(0);
        }
        return String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
    }
}
