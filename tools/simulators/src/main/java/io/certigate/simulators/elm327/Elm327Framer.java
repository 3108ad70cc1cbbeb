package io.certigate.simulators.elm327;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints an ECU message the way an ELM327 shows it (ELM327 datasheet, "Multiline Responses" and
 * "CAN Message Formats"): on CAN with headers off, a single frame is the bare data and a longer
 * message is a length line followed by numbered {@code 0:} segments; with headers on, every CAN
 * frame shows its id and ISO-TP PCI byte (last frame padded to 8 bytes); on the legacy buses each
 * message is one line, with headers on framed by 3 header bytes and a checksum.
 */
final class Elm327Framer {
    private Elm327Framer() {}

    static boolean isCan(char protocol) {
        return protocol >= '6' && protocol <= '9' || protocol >= 'A' && protocol <= 'C';
    }

    static boolean is29Bit(char protocol) {
        return protocol == '7' || protocol == '9' || protocol == 'A';
    }

    /** The header an ECU (0 = engine, 1 = second ECU) prints in. */
    static String header(char protocol, int ecu) {
        if (isCan(protocol)) {
            return is29Bit(protocol) ? (ecu == 0 ? "18DAF110" : "18DAF118") : (ecu == 0 ? "7E8" : "7E9");
        }
        return ecu == 0 ? "486B10" : "486B18";
    }

    static List<String> frames(byte[] message, char protocol, int ecu, boolean headers, boolean spaces) {
        List<String> lines = new ArrayList<>();
        String h = header(protocol, ecu);
        if (!isCan(protocol)) {
            if (!headers) {
                lines.add(hex(message, 0, message.length, spaces));
            } else {
                byte[] framed = new byte[message.length + 4];
                for (int i = 0; i < 3; i++) {
                    framed[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
                }
                System.arraycopy(message, 0, framed, 3, message.length);
                int sum = 0;
                for (int i = 0; i < framed.length - 1; i++) {
                    sum += framed[i] & 0xFF;
                }
                framed[framed.length - 1] = (byte) sum;
                lines.add(hex(framed, 0, framed.length, spaces));
            }
            return lines;
        }
        String id = spaces && h.length() == 8 ? String.join(" ", h.substring(0, 2), h.substring(2, 4), h.substring(4, 6),
                h.substring(6, 8)) : h;
        String sep = spaces ? " " : "";
        if (message.length <= 7) {
            String data = hex(message, 0, message.length, spaces);
            lines.add(headers ? id + sep + String.format("%02X", message.length) + sep + data : data);
            return lines;
        }
        if (!headers) {
            lines.add(String.format("%03X", message.length));
            lines.add("0:" + sep + hex(message, 0, 6, spaces));
            int seq = 1;
            for (int off = 6; off < message.length; off += 7, seq++) {
                lines.add(Integer.toHexString(seq & 0xF).toUpperCase() + ":" + sep
                        + hex(message, off, Math.min(message.length, off + 7), spaces));
            }
            return lines;
        }
        lines.add(id + sep + String.format("%02X", 0x10 | (message.length >> 8)) + sep
                + String.format("%02X", message.length & 0xFF) + sep + hex(message, 0, 6, spaces));
        int seq = 1;
        for (int off = 6; off < message.length; off += 7, seq++) {
            byte[] frame = new byte[7];
            System.arraycopy(message, off, frame, 0, Math.min(7, message.length - off));
            lines.add(id + sep + String.format("%02X", 0x20 | (seq & 0xF)) + sep + hex(frame, 0, 7, spaces));
        }
        return lines;
    }

    static String hex(byte[] b, int from, int to, boolean spaces) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (spaces && i > from) {
                s.append(' ');
            }
            s.append(String.format("%02X", b[i] & 0xFF));
        }
        return s.toString();
    }
}
