package io.certigate.obd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A vehicle identification number (ISO 3779): 17 characters from 0-9 and A-Z without I, O and Q.
 * The check digit (position 9, 49 CFR 565.15) is mandatory for North American VINs (first
 * character 1-5) and is then reported valid or invalid; elsewhere it is not applicable.
 */
public record Vin(String value, CheckDigit checkDigit) {

    public enum CheckDigit { VALID, INVALID, NOT_APPLICABLE }

    private static final String WEIGHTS = "8765432X098765432";

    public Vin {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(checkDigit, "checkDigit");
    }

    /** Validates a VIN text. */
    public static Vin of(String text) throws ObdReplyException {
        if (text.length() != 17) {
            throw new ObdReplyException("VIN has " + text.length() + " characters, not 17", text);
        }
        for (int i = 0; i < 17; i++) {
            char c = text.charAt(i);
            if (transliterate(c) < 0) {
                throw new ObdReplyException("VIN character " + ObdReplyException.quote(String.valueOf(c))
                        + " at position " + (i + 1) + " is not allowed", text);
            }
        }
        char first = text.charAt(0);
        CheckDigit check = first >= '1' && first <= '5'
                ? (checkDigitOf(text) == text.charAt(8) ? CheckDigit.VALID : CheckDigit.INVALID)
                : CheckDigit.NOT_APPLICABLE;
        return new Vin(text, check);
    }

    /** The check digit a VIN should carry at position 9 ({@code 0}-{@code 9} or {@code X}). */
    public static char checkDigitOf(String vin) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            int w = WEIGHTS.charAt(i) == 'X' ? 10 : WEIGHTS.charAt(i) - '0';
            sum += w * transliterate(vin.charAt(i));
        }
        int r = sum % 11;
        return r == 10 ? 'X' : (char) ('0' + r);
    }

    private static int transliterate(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int i = "ABCDEFGH".indexOf(c);
        if (i >= 0) {
            return i + 1;
        }
        i = "JKLMN".indexOf(c);
        if (i >= 0) {
            return i + 1;
        }
        if (c == 'P') {
            return 7;
        }
        if (c == 'R') {
            return 9;
        }
        i = "STUVWXYZ".indexOf(c);
        return i >= 0 ? i + 2 : -1;
    }

    /**
     * Extracts the VIN from a service 09 PID 02 reply, in either form: one ISO-TP message whose
     * first byte is the number of data items (01) followed by 17 characters (CAN), or five
     * messages each starting with their sequence number 1..5 and carrying 4 bytes, the first one
     * padded with 00 bytes (J1850, ISO 9141-2, ISO 14230-4). With several ECUs the first VIN wins.
     */
    public static Vin fromReply(ObdReply.Data reply, String raw) throws ObdReplyException {
        if (reply.request().mode() != 0x09 || reply.request().pid() != 0x02) {
            throw new IllegalArgumentException("not a VIN request: " + reply.request());
        }
        List<ObdReply.EcuResponse> rs = reply.responses();
        ObdReply.EcuResponse first = rs.get(0);
        byte[] chars;
        if (first.length() >= 17) {
            chars = java.util.Arrays.copyOfRange(first.data(), first.length() == 17 ? 0 : 1, first.length());
        } else {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int seq = 1;
            for (ObdReply.EcuResponse r : rs) {
                if (!Objects.equals(r.header(), first.header())) {
                    continue;
                }
                if (r.length() != 5 || r.at(0) != seq) {
                    throw new ObdReplyException("VIN message " + seq + " malformed: " + r, raw);
                }
                b.write(r.data(), 1, 4);
                seq++;
            }
            chars = b.toByteArray();
        }
        int start = 0;
        while (start < chars.length && chars[start] == 0) {
            start++;
        }
        int end = chars.length;
        while (end > start && chars[end - 1] == 0) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (chars[i] < 0x20 || chars[i] > 0x7E) {
                throw new ObdReplyException("VIN byte " + Elm327Replies.hex(chars[i] & 0xFF) + " is not printable", raw);
            }
        }
        return of(new String(chars, start, end - start, StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return value;
    }
}
