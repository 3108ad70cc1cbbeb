package io.certigate.app;

import java.time.Duration;
import picocli.CommandLine;

/** Parses {@code 500ms}, {@code 20s}, {@code 10m}, {@code 2h} or an ISO-8601 duration. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** {@code d} as a message says it: {@code 20 s}, or {@code 1500 ms} when not whole seconds. */
    public static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
    @Override
    public Duration convert(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            switch (v.charAt(v.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // fall through to the error below
        }
        throw new CommandLine.TypeConversionException("'" + s + "' is not a duration (e.g. 500ms, 20s, 10m, 2h)");
    }
}
