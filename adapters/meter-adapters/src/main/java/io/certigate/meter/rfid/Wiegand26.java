package io.certigate.meter.rfid;

/**
 * Wiegand 26-bit format (the de-facto H10301 layout): bit 1 even parity over bits 2–13, bits 2–9
 * the facility code, bits 10–25 the card number, bit 26 odd parity over bits 14–25. Bridge boards
 * that report raw Wiegand bits send them as a line of 26 {@code 0}/{@code 1} characters.
 */
public final class Wiegand26 {
    private Wiegand26() {}

    /**
     * @param facility 8-bit facility code
     * @param card     16-bit card number
     */
    public record Card(int facility, int card) {
        /** Tag id used as a reading's subject: {@code W26-FFF-CCCCC} in decimal. */
        public String id() {
            return String.format("W26-%03d-%05d", facility, card);
        }
    }

    /** Thrown for a frame whose length, characters or parity are wrong. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public FormatException(String message) {
            super(message);
        }
    }

    /** Decodes the 26 bits given in the low bits of {@code bits}, first transmitted bit highest. */
    public static Card decode(int bits) throws FormatException {
        if ((bits >>> 26) != 0) {
            throw new FormatException("more than 26 bits: 0x" + Integer.toHexString(bits));
        }
        int evenParity = bits >>> 25 & 1;
        int oddParity = bits & 1;
        int firstHalf = bits >>> 13 & 0xFFF;  // bits 2..13
        int secondHalf = bits >>> 1 & 0xFFF;  // bits 14..25
        if ((Integer.bitCount(firstHalf) + evenParity) % 2 != 0) {
            throw new FormatException("even parity over bits 2-13 fails");
        }
        if ((Integer.bitCount(secondHalf) + oddParity) % 2 != 1) {
            throw new FormatException("odd parity over bits 14-25 fails");
        }
        return new Card(bits >>> 17 & 0xFF, bits >>> 1 & 0xFFFF);
    }

    /** Decodes a line of 26 {@code 0}/{@code 1} characters (surrounding whitespace ignored). */
    public static Card parseLine(String line) throws FormatException {
        String s = line.strip();
        if (s.length() != 26) {
            throw new FormatException("expected 26 bits, got " + s.length() + " characters");
        }
        int bits = 0;
        for (int i = 0; i < 26; i++) {
            char c = s.charAt(i);
            if (c != '0' && c != '1') {
                throw new FormatException("character '" + c + "' at " + i + " is not a bit");
            }
            bits = bits << 1 | (c - '0');
        }
        return decode(bits);
    }

    /** Encodes a card with correct parity bits (for simulators and tests). */
    public static int encode(int facility, int card) {
        int data = (facility & 0xFF) << 16 | (card & 0xFFFF);
        int firstHalf = data >>> 12 & 0xFFF;
        int secondHalf = data & 0xFFF;
        int even = Integer.bitCount(firstHalf) % 2;
        int odd = 1 - Integer.bitCount(secondHalf) % 2;
        return even << 25 | data << 1 | odd;
    }
}
