package io.certigate.obd;

/**
 * An adapter reply that is not a valid answer to its request: unreadable text, a truncated
 * multi-frame message, or a reply for another service or PID. Carries the raw reply.
 */
public final class ObdReplyException extends Exception {
    private final String raw;

    public ObdReplyException(String message, String raw) {
        super(message + " in reply " + quote(raw));
        this.raw = raw;
    }

    /** The reply exactly as the adapter sent it. */
    public String raw() {
        return raw;
    }

    /** The text with control characters made visible, for logs and error messages. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 512; i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c > 0x7E) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 512 ? "...\"" : "\"").toString();
    }
}
