package io.certigate.motion;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one channel of an IIO buffer scan is stored: the {@code scan_elements/*_type} attribute,
 * {@code [be|le]:[s|u]bits/storagebits[Xrepeat][>>shift]} (Linux Documentation/ABI/testing/sysfs-bus-iio,
 * "What: /sys/bus/iio/devices/iio:deviceX/scan_elements/in_accel_x_type"). {@code le:s12/16>>4} is a
 * little-endian 16-bit word whose upper 12 bits are a signed value.
 *
 * @param bigEndian   {@code be} (else {@code le})
 * @param signed      {@code s} (two's complement, else {@code u})
 * @param bits        significant bits of the value, 1..64
 * @param storageBits bits the value occupies in the scan, 8, 16, 32 or 64
 * @param repeat      how many times the value repeats (1 without {@code X})
 * @param shift       right shift before masking to {@code bits}
 */
public record IioChannelType(boolean bigEndian, boolean signed, int bits, int storageBits, int repeat, int shift) {
    private static final Pattern TYPE = Pattern.compile("(be|le):([su])(\\d{1,2})/(\\d{1,2})(?:X(\\d{1,3}))?(?:>>(\\d{1,2}))?");

    public IioChannelType {
        if (storageBits != 8 && storageBits != 16 && storageBits != 32 && storageBits != 64) {
            throw new IllegalArgumentException("IIO storage bits must be 8, 16, 32 or 64, got " + storageBits);
        }
        if (bits < 1 || bits + shift > storageBits || repeat < 1) {
            throw new IllegalArgumentException("IIO channel of " + bits + " bits >> " + shift + " does not fit in "
                    + storageBits + " storage bits");
        }
    }

    /**
     * Parses a {@code _type} attribute's text (a trailing newline is allowed).
     *
     * @throws IioFormatException quoting the text
     */
    public static IioChannelType parse(String text) throws IioFormatException {
        String t = text.strip();
        Matcher m = TYPE.matcher(t);
        if (!m.matches()) {
            throw new IioFormatException("IIO scan element type '" + t + "' is not [be|le]:[s|u]bits/storagebits[>>shift]");
        }
        try {
            return new IioChannelType(m.group(1).equals("be"), m.group(2).equals("s"), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), m.group(5) == null ? 1 : Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
        } catch (IllegalArgumentException e) {
            throw new IioFormatException("IIO scan element type '" + t + "': " + e.getMessage());
        }
    }

    /** Bytes the channel occupies in a scan ({@code storagebits / 8 * repeat}). */
    public int bytes() {
        return storageBits / 8 * repeat;
    }

    /** The value stored at {@code offset} of {@code scan} (its first repetition): shifted, masked, sign-extended. */
    public long extract(byte[] scan, int offset) {
        int n = storageBits / 8;
        long word = 0;
        for (int i = 0; i < n; i++) {
            int b = scan[offset + (bigEndian ? i : n - 1 - i)] & 0xff;
            word = word << 8 | b;
        }
        word >>>= shift;
        if (bits < 64) {
            word &= (1L << bits) - 1;
            if (signed && (word & 1L << (bits - 1)) != 0) {
                word -= 1L << bits;
            }
        }
        return word;
    }

    @Override
    public String toString() {
        return (bigEndian ? "be" : "le") + ":" + (signed ? "s" : "u") + bits + "/" + storageBits
                + (repeat > 1 ? "X" + repeat : "") + ">>" + shift;
    }
}
