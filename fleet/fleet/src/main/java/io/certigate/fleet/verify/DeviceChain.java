package io.certigate.fleet.verify;

import io.certigate.core.model.RecordHashes;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The chain logic of one device, over its {@link DeviceState} and the stores of recent records,
 * records waiting ahead of a gap and reported gaps: duplicates and forks, the link to the head,
 * the ahead buffer, gaps and resumption, late records filling a reported gap, erasures. Whether a
 * record's signature verifies with a trusted key (or the record is parked) is its {@link Sink}'s
 * business, asked only when the record is not a plain duplicate.
 */
final class DeviceChain {
    private static final int LINKED = 1;
    private static final int ERASED = 2;

    /** What the chain needs from the processor around it. */
    interface Sink {
        /** True when a trusted key verifies {@code s}; otherwise it was refused or parked. */
        boolean trusted(DeviceState st, Item.Signed s, boolean publishParked);

        void verified(DeviceState st, VerifiedRecord v);

        void finding(DeviceState st, long seq, long lastSeq, FindingType type, String detail);

        /** The finding of an item not passed on. */
        void refuse(DeviceState st, long seq, FindingType type, String detail);

        /** Epoch ms on the processor's wall clock. */
        long now();
    }

    private final FleetVerifySettings settings;
    private final FleetVerifyMetrics metrics;
    private final KeyValueStore<Bytes, byte[]> recent;
    private final KeyValueStore<Bytes, byte[]> ahead;
    private final KeyValueStore<Bytes, byte[]> gaps;
    private final KeyValueStore<Bytes, byte[]> openGaps;
    private final Sink sink;

    DeviceChain(FleetVerifySettings settings, FleetVerifyMetrics metrics, KeyValueStore<Bytes, byte[]> recent,
            KeyValueStore<Bytes, byte[]> ahead, KeyValueStore<Bytes, byte[]> gaps, KeyValueStore<Bytes, byte[]> openGaps,
            Sink sink) {
        this.settings = settings;
        this.metrics = metrics;
        this.recent = recent;
        this.ahead = ahead;
        this.gaps = gaps;
        this.openGaps = openGaps;
        this.sink = sink;
    }

    /** A signed record of the device (read, not yet verified). */
    void signed(DeviceState st, Item.Signed s, boolean publishParked) {
        long seq = s.seq();
        if (seq <= st.headSeq) {
            byte[] slot = recent.get(slotKey(st, seq));
            if (slot != null && slotSeq(slot) == seq) {
                if (Arrays.equals(slot, 8, 40, s.chainHash(), 0, 32)) {
                    metrics.onDuplicate();
                } else if (sink.trusted(st, s, publishParked)) {
                    refuse(st, seq, FindingType.FORK, "another record than the one accepted for this seq");
                }
                return;
            }
            Gap gap = gapAround(st, seq);
            if (gap == null) {
                // older than the duplicate window and not in a reported gap: accepted before, not compared again
                metrics.onDuplicate();
                return;
            }
            if (sink.trusted(st, s, publishParked)) {
                fillGap(st, s, gap);
            }
            return;
        }
        Bytes aheadKey = VerifyStores.seq(st.id, seq);
        byte[] waiting = st.ahead > 0 ? ahead.get(aheadKey) : null;
        if (waiting != null) {
            if (Arrays.equals(waiting, s.cose())) {
                metrics.onDuplicate();
            } else if (sink.trusted(st, s, publishParked)) {
                refuse(st, seq, FindingType.FORK, "another record than the one waiting for this seq");
            }
            return;
        }
        if (!sink.trusted(st, s, publishParked)) {
            return;
        }
        if (seq == st.headSeq + 1) {
            if (!Arrays.equals(s.prev(), st.headHash)) {
                refuse(st, seq, FindingType.BROKEN_LINK, "prev is not the chain hash of seq " + st.headSeq);
                return;
            }
            advance(st, s, true);
            drain(st);
            return;
        }
        ahead.put(aheadKey, s.cose());
        metrics.onBuffered();
        st.ahead++;
        if (st.gapSince < 0) {
            st.gapSince = sink.now();
            openGaps.put(VerifyStores.device(st.id), ByteBuffer.allocate(8).putLong(st.gapSince).array());
        }
        if (st.ahead >= settings.aheadBuffer()) {
            resume(st, st.ahead + " records of the device wait after it, the most held");
        }
    }

