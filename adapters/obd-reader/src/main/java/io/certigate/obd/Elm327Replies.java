package io.certigate.obd;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pure parser of ELM327 replies to OBD requests: text in, an immutable {@link ObdReply} out,
 * no I/O and no state. It accepts what an ELM327 prints with echo on or off, spaces on or off,
 * headers on or off, the {@code SEARCHING...} and {@code BUS INIT: ...} progress lines, the status
 * words ({@code NO DATA}, {@code UNABLE TO CONNECT}, {@code CAN ERROR}, {@code STOPPED}, {@code ?},
 * ...), several ECUs answering, and multi-frame messages in both layouts (CAN formatting with a
 * length line and {@code 0:} lines; ISO-TP PCI bytes after the CAN id when headers are on).
 *
 * <p>Every message must start with the response service byte 0x40 + the request's service and
 * echo the requested PID; anything else is an {@link ObdReplyException}, never a value.
 */
public final class Elm327Replies {
    private static final int MAX_LINES = 256;

    private Elm327Replies() {}

    /** Parses a reply read with headers off (ATH0); CAN ids printed anyway are recognised. */
    public static ObdReply parse(ObdRequest request, String raw) throws ObdReplyException {
        return parse(request, HeaderLayout.NONE, raw);
    }

    /**
     * Parses one reply: everything the adapter printed after the command up to (and maybe
     * including) the {@code >} prompt.
     *
     * @param layout how headers are printed: {@link HeaderLayout#NONE} with ATH0, otherwise the
     *               detected protocol's {@link ElmProtocol#headerLayout()}
     */
    public static ObdReply parse(ObdRequest request, HeaderLayout layout, String raw) throws ObdReplyException {
        if (raw == null) {
            throw new ObdReplyException("no reply", "");
        }
        List<String> lines = lines(request, raw);
        if (lines.isEmpty()) {
            throw new ObdReplyException("empty reply to " + request.command(), raw);
        }
        for (String line : lines) {
            ElmCondition c = ElmCondition.ofLine(line);
            if (c != null) {
                return new ObdReply.Condition(request, c, raw);
            }
        }
        List<Frame> frames = new ArrayList<>(lines.size());
        IsoTpAssembler assembler = new IsoTpAssembler(raw);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (layout == HeaderLayout.NONE && isLengthLine(line) && i + 1 < lines.size() && isFormattedLine(lines.get(i + 1))) {
                assembler.startFormatted(Integer.parseInt(line, 16));
                continue;
            }
            if (isFormattedLine(line)) {
                int colon = line.indexOf(':');
                assembler.formattedSegment(Character.digit(line.charAt(0), 16), hexBytes(line.substring(colon + 1), raw));
                continue;
            }
            Frame f = frame(line, layout, raw);
            if (f.pci()) {
                assembler.canFrame(f.header(), f.bytes());
            } else {
                frames.add(f);
            }
        }
        List<ObdReply.EcuResponse> messages = new ArrayList<>();
        for (Frame f : frames) {
            messages.add(new ObdReply.EcuResponse(f.header(), f.bytes()));
        }
        messages.addAll(assembler.finish());
        return checkService(request, messages, raw);
    }

    private static ObdReply checkService(ObdRequest request, List<ObdReply.EcuResponse> messages, String raw)
            throws ObdReplyException {
        List<ObdReply.EcuResponse> out = new ArrayList<>(messages.size());
        for (ObdReply.EcuResponse m : messages) {
            if (m.length() == 0) {
                throw new ObdReplyException("empty message", raw);
            }
            int service = m.at(0);
            if (service == 0x7F) {
                if (m.length() < 3 || m.at(1) != request.mode()) {
                    throw new ObdReplyException("negative response not for service " + hex(request.mode()), raw);
                }
                return new ObdReply.Negative(request, m.header(), m.at(2));
            }
            if (service != request.responseMode()) {
                throw new ObdReplyException("response service " + hex(service) + " to a request for service "
                        + hex(request.mode()) + " (expected " + hex(request.responseMode()) + ")", raw);
            }
            int skip = 1;
            if (request.hasPid()) {
                if (m.length() < 2 || m.at(1) != request.pid()) {
                    throw new ObdReplyException("PID echo " + (m.length() < 2 ? "missing" : hex(m.at(1)))
                            + " does not match requested PID " + hex(request.pid()), raw);
                }
                skip = 2;
            }
            byte[] d = m.data();
            out.add(new ObdReply.EcuResponse(m.header(), java.util.Arrays.copyOfRange(d, skip, d.length)));
        }
        return new ObdReply.Data(request, out);
    }

    /** Splits the reply into trimmed, non-empty lines without prompt, echo and progress lines. */
    private static List<String> lines(ObdRequest request, String raw) throws ObdReplyException {
        String[] parts = raw.replace('>', '\n').replace('\0', ' ').split("[\r\n]+");
        if (parts.length > MAX_LINES) {
            throw new ObdReplyException("reply of " + parts.length + " lines", raw);
        }
        List<String> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            String line = p.trim().toUpperCase(Locale.ROOT);
            if (line.isEmpty()) {
                continue;
            }
            if (out.isEmpty() && line.replace(" ", "").equals(request.command())) {
                continue; // echo (ATE1)
            }
            if (line.startsWith("SEARCHING")) {
                continue;
            }
            if (line.startsWith("BUS INIT") && !line.endsWith("ERROR")) {
                continue; // "BUS INIT: ...OK" before ISO 9141 / KWP data
            }
            out.add(line);
        }
        return out;
    }

    private static boolean isLengthLine(String line) {
        return line.length() == 3 && isHex(line);
    }

    private static boolean isFormattedLine(String line) {
        return line.length() >= 2 && line.charAt(1) == ':' && Character.digit(line.charAt(0), 16) >= 0;
    }

    /** One printed line: header (or null) and data bytes; pci when the bytes start with an ISO-TP PCI. */
    private record Frame(String header, byte[] bytes, boolean pci) {}

    private static Frame frame(String line, HeaderLayout layout, String raw) throws ObdReplyException {
        String[] tokens = line.split(" +");
        String compact = line.replace(" ", "");
        if (!isHex(compact)) {
            throw new ObdReplyException("unreadable line " + ObdReplyException.quote(line), raw);
        }
        boolean can11 = layout == HeaderLayout.CAN_11 || layout == HeaderLayout.NONE;
        boolean threeDigitId = tokens.length > 1 ? tokens[0].length() == 3 : compact.length() % 2 == 1 && compact.length() > 3;
        if (threeDigitId && can11) {
            if (tokens.length > 1 && !allPairs(tokens, 1)) {
                throw new ObdReplyException("uneven hex groups in " + ObdReplyException.quote(line), raw);
            }
            return new Frame(compact.substring(0, 3), hexBytes(compact.substring(3), raw), true);
        }
        if (compact.length() % 2 == 1 || (tokens.length > 1 && !allPairs(tokens, 0))) {
            throw new ObdReplyException("uneven hex digits in " + ObdReplyException.quote(line), raw);
        }
        byte[] bytes = hexBytes(compact, raw);
        int h = layout.headerBytes();
        if (layout == HeaderLayout.CAN_29) {
            if (bytes.length < h + 1) {
                throw new ObdReplyException("CAN frame shorter than its 29-bit id", raw);
            }
            return new Frame(compact.substring(0, 2 * h), java.util.Arrays.copyOfRange(bytes, h, bytes.length), true);
        }
        if (layout == HeaderLayout.LEGACY) {
            if (bytes.length < h + 2) {
                throw new ObdReplyException("message shorter than header and checksum", raw);
            }
            return new Frame(compact.substring(0, 2 * h), java.util.Arrays.copyOfRange(bytes, h, bytes.length - 1), false);
        }
        return new Frame(null, bytes, false);
    }

    private static boolean allPairs(String[] tokens, int from) {
        for (int i = from; i < tokens.length; i++) {
            if (tokens[i].length() != 2) {
                return false;
            }
        }
        return true;
    }

    static boolean isHex(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }

    static byte[] hexBytes(String text, String raw) throws ObdReplyException {
        String s = text.replace(" ", "");
        if (s.length() % 2 != 0 || (!s.isEmpty() && !isHex(s))) {
            throw new ObdReplyException("not hex bytes: " + ObdReplyException.quote(text.trim()), raw);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() / 2);
        for (int i = 0; i < s.length(); i += 2) {
            out.write(Character.digit(s.charAt(i), 16) << 4 | Character.digit(s.charAt(i + 1), 16));
        }
        return out.toByteArray();
    }

    static String hex(int b) {
        return String.format("%02X", b);
    }
}
