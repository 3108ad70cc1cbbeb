package io.certigate.meter.tic;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the bytes of one group (between LF and CR, exclusive) into a {@link TicGroup} or a
 * {@link TicGroupError}. Pure and stateless.
 *
 * <p>The checksum is the last byte and the byte before it is always a separator (Enedis-NOI-CPT_54E,
 * group format), so the group is split from its end: a historic checksum may itself be a space.
 */
final class TicGroupParser {
    static final int MAX_GROUP = 160;
    private static final byte HT = 0x09;
    private static final byte SP = 0x20;

    private TicGroupParser() {}

    /** Result of one group: exactly one of the two is non-null. */
    record Parsed(TicGroup group, TicGroupError error) {}

    /**
     * @param fixed the configured mode, or null to accept either mode by the group's separator
     */
    static Parsed parse(byte[] b, int len, TicMode fixed) {
        if (len > MAX_GROUP) {
            return error(TicGroupError.Reason.TOO_LONG, b, Math.min(len, 40), "group of " + len + " bytes");
        }
        if (len < 3) {
            return error(TicGroupError.Reason.MALFORMED, b, len, "group of " + len + " bytes is too short");
        }
        byte sep = b[len - 2];
        TicMode mode = sep == HT ? TicMode.STANDARD : sep == SP ? TicMode.HISTORIC : null;
        if (mode == null || (fixed != null && fixed != mode)) {
            return error(TicGroupError.Reason.MALFORMED, b, len, "no " + (fixed == null ? "SP or HT" : fixed.name().toLowerCase()
                    + " mode") + " separator before the checksum");
        }
        byte expected = mode.checksum(b, 0, len - 1);
        if (expected != b[len - 1]) {
            return error(TicGroupError.Reason.CHECKSUM, b, len, String.format("checksum '%c' received, '%c' computed (%s mode)",
                    (char) (b[len - 1] & 0x7F), (char) expected, mode.name().toLowerCase()));
        }
        for (int i = 0; i < len - 1; i++) {
            int c = b[i] & 0xFF;
            if (c != HT && (c < 0x20 || c > 0x7E)) {
                return error(TicGroupError.Reason.MALFORMED, b, len, String.format("control byte 0x%02x at %d", c, i));
            }
        }
        List<String> fields = split(b, len - 2, mode);
        if (fields.size() < 2 || fields.get(0).isEmpty()) {
            return error(TicGroupError.Reason.MALFORMED, b, len, "no label and data fields");
        }
        return fields(b, len, mode, fields);
    }

    private static Parsed fields(byte[] b, int len, TicMode mode, List<String> fields) {
        String label = fields.get(0);
        TicLabel known = TicLabel.lookup(mode, label).orElse(null);
        TicHorodate horodate = null;
        String data;
        if (fields.size() == 2) {
            data = fields.get(1);
        } else if (fields.size() == 3 && mode == TicMode.STANDARD) {
            try {
                horodate = TicHorodate.parse(fields.get(1));
            } catch (IllegalArgumentException e) {
                return error(known == null ? TicGroupError.Reason.MALFORMED : TicGroupError.Reason.BAD_VALUE, b, len,
                        e.getMessage());
            }
            data = fields.get(2);
        } else {
            return error(TicGroupError.Reason.MALFORMED, b, len, fields.size() + " fields");
        }
        if (known != null) {
            String bad = check(known, horodate, data);
            if (bad != null) {
                return error(TicGroupError.Reason.BAD_VALUE, b, len, label + ": " + bad);
            }
        }
        return new Parsed(new TicGroup(mode, label, known, horodate, data), null);
    }

    private static String check(TicLabel l, TicHorodate horodate, String data) {
        if (l.data().horodated() != (horodate != null)) {
            return horodate == null ? "horodate missing" : "unexpected horodate";
        }
        switch (l.data()) {
            case EMPTY:
                return data.isEmpty() ? null : "data should be empty";
            case ID:
            case NUMBER:
            case NUMBER_AT:
                if (data.isEmpty() || data.length() > l.length()) {
                    return "expected up to " + l.length() + " digits, got " + data.length() + " characters";
                }
                for (int i = 0; i < data.length(); i++) {
                    if (data.charAt(i) < '0' || data.charAt(i) > '9') {
                        return "'" + data + "' is not a number";
                    }
                }
                return null;
            default:
                return data.length() > l.length() ? "longer than " + l.length() + " characters" : null;
        }
    }

    private static List<String> split(byte[] b, int end, TicMode mode) {
        List<String> out = new ArrayList<>(3);
        int start = 0;
        for (int i = 0; i < end; i++) {
            // historic data never contains SP after the label, but keep the rest intact if it does
            if (b[i] == mode.separator() && (mode == TicMode.STANDARD || out.isEmpty())) {
                out.add(ascii(b, start, i));
                start = i + 1;
            }
        }
        out.add(ascii(b, start, end));
        return out;
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static Parsed error(TicGroupError.Reason r, byte[] b, int len, String detail) {
        return new Parsed(null, new TicGroupError(r, TicGroupError.escape(b, 0, Math.min(len, MAX_GROUP)), detail));
    }
}