    /** Accepts {@code s} as the new head. */
    private void advance(DeviceState st, Item.Signed s, boolean linked) {
        emit(st, s, linked);
        st.headSeq = s.seq();
        st.headHash = s.chainHash();
    }

    private void emit(DeviceState st, Item.Signed s, boolean linked) {
        byte[] leaf = RecordHashes.leafHash(s.cose());
        var r = s.reading().reading();
        VerifiedRecord v = new VerifiedRecord(st.device, s.seq(), r.observedAtMillis(), r.kind(), r.subject(), leaf,
                s.chainHash(), s.cose(), linked, sink.now());
        sink.verified(st, v);
        remember(st, s.seq(), s.chainHash(), leaf, linked ? LINKED : 0);
        metrics.onVerified(false);
    }

    /** Writes the record's ring slot unless the slot holds a later seq. */
    private void remember(DeviceState st, long seq, byte[] chain, byte[] leaf, int flags) {
        Bytes k = slotKey(st, seq);
        if (seq <= st.headSeq) {
            byte[] slot = recent.get(k);
            if (slot != null && slotSeq(slot) > seq) {
                return;
            }
        }
        recent.put(k, ByteBuffer.allocate(8 + 32 + 32 + 1).putLong(seq).put(chain).put(leaf).put((byte) flags).array());
    }

    private Bytes slotKey(DeviceState st, long seq) {
        return VerifyStores.seq(st.id, seq % settings.duplicateWindow());
    }

    private static long slotSeq(byte[] slot) {
        return ByteBuffer.wrap(slot).getLong();
    }

    /** Accepts the records waiting right after the head, in order. */
    private void drain(DeviceState st) {
        boolean progressed = false;
        while (st.ahead > 0) {
            Bytes k = VerifyStores.seq(st.id, st.headSeq + 1);
            byte[] cose = ahead.get(k);
            if (cose == null) {
                break;
            }
            ahead.delete(k);
            st.ahead--;
            Item.Signed s;
            try {
                s = Item.signed(st.device, cose);
            } catch (Refusal r) {
                refuse(st, st.headSeq + 1, r.type(), r.getMessage()); // not expected: it was read before
                break;
            }
            if (!Arrays.equals(s.prev(), st.headHash)) {
                refuse(st, s.seq(), FindingType.BROKEN_LINK, "prev is not the chain hash of seq " + st.headSeq);
                break;
            }
            advance(st, s, true);
            progressed = true;
        }
        if (st.ahead <= 0) {
            st.ahead = 0;
            closeGapTimer(st);
        } else if (progressed) {
            st.gapSince = sink.now(); // what waits now waits after another gap
            openGaps.put(VerifyStores.device(st.id), ByteBuffer.allocate(8).putLong(st.gapSince).array());
        }
    }

    private void closeGapTimer(DeviceState st) {
        if (st.gapSince >= 0) {
            st.gapSince = -1;
            openGaps.delete(VerifyStores.device(st.id));
        }
    }

    /**
     * Reports the seqs missing between the head and the lowest record waiting ahead, and resumes the
     * chain from that record (accepted unlinked).
     */
    void resume(DeviceState st, String why) {
        KeyValue<Bytes, byte[]> lowest = null;
        try (KeyValueIterator<Bytes, byte[]> it = ahead.range(VerifyStores.seq(st.id, st.headSeq + 1),
                VerifyStores.last(st.id))) {
            if (it.hasNext()) {
                lowest = it.next();
            }
        }
        if (lowest == null) {
            st.ahead = 0;
            closeGapTimer(st);
            return;
        }
        ahead.delete(lowest.key);
        st.ahead--;
        Item.Signed s;
        try {
            s = Item.signed(st.device, lowest.value);
        } catch (Refusal r) {
            refuse(st, VerifyStores.seqOf(lowest.key), r.type(), r.getMessage());
            return;
        }
        long first = st.headSeq + 1;
        long last = s.seq() - 1;
        sink.finding(st, first, last, FindingType.GAP, (last - first + 1) + " record(s) missing: seq " + first
                + ".." + last + "; " + why + "; the chain resumes at seq " + s.seq());
        gaps.put(VerifyStores.seq(st.id, first), gapValue(last, st.headHash, s.prev()));
        advance(st, s, false);
        drain(st);
        if (st.ahead > 0) {
            st.gapSince = sink.now(); // the next gap's time starts now
            openGaps.put(VerifyStores.device(st.id), ByteBuffer.allocate(8).putLong(st.gapSince).array());
        }
    }

