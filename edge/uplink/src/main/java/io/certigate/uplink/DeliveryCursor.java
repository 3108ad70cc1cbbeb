package io.certigate.uplink;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;

/**
 * What one destination has acknowledged of a device's chain, kept in the device's buffer: the
 * main uplink's delivery watermark ({@link #of(RecordBuffer)}), or a forwarding route's own
 * cursor ({@link RouteCursor}). A {@link ForwardingPump} reads the records after it and moves it
 * when the destination acknowledges a batch.
 */
public interface DeliveryCursor {
    /** Hands up to {@code limit} records after {@code afterSeq} not yet acknowledged by this destination, in seq order. */
    int forEachUndelivered(long afterSeq, int limit, RecordBuffer.RowSink sink) throws BufferException;

    /** Marks [from, to] acknowledged; returns how many records changed state. */
    int markDelivered(long from, long to, long nowMs) throws BufferException;

    /** Every record up to this seq has been acknowledged by this destination. */
    long deliveredThrough();

    /** The main uplink's cursor: the buffer's delivery watermark. */
    static DeliveryCursor of(RecordBuffer buffer) {
        return new DeliveryCursor() {
            @Override
            public int forEachUndelivered(long afterSeq, int limit, RecordBuffer.RowSink sink) throws BufferException {
                return buffer.forEachUndelivered(afterSeq, limit, sink);
            }

            @Override
            public int markDelivered(long from, long to, long nowMs) throws BufferException {
                return buffer.markDelivered(from, to, nowMs);
            }

            @Override
            public long deliveredThrough() {
                return buffer.deliveredThrough();
            }
        };
    }
}
