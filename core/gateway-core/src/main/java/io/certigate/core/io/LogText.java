package io.certigate.core.io;

/**
 * Makes a value received from the network (a PSK identity, a device id taken from a topic, a CSR
 * subject) safe to put in a log line: control characters, line and paragraph separators, format
 * characters, unassigned code points and lone surrogates become {@code \n}, {@code \r}, {@code \t}
 * or {@code \}{@code uXXXX}; a backslash becomes {@code \\}, so an escaped line can always be told
 * from an unescaped one. A forged identity cannot start a new log line or hide text from a
 * terminal. Long values are cut at {@link #MAX_CHARS} characters with the original length noted.
 */
public final class LogText {
    /** Characters kept of a value; the rest is summarised. */
    public static final int MAX_CHARS = 256;

    private LogText() {}

    /** The escaped form of {@code value}; {@code "null"} for null. */
    public static String escape(CharSequence value) {
        if (value == null) {
            return "null";
        }
        int n = Math.min(value.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(i + 1));
                if (printable(cp)) {
                    out.append(c).append(value.charAt(i + 1));
                } else {
                    unicode(out, c);
                    unicode(out, value.charAt(i + 1));
                }
                i++;
            } else if (!printable(c)) {
                unicode(out, c);
            } else {
                out.append(c);
            }
        }
        if (value.length() > n) {
            out.append("...(").append(value.length()).append(" chars)");
        }
        return out.toString();
    }

    /** {@link #escape(CharSequence)} of bytes read as UTF-8 (malformed sequences become U+FFFD). */
    public static String escape(byte[] utf8) {
        return utf8 == null ? "null" : escape(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static boolean printable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }

    private static void unicode(StringBuilder out, char c) {
        out.append(String.format("\\u%04x", (int) c));
    }
}
