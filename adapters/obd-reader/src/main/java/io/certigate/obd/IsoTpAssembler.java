package io.certigate.obd;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles ISO 15765-2 (ISO-TP) messages within one reply, in the two ways an ELM327 shows
 * them: with headers on, each CAN frame keeps its PCI byte (single frame {@code 0L}, first frame
 * {@code 1L LL}, consecutive frames {@code 2N}); with headers off and CAN formatting on, a length
 * line ({@code 014}) is followed by numbered segments ({@code 0:}, {@code 1:}, ...). One assembler
 * serves one reply; it is not shared.
 */
final class IsoTpAssembler {
    private static final int MAX_LENGTH = 4095;

    private final String raw;
    private final Map<String, Partial> open = new LinkedHashMap<>();
    private final List<ObdReply.EcuResponse> done = new ArrayList<>();
    private Partial formatted;

    IsoTpAssembler(String raw) {
        this.raw = raw;
    }

    private static final class Partial {
        final String header;
        final int length;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int nextSeq;

        Partial(String header, int length, int firstSeq) {
            this.header = header;
            this.length = length;
            this.nextSeq = firstSeq;
        }

        boolean complete() {
            return bytes.size() >= length;
        }

        ObdReply.EcuResponse toResponse() {
            return new ObdReply.EcuResponse(header, java.util.Arrays.copyOf(bytes.toByteArray(), length));
        }
    }

    /** A CAN frame printed with its id; {@code frame} starts with the PCI byte. */
    void canFrame(String header, byte[] frame) throws ObdReplyException {
        if (frame.length == 0) {
            throw new ObdReplyException("CAN frame from " + header + " without data", raw);
        }
        int pci = frame[0] & 0xFF;
        switch (pci >> 4) {
            case 0 -> {
                int len = pci & 0x0F;
                if (len == 0 || len > frame.length - 1) {
                    throw new ObdReplyException("single frame from " + header + " says " + len + " bytes, carries "
                            + (frame.length - 1), raw);
                }
                done.add(new ObdReply.EcuResponse(header, java.util.Arrays.copyOfRange(frame, 1, 1 + len)));
            }
            case 1 -> {
                if (frame.length < 2) {
                    throw new ObdReplyException("first frame from " + header + " without its length byte", raw);
                }
                int len = (pci & 0x0F) << 8 | (frame[1] & 0xFF);
                if (len < 8) {
                    throw new ObdReplyException("first frame from " + header + " announces only " + len + " bytes", raw);
                }
                if (open.containsKey(header)) {
                    throw new ObdReplyException("new first frame from " + header + " before the previous message ended", raw);
                }
                Partial p = new Partial(header, len, 1);
                p.bytes.write(frame, 2, frame.length - 2);
                open.put(header, p);
            }
            case 2 -> {
                Partial p = open.get(header);
                if (p == null) {
                    throw new ObdReplyException("consecutive frame from " + header + " without a first frame", raw);
                }
                if ((pci & 0x0F) != p.nextSeq) {
                    throw new ObdReplyException("consecutive frame " + (pci & 0x0F) + " from " + header + " where "
                            + p.nextSeq + " was due", raw);
                }
                p.nextSeq = (p.nextSeq + 1) & 0x0F;
                p.bytes.write(frame, 1, frame.length - 1);
                if (p.complete()) {
                    open.remove(header);
                    done.add(p.toResponse());
                }
            }
            default -> throw new ObdReplyException("CAN frame from " + header + " with PCI "
                    + Elm327Replies.hex(pci) + " is no ISO-TP data frame", raw);
        }
    }

    /** A CAN formatting length line ({@code 014}: 0x14 bytes follow in numbered segments). */
    void startFormatted(int length) throws ObdReplyException {
        closeFormatted();
        if (length == 0 || length > MAX_LENGTH) {
            throw new ObdReplyException("multi-frame length " + length, raw);
        }
        formatted = new Partial(null, length, 0);
    }

    /** A numbered segment line ({@code 1: 47 50 30 30 52 35 35}). */
    void formattedSegment(int seq, byte[] data) throws ObdReplyException {
        if (formatted == null) {
            throw new ObdReplyException("segment " + seq + ": without a length line", raw);
        }
        if (seq != formatted.nextSeq) {
            throw new ObdReplyException("segment " + seq + ": where " + formatted.nextSeq + ": was due", raw);
        }
        formatted.nextSeq = (formatted.nextSeq + 1) & 0x0F;
        formatted.bytes.write(data, 0, data.length);
    }

    private void closeFormatted() throws ObdReplyException {
        if (formatted != null) {
            if (!formatted.complete()) {
                throw new ObdReplyException("multi-frame message truncated: " + formatted.bytes.size() + " of "
                        + formatted.length + " bytes", raw);
            }
            done.add(formatted.toResponse());
            formatted = null;
        }
    }

    /** The reassembled messages; an unfinished one is an error. */
    List<ObdReply.EcuResponse> finish() throws ObdReplyException {
        closeFormatted();
        if (!open.isEmpty()) {
            Partial p = open.values().iterator().next();
            throw new ObdReplyException("multi-frame message from " + p.header + " truncated: " + p.bytes.size()
                    + " of " + p.length + " bytes", raw);
        }
        return List.copyOf(done);
    }
}
