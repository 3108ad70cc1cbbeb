package io.certigate.app.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a passport read from the fleet store rests on, in place of an export's own check: the
 * readings were verified by the fleet tier when they arrived (signature with a key chained to the
 * consortium CA the fleet trusts, chain link to the previous record, stored exactly once), and the
 * passport's reader takes them from the store as they are, without checking them again.
 *
 * @param store  the store read, in words (its JDBC URL, never a password)
 * @param readAt when the store was read
 * @param trust  the verification's trust settings in the fleet configuration, in words; empty when
 *               the configuration does not hold them (an instance that only stores)
 * @param devices the devices whose records of the subject the store holds, in the order first seen
 */
public record FleetBasis(String store, Instant readAt, List<String> trust, List<Device> devices) {

    /** Findings kept in words per device; the others are only counted. */
    public static final int FINDINGS_SHOWN = 10;

    /**
     * One device's part in the subject's history.
     *
     * @param id            the device id
     * @param firstSeq      lowest seq of its readings of the subject
     * @param lastSeq       highest seq
     * @param readings      its readings of the subject in the store
     * @param unlinked      of which, records past seq 1 accepted without their link being checked (after a gap)
     * @param unreadable    records whose payload did not decode (not shown)
     * @param stored        records of the device in the store, all subjects and erased ones included; -1 when unknown
     * @param erased        of which erased (an erasure proven by its hashes); -1 when unknown
     * @param findings      findings the fleet recorded about the device
     * @param firstFindings the first {@link #FINDINGS_SHOWN} of them in words
     */
    public record Device(String id, long firstSeq, long lastSeq, long readings, long unlinked, long unreadable, long stored,
            long erased, long findings, List<String> firstFindings) {
        public Device {
            Objects.requireNonNull(id, "id");
            firstFindings = List.copyOf(firstFindings);
        }
    }

    public FleetBasis {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(readAt, "readAt");
        trust = List.copyOf(trust);
        devices = List.copyOf(devices);
    }

    /** Findings about the devices, all together. */
    public long findings() {
        return devices.stream().mapToLong(Device::findings).sum();
    }

    /** Records accepted without their link checked, all devices together. */
    public long unlinked() {
        return devices.stream().mapToLong(Device::unlinked).sum();
    }
}
