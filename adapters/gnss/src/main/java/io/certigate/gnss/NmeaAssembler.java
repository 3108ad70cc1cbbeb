package io.certigate.gnss;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Frames NMEA 0183 sentences out of a byte stream in any chunking (NMEA 0183 v4.11 §5.3: a sentence
 * is {@code $}, an address field, comma-separated data fields, {@code *hh} and CR LF; at most 82
 * characters). The checksum (§5.3.1: XOR of the characters between {@code $} and {@code *}, as two
 * hexadecimal digits) is required; a sentence without one or with a wrong one is counted and dropped,
 * and so are over-long lines, bytes outside a sentence (a wrong baud rate gives nothing else) and
 * sentences of talkers that are not GNSS receivers. Nothing here throws on input. Not thread-safe:
 * one reader feeds it.
 */
public final class NmeaAssembler {
    /** Longest line accepted, {@code $} to the last checksum digit: the standard's 82 less CR LF, with slack for receivers that exceed it. */
    public static final int MAX_LINE = 120;

    private final NmeaStats stats;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean inSentence;
    private boolean tooLong;
    private boolean damaged;
    private boolean inGarbage;

    public NmeaAssembler(NmeaStats stats) {
        this.stats = stats;
    }

    /** Consumes all of {@code bytes} and returns the complete, checksummed sentences they ended. */
    public List<NmeaSentence> accept(ByteBuffer bytes) {
        List<NmeaSentence> out = new ArrayList<>();
        while (bytes.hasRemaining()) {
            accept(bytes.get(), out);
        }
        return out;
    }

    /** As {@link #accept(ByteBuffer)} on {@code bytes[off, off + len)}. */
    public List<NmeaSentence> accept(byte[] bytes, int off, int len) {
        return accept(ByteBuffer.wrap(bytes, off, len));
    }

    private void accept(byte b, List<NmeaSentence> out) {
        if (b == '$' || b == '!') {
            if (inSentence) {
                stats.garbage(); // a sentence cut off by the next one
            }
            startSentence(b);
        } else if (b == '\r' || b == '\n') {
            if (inSentence) {
                endSentence(out);
            }
            inGarbage = false;
        } else if (inSentence) {
            if (b < 0x20 || b > 0x7E) {
                damaged = true;
            }
            if (length < MAX_LINE) {
                line[length++] = b;
            } else {
                tooLong = true;
            }
        } else if (!inGarbage) {
            inGarbage = true; // one count per run of bytes outside a sentence
            stats.garbage();
        }
    }

    private void startSentence(byte start) {
        inSentence = true;
        inGarbage = false;
        tooLong = false;
        damaged = false;
        length = 0;
        line[length++] = start;
    }

    private void endSentence(List<NmeaSentence> out) {
        inSentence = false;
        if (tooLong) {
            stats.overLong();
            return;
        }
        if (damaged) {
            stats.garbage();
            return;
        }
        String text = new String(line, 0, length, java.nio.charset.StandardCharsets.US_ASCII);
        int star = text.length() - 3;
        if (star < 1 || text.charAt(star) != '*' || !checksumMatches(text, star)) {
            stats.badChecksum();
            return;
        }
        NmeaSentence s = frame(text, star);
        if (s == null) {
            stats.unknown();
        } else {
            out.add(s);
        }
    }

    private static boolean checksumMatches(String text, int star) {
        int expected = hex(text.charAt(star + 1)) << 4 | hex(text.charAt(star + 2));
        if (expected < 0) {
            return false;
        }
        int sum = 0;
        for (int i = 1; i < star; i++) {
            sum ^= text.charAt(i);
        }
        return sum == expected;
    }

    private static int hex(char c) {
        int d = Character.digit(c, 16);
        return d < 0 ? -0x1000 : d;
    }

    /** The sentence, or null when its address is not a GNSS talker's (proprietary {@code $P...}, AIS {@code !}). */
    private static NmeaSentence frame(String text, int star) {
        if (text.charAt(0) != '$') {
            return null;
        }
        String body = text.substring(1, star);
        List<String> parts = Arrays.asList(body.split(",", -1));
        String address = parts.get(0);
        if (address.length() != 5) {
            return null;
        }
        Talker talker = Talker.of(address.substring(0, 2));
        if (talker == null) {
            return null;
        }
        return new NmeaSentence(talker, address.substring(2), parts.subList(1, parts.size()), text);
    }

    /**
     * The checksum of a sentence body (between {@code $} and {@code *}), as two upper-case hex digits:
     * for writing sentences (the simulator, the tests).
     */
    public static String checksum(String body) {
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            sum ^= body.charAt(i);
        }
        return String.format("%02X", sum);
    }
}
