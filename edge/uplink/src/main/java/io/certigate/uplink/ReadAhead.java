package io.certigate.uplink;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.StoredRecord;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The pump's read side: the cursor (the highest seq read) and up to a window of batches read
 * ahead and encoded, waiting to be sent. Records come from the buffer's append hand-off when they
 * continue the cursor exactly, else from the buffer ({@code forEachUndelivered}). Used by the
 * pump's sending task only, except {@link #onAppended}, which the appending thread calls.
 */
final class ReadAhead {
    private static final System.Logger LOG = System.getLogger(ForwardingPump.class.getName());

    private final RecordBuffer buffer;
    private final DeliveryCursor delivery;
    private final int recordsPerBatch;
    private final int maxPayloadBytes;
    private final ArrayDeque<RecordBatch> ready = new ArrayDeque<>(); // read, not yet sent
    private final BatchCodec.Cutter cutter;
    private final RecordBuffer.RowSink reader;
    private long cursor; // highest seq read into ready (or sent)
    private boolean caughtUp; // the last read found no more undelivered records ...
    private long caughtUpAt;  // ... at this value of the pump's signals

    /** Records the buffer appended, handed over by its append listener (added by the appending thread only). */
    private final ConcurrentLinkedQueue<StoredRecord.Signed> fresh = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freshCount = new AtomicInteger();
    private final int freshLimit;
    private final Consumer<List<StoredRecord.Signed>> appendListener = this::onAppended;
    private volatile boolean closed;
    private long seenErasures;

    private final AtomicLong handedOff = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private long highestOversized;

    /**
     * @param delivery what the destination acknowledged: records are read after it
     * @param filter   which signed records the destination may see whole; the others leave as
     *                 hash-only items (null: every record whole, as the main uplink sends them)
     */
    ReadAhead(RecordBuffer buffer, DeliveryCursor delivery, RecordFilter filter, int recordsPerBatch, int window,
            int maxPayloadBytes) {
        this.buffer = buffer;
        this.delivery = delivery;
        this.recordsPerBatch = recordsPerBatch;
        this.maxPayloadBytes = maxPayloadBytes;
        this.cutter = new BatchCodec(buffer.deviceId(), recordsPerBatch, maxPayloadBytes)
                .cutter(ready::addLast, this::oversized);
        this.reader = filter == null ? (seq, cose, tomb) -> {
            cursor = seq;
            cutter.add(seq, cose, tomb);
        } : (seq, cose, tomb) -> {
            cursor = seq;
            if (cose == null || filter.covers(cose)) {
                cutter.add(seq, cose, tomb);
            } else {
                cutter.addOmitted(seq, cose); // the payload stays here: its hashes only
            }
        };
        this.freshLimit = window * recordsPerBatch;
        this.seenErasures = buffer.erasures();
        buffer.addAppendListener(appendListener);
    }

    /**
     * The buffer's append listener: keeps up to a window of records freshly committed, so that in
     * steady state the pump sends them without reading them back. Past that (link down, a backlog)
     * new records are not kept; they are read from the buffer when their turn comes.
     */
    private void onAppended(List<StoredRecord.Signed> records) {
        if (closed || freshCount.get() + records.size() > freshLimit) {
            return;
        }
        fresh.addAll(records);
        freshCount.addAndGet(records.size());
    }

    /** Forgets what was read: the next read starts again at the oldest undelivered record. */
    void rewind() {
        cursor = 0;
        caughtUp = false;
        ready.clear();
    }

    /** The oldest batch read and not sent, or null. */
    RecordBatch peek() {
        return ready.peekFirst();
    }

    void sent() {
        ready.pollFirst();
    }

    int readyCount() {
        return ready.size();
    }

    /** Nothing waits to be sent and the last read found nothing more. */
    boolean exhausted() {
        return caughtUp && ready.isEmpty();
    }

    /**
     * Reads one batch's worth of records into the ready queue: from the append hand-off when it
     * continues the cursor, else from the buffer. Returns false when there was nothing to read: the
     * last read found the backlog exhausted and no commit or wake came since ({@code signalled}
     * is the pump's signal count, taken before this read so that a commit after it shows).
     */
    boolean readOne(long signalled) throws BufferException {
        int taken = takeFresh();
        if (taken > 0) {
            long head = buffer.head().seq();
            if (taken < recordsPerBatch && cursor < head) {
                // the hand-off kept fewer than a batch and the buffer holds more: complete the batch
                delivery.forEachUndelivered(cursor, recordsPerBatch - taken, reader);
            }
            cutter.flush();
            if (cursor >= head) { // every record committed so far is read
                caughtUp = true;
                caughtUpAt = signalled;
            }
            return true;
        }
        if (caughtUp && signalled == caughtUpAt) {
            return false;
        }
        int n = delivery.forEachUndelivered(cursor, recordsPerBatch, reader);
        cutter.flush();
        if (n < recordsPerBatch) {
            caughtUp = true;
            caughtUpAt = signalled;
        }
        return n > 0;
    }

    /**
     * Moves handed-over records that continue the cursor exactly (seq = cursor + 1) into the cutter,
     * up to a batch; drops those at or below the cursor (read from the buffer already, or before a
     * rewind). A gap (records the hand-off did not keep) is left to the buffer read, which passes
     * the kept ones by, so that nothing is skipped and the order holds. After an erasure every kept
     * copy is dropped: an erased record must leave as its tombstone, read from the buffer.
     */
    private int takeFresh() {
        long e = buffer.erasures();
        if (e != seenErasures) {
            seenErasures = e;
            dropFresh();
        }
        int n = 0;
        StoredRecord.Signed r;
        while (n < recordsPerBatch && (r = fresh.peek()) != null && r.seq() <= cursor + 1) {
            fresh.poll();
            freshCount.decrementAndGet();
            if (r.seq() == cursor + 1) {
                reader.accept(r.seq(), r.coseUnsafe(), null);
                n++;
            }
        }
        handedOff.addAndGet(n);
        return n;
    }

    private void dropFresh() {
        while (fresh.poll() != null) {
            freshCount.decrementAndGet();
        }
    }

    private void oversized(long seq) {
        oversized.incrementAndGet();
        if (seq > highestOversized) {
            highestOversized = seq;
            LOG.log(System.Logger.Level.ERROR, "record {0} of {1} is larger than the {2}-byte payload limit of "
                    + "the uplink: it stays undelivered in the buffer", seq, buffer.deviceId(), maxPayloadBytes);
        }
    }

    long handedOff() {
        return handedOff.get();
    }

    long oversized() {
        return oversized.get();
    }

    /** Stops taking records from the hand-off. */
    void close() {
        closed = true;
        buffer.removeAppendListener(appendListener);
    }
}
