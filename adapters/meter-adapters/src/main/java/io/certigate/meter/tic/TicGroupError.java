package io.certigate.meter.tic;

/**
 * A group of a TIC frame that could not be used, kept with its bytes so that a technician and the
 * log can see what arrived. Immutable.
 *
 * @param reason what was wrong
 * @param raw    the bytes between LF and CR, control characters escaped ({@code <HT>}, {@code \xNN})
 * @param detail one line of explanation (e.g. expected and received checksum)
 */
public record TicGroupError(Reason reason, String raw, String detail) {

    public enum Reason {
        /** The checksum character does not match the group. */
        CHECKSUM,
        /** Separators, field count or characters do not form a group. */
        MALFORMED,
        /** Longer than any group of the specification. */
        TOO_LONG,
        /** A known label whose data or horodate does not have the specified form. */
        BAD_VALUE
    }

    @Override
    public String toString() {
        return reason + " [" + raw + "] " + detail;
    }

    static String escape(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c == 0x09) {
                sb.append("<HT>");
            } else if (c >= 0x20 && c < 0x7F) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }
}