    /** A reported gap: seqs {@code first..last}, the chain hash of first - 1 and the prev of last + 1. */
    private record Gap(long first, long last, byte[] hashBefore, byte[] prevAfter) {
    }

    private static byte[] gapValue(long last, byte[] hashBefore, byte[] prevAfter) {
        return ByteBuffer.allocate(8 + 64).putLong(last).put(hashBefore).put(prevAfter).array();
    }

    private Gap gapAround(DeviceState st, long seq) {
        try (KeyValueIterator<Bytes, byte[]> it = gaps.reverseRange(VerifyStores.first(st.id), VerifyStores.seq(st.id, seq))) {
            if (!it.hasNext()) {
                return null;
            }
            KeyValue<Bytes, byte[]> e = it.next();
            ByteBuffer b = ByteBuffer.wrap(e.value);
            long last = b.getLong();
            if (last < seq) {
                return null;
            }
            byte[] before = new byte[32];
            byte[] after = new byte[32];
            b.get(before).get(after);
            return new Gap(VerifyStores.seqOf(e.key), last, before, after);
        }
    }

    /** A late record inside a reported gap: accepted when it links to its known neighbours. */
    private void fillGap(DeviceState st, Item.Signed s, Gap gap) {
        long seq = s.seq();
        if (seq == gap.first() && !Arrays.equals(s.prev(), gap.hashBefore())) {
            refuse(st, seq, FindingType.BROKEN_LINK, "late record: prev is not the chain hash of seq " + (seq - 1));
            return;
        }
        if (seq == gap.last() && !Arrays.equals(s.chainHash(), gap.prevAfter())) {
            refuse(st, seq, FindingType.BROKEN_LINK, "late record: seq " + (seq + 1) + " names another prev");
            return;
        }
        emit(st, s, seq == gap.first());
        gaps.delete(VerifyStores.seq(st.id, gap.first()));
        if (seq > gap.first()) {
            gaps.put(VerifyStores.seq(st.id, gap.first()), gapValue(seq - 1, gap.hashBefore(), s.prev()));
        }
        if (seq < gap.last()) {
            gaps.put(VerifyStores.seq(st.id, seq + 1), gapValue(gap.last(), s.chainHash(), gap.prevAfter()));
        }
    }

    
    void tombstone(DeviceState st, Item.Tombstone t) {
        byte[] slot = t.seq() <= st.headSeq ? recent.get(slotKey(st, t.seq())) : null;
        if (slot == null || slotSeq(slot) != t.seq() || !Arrays.equals(slot, 8, 40, t.chain(), 0, 32)
                || !Arrays.equals(slot, 40, 72, t.leaf(), 0, 32)) {
            refuse(st, t.seq(), FindingType.UNPROVABLE_TOMBSTONE, "no verified record with these hashes is held for"
                    + " this seq (within the last " + settings.duplicateWindow() + "), so the erasure is not provable");
            return;
        }
        int flags = slot[72];
        if ((flags & ERASED) != 0) {
            metrics.onDuplicate();
            return;
        }
        boolean linked = (flags & LINKED) != 0;
        VerifiedRecord v = new VerifiedRecord(st.device, t.seq(), -1, null, null, t.leaf(), t.chain(), null, linked, sink.now());
        sink.verified(st, v);
        slot[72] = (byte) (flags | ERASED);
        recent.put(slotKey(st, t.seq()), slot);
        metrics.onVerified(true);
    }

    private void refuse(DeviceState st, long seq, FindingType type, String detail) {
        sink.refuse(st, seq, type, detail);
    }
}
