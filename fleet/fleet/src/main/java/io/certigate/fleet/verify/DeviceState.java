package io.certigate.fleet.verify;

import java.nio.ByteBuffer;

/**
 * What the verification keeps per device in one small value (54 bytes): the head (the highest seq
 * accepted in chain order and its chain hash; seq 0 and 32 zero bytes before the first record,
 * which is exactly what seq 1's {@code prev} must name), how many records wait ahead of a gap and
 * since when, and whether the device's parked records were reported. Mutable: loaded once per Kafka
 * record, changed item by item, written back once.
 */
final class DeviceState {
    private static final byte VERSION = 2;
    private static final int SIZE = 1 + 8 + 32 + 4 + 8 + 8 + 1;
    private static final int PARK_REPORTED = 1;

    final String device;
    final byte[] id;
    long headSeq;
    byte[] headHash = new byte[32];
    int ahead;
    /** Epoch ms since which records wait ahead of a gap; -1 when none wait. */
    long gapSince = -1;
    /** Epoch ms since which records of the device are parked; -1 when none are. */
    long parkedSince = -1;
    boolean parkReported;

    DeviceState(String device, byte[] id) {
        this.device = device;
        this.id = id;
    }

    static DeviceState decode(String device, byte[] id, byte[] v) {
        DeviceState s = new DeviceState(device, id);
        if (v == null) {
            return s;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        if (v.length != SIZE || b.get() != VERSION) {
            throw new IllegalStateException("device state of " + device + " has an unknown layout");
        }
        s.headSeq = b.getLong();
        b.get(s.headHash);
        s.ahead = b.getInt();
        s.gapSince = b.getLong();
        s.parkedSince = b.getLong();
        s.parkReported = (b.get() & PARK_REPORTED) != 0;
        return s;
    }

    byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(VERSION).putLong(headSeq).put(headHash).putInt(ahead).putLong(gapSince).putLong(parkedSince)
                .put((byte) (parkReported ? PARK_REPORTED : 0)).array();
    }
}
