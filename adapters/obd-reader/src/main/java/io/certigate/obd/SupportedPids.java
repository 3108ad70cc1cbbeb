package io.certigate.obd;

import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which service 01 PIDs a vehicle supports, from the bitmaps of PIDs 00, 20, 40, ... A0, C0
 * (SAE J1979: bit 7 of A in the reply to PID n is PID n+1; the last bit says whether PID n+0x20
 * is supported, so discovery continues while it is set). Immutable.
 */
public final class SupportedPids {
    /** The bitmap PIDs, in discovery order. */
    public static final List<Integer> RANGES = List.of(0x00, 0x20, 0x40, 0x60, 0x80, 0xA0, 0xC0);

    private final BitSet bits;

    private SupportedPids(BitSet bits) {
        this.bits = bits;
    }

    public static SupportedPids none() {
        return new SupportedPids(new BitSet(256));
    }

    /** Adds one bitmap reply (the union over all ECUs that answered). */
    public SupportedPids with(ObdReply.Data reply) throws ObdReplyException {
        int base = reply.request().pid();
        if (reply.request().mode() != 0x01 || base % 0x20 != 0) {
            throw new IllegalArgumentException("not a supported-PIDs request: " + reply.request());
        }
        BitSet b = (BitSet) bits.clone();
        for (ObdReply.EcuResponse r : reply.responses()) {
            if (r.length() < 4) {
                throw new ObdReplyException("supported-PIDs bitmap of " + r.length() + " bytes", r.toString());
            }
            for (int i = 0; i < 32; i++) {
                if ((r.at(i / 8) & (0x80 >> (i % 8))) != 0) {
                    b.set(base + i + 1);
                }
            }
        }
        return new SupportedPids(b);
    }

    public boolean supports(int pid) {
        return pid > 0 && pid < 256 && bits.get(pid);
    }

    public boolean supports(ObdPid pid) {
        return supports(pid.pid());
    }

    /** Whether the bitmap PID {@code base} + 0x20 should be asked next. */
    public boolean continuesAfter(int base) {
        return supports(base + 0x20);
    }

    public boolean isEmpty() {
        return bits.isEmpty();
    }

    /** Supported PIDs as hex, excluding the bitmap PIDs themselves. */
    public List<String> list() {
        return bits.stream().filter(p -> p % 0x20 != 0).mapToObj(Elm327Replies::hex).collect(Collectors.toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SupportedPids s && s.bits.equals(bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }

    @Override
    public String toString() {
        return String.join(" ", list());
    }
}
