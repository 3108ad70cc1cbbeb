package io.certigate.meter.rfid;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental decoder of the RDM6300 serial protocol (125 kHz EM4100 readers, 9600 8N1): each read
 * is 14 bytes, {@code STX}, 10 ASCII hex characters (version byte and 4-byte card number), 2 ASCII
 * hex characters of checksum (XOR of the 5 data bytes), {@code ETX}. Bytes outside a frame are
 * noise; an STX inside a frame restarts it; a frame of the wrong length, with a non-hex character
 * or a wrong checksum is rejected and reported. No I/O inside; not thread-safe.
 */
public final class Rdm6300FrameAssembler {
    private static final byte STX = 0x02;
    private static final byte ETX = 0x03;
    private static final int BODY = 12;

    /** Cumulative counters. */
    public record Stats(long tags, long rejected, long noiseBytes) {}

    private final byte[] body = new byte[BODY];
    private int len;
    private boolean inFrame;
    private long tags;
    private long rejected;
    private long noise;

    /** Consumes all remaining bytes; returns the events they completed. */
    public List<RfidEvent> accept(ByteBuffer in) {
        List<RfidEvent> out = null;
        while (in.hasRemaining()) {
            RfidEvent e = step(in.get());
            if (e != null) {
                if (out == null) {
                    out = new ArrayList<>(1);
                }
                out.add(e);
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    private RfidEvent step(byte b) {
        if (b == STX) {
            RfidEvent e = inFrame ? reject("STX before ETX") : null;
            inFrame = true;
            len = 0;
            return e;
        }
        if (!inFrame) {
            noise++;
            return null;
        }
        if (b == ETX) {
            inFrame = false;
            return len == BODY ? decode() : reject(len + " characters between STX and ETX, expected 12");
        }
        if (len == BODY) {
            inFrame = false;
            RfidEvent e = reject("no ETX after 12 characters");
            noise++;
            return e;
        }
        body[len++] = b;
        return null;
    }

    private RfidEvent decode() {
        int[] bytes = new int[6];
        for (int i = 0; i < 6; i++) {
            int hi = Character.digit(body[2 * i], 16);
            int lo = Character.digit(body[2 * i + 1], 16);
            if (hi < 0 || lo < 0 || (body[2 * i] & 0x80) != 0 || (body[2 * i + 1] & 0x80) != 0) {
                return reject("non-hex character");
            }
            bytes[i] = hi << 4 | lo;
        }
        int xor = bytes[0] ^ bytes[1] ^ bytes[2] ^ bytes[3] ^ bytes[4];
        if (xor != bytes[5]) {
            return reject(String.format("checksum %02X received, %02X computed", bytes[5], xor));
        }
        StringBuilder id = new StringBuilder(10);
        for (int i = 0; i < 5; i++) {
            id.append(String.format("%02X", bytes[i]));
        }
        long card = (long) bytes[1] << 24 | bytes[2] << 16 | bytes[3] << 8 | bytes[4];
        tags++;
        return new RfidEvent.Tag(id.toString(), card, RfidEvent.Format.EM4100);
    }

    private RfidEvent reject(String reason) {
        rejected++;
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int c = body[i] & 0xFF;
            raw.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        len = 0;
        return new RfidEvent.Rejected(raw.toString(), reason);
    }

    public Stats stats() {
        return new Stats(tags, rejected, noise);
    }
}
