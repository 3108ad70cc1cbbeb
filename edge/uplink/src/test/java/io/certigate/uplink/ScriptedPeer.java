package io.certigate.uplink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The other side of a {@link ForwardingPump} in the manner of Californium's lockstep endpoints:
 * holds every batch until the test answers it.
 */
final class ScriptedPeer implements BatchTransport {
    private record Pending(RecordBatch batch, Consumer<Throwable> done) {}

    final List<RecordBatch> sent = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    volatile int maxPending;

    @Override
    public int maxPayloadBytes() {
        return 1 << 20;
    }

    @Override
    public void send(RecordBatch batch, Consumer<Throwable> done) {
        sent.add(batch);
        pending.add(new Pending(batch, done));
        maxPending = Math.max(maxPending, pending.size());
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    int pendingCount() {
        return pending.size();
    }

    /** The connection took what was sent, unanswered. */
    void dropPending() {
        pending.clear();
    }

    /** Answers the oldest unanswered batch: null for an acknowledgement, else its failure. */
    RecordBatch answer(Throwable failure) {
        Pending p = pending.poll();
        p.done().accept(failure);
        return p.batch();
    }
}
