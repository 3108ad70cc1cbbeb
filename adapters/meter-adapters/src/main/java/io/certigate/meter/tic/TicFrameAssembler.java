package io.certigate.meter.tic;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental TIC frame assembler (Enedis-NOI-CPT_54E, frame and group structure, both modes).
 * Feed it whatever the serial port delivered; it returns the frames completed by those bytes.
 * No I/O, threads or clocks inside; not thread-safe (one reader feeds it).
 *
 * <ul>
 *   <li>Bytes are masked to 7 bits, so a port opened 8N1 on the 7E1 line still decodes.</li>
 *   <li>Anything before an STX is noise: the assembler resynchronises on the next STX when started
 *       mid-frame or after garbage, and an STX inside a frame restarts the frame (the partial one
 *       is counted as truncated).</li>
 *   <li>EOT (0x04) ends the current frame without delivering it (the meter interrupted it).</li>
 *   <li>A group that fails its checksum or form is reported in the frame's {@code errors}; the other
 *       groups of the frame are still delivered.</li>
 * </ul>
 */
public final class TicFrameAssembler {
    static final int MAX_GROUPS = 128;
    private static final byte STX = 0x02;
    private static final byte ETX = 0x03;
    private static final byte EOT = 0x04;
    private static final byte LF = 0x0A;
    private static final byte CR = 0x0D;

    /** Cumulative counters since the assembler was created. */
    public record Stats(long frames, long groups, long badGroups, long interruptedFrames, long truncatedFrames,
            long noiseBytes) {}

    private final TicMode fixedMode;
    private final byte[] group = new byte[TicGroupParser.MAX_GROUP + 1];
    private int groupLen;
    private boolean inFrame;
    private boolean inGroup;
    private TicMode frameMode;
    private final List<TicGroup> groups = new ArrayList<>();
    private final List<TicGroupError> errors = new ArrayList<>();
    private long frames;
    private long goodGroups;
    private long badGroups;
    private long interrupted;
    private long truncated;
    private long noise;

    private TicFrameAssembler(TicMode fixedMode) {
        this.fixedMode = fixedMode;
    }

    /** An assembler that accepts only groups of {@code mode}. */
    public static TicFrameAssembler forMode(TicMode mode) {
        return new TicFrameAssembler(java.util.Objects.requireNonNull(mode));
    }

    /** An assembler that detects each frame's mode from its groups' separators. */
    public static TicFrameAssembler detecting() {
        return new TicFrameAssembler(null);
    }

    /** Consumes all remaining bytes of {@code in}; returns the frames they completed (often none). */
    public List<TicFrame> accept(ByteBuffer in) {
        List<TicFrame> out = null;
        while (in.hasRemaining()) {
            byte b = (byte) (in.get() & 0x7F);
            TicFrame f = step(b);
            if (f != null) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(f);
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    private TicFrame step(byte b) {
        if (!inFrame) {
            if (b == STX) {
                startFrame();
            } else {
                noise++;
            }
            return null;
        }
        switch (b) {
            case STX:
                truncated++;
                startFrame();
                return null;
            case EOT:
                interrupted++;
                inFrame = false;
                return null;
            case ETX:
                if (inGroup) {
                    addError(new TicGroupError(TicGroupError.Reason.MALFORMED, TicGroupError.escape(group, 0, groupLen),
                            "ETX before the group's CR"));
                }
                inFrame = false;
                return finishFrame();
            case LF:
                if (inGroup) {
                    addError(new TicGroupError(TicGroupError.Reason.MALFORMED, TicGroupError.escape(group, 0, groupLen),
                            "LF before the group's CR"));
                }
                inGroup = true;
                groupLen = 0;
                return null;
            case CR:
                if (inGroup) {
                    inGroup = false;
                    endGroup();
                } else {
                    noise++;
                }
                return null;
            default:
                if (!inGroup) {
                    noise++;
                } else if (groupLen < group.length) {
                    group[groupLen++] = b;
                } else {
                    groupLen++; // over-long: keep counting, parse reports TOO_LONG
                }
                return null;
        }
    }

    private void startFrame() {
        inFrame = true;
        inGroup = false;
        groupLen = 0;
        frameMode = fixedMode;
        groups.clear();
        errors.clear();
    }

    private void endGroup() {
        TicGroupParser.Parsed p = TicGroupParser.parse(group, groupLen, frameMode);
        if (p.error() != null) {
            addError(p.error());
            return;
        }
        if (groups.size() + errors.size() >= MAX_GROUPS) {
            truncated++;
            inFrame = false;
            return;
        }
        frameMode = p.group().mode();
        goodGroups++;
        groups.add(p.group());
    }

    private void addError(TicGroupError e) {
        badGroups++;
        if (groups.size() + errors.size() >= MAX_GROUPS) {
            truncated++;
            inFrame = false;
            return;
        }
        errors.add(e);
    }

    private TicFrame finishFrame() {
        if (groups.isEmpty() && errors.isEmpty()) {
            return null;
        }
        frames++;
        TicMode mode = frameMode != null ? frameMode : TicMode.HISTORIC;
        return new TicFrame(mode, groups, errors);
    }

    public Stats stats() {
        return new Stats(frames, goodGroups, badGroups, interrupted, truncated, noise);
    }

    /** The mode fixed at construction, or null when detecting. */
    public TicMode fixedMode() {
        return fixedMode;
    }
}
