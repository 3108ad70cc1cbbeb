package io.certigate.app.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text helpers of the passport: HTML escaping, times (UTC), durations and values in words. */
final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Html() {}

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    static String day(long epochMs) {
        return DAY.format(Instant.ofEpochMilli(epochMs));
    }

    /** A value with thousands grouped and at most the decimals it has (up to 3). */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        String s = String.format(Locale.ROOT, "%,.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String quantity(double v, String unit) {
        return number(v) + (unit == null ? "" : " " + unit);
    }

    /** A duration in the largest unit that fits: "3 days", "5 h 20 min", "40 s". */
    static String duration(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + " min";
        }
        long h = m / 60;
        if (h < 48) {
            return h + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
        }
        long d = h / 24;
        return d + " days";
    }

    static String plural(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d", n) + " " + (n == 1 ? one : many);
    }
}
