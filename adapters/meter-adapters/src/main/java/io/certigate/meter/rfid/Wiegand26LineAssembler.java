package io.certigate.meter.rfid;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental decoder for bridge boards that report each Wiegand-26 read as a text line of 26
 * {@code 0}/{@code 1} characters ended by LF (a CR before it is ignored). Over-long lines are
 * rejected. No I/O inside; not thread-safe.
 */
public final class Wiegand26LineAssembler {
    private static final int MAX_LINE = 64;
    private final StringBuilder line = new StringBuilder(32);
    private boolean overflow;

    public List<RfidEvent> accept(ByteBuffer in) {
        List<RfidEvent> out = null;
        while (in.hasRemaining()) {
            int c = in.get() & 0xFF;
            if (c == '\n') {
                RfidEvent e = finish();
                if (e != null) {
                    if (out == null) {
                        out = new ArrayList<>(1);
                    }
                    out.add(e);
                }
            } else if (c != '\r') {
                if (line.length() < MAX_LINE) {
                    line.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
                } else {
                    overflow = true;
                }
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    private RfidEvent finish() {
        String s = line.toString();
        boolean tooLong = overflow;
        line.setLength(0);
        overflow = false;
        if (s.isBlank() && !tooLong) {
            return null;
        }
        if (tooLong) {
            return new RfidEvent.Rejected(s, "line longer than " + MAX_LINE + " characters");
        }
        try {
            Wiegand26.Card card = Wiegand26.parseLine(s);
            return new RfidEvent.Tag(card.id(), card.card(), RfidEvent.Format.WIEGAND26);
        } catch (Wiegand26.FormatException e) {
            return new RfidEvent.Rejected(s, e.getMessage());
        }
    }
}
