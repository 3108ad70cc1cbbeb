package io.certigate.uplink;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The pump's marking task: writes delivery marks for acknowledged batches, one buffer transaction
 * per run (adjacent ranges merged), serialized on the scheduler beside the sending task. After a
 * mark, further acknowledgements are held for the mark interval, measured by a task on the same
 * scheduler (no clock is read for it), unless the pump is idle: then they are marked at once.
 */
final class DeliveryMarker {
    private static final System.Logger LOG = System.getLogger(ForwardingPump.class.getName());

    private final RecordBuffer buffer;
    private final DeliveryCursor cursor;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final long intervalNanos;
    private final BooleanSupplier idle;
    private final Runnable runLoop = this::markLoop;
    private final ConcurrentLinkedQueue<BatchAck> toMark = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    /** Set by a mark, cleared by the interval task of the latest mark. */
    private final AtomicBoolean holding = new AtomicBoolean();
    private final AtomicLong holds = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong recordsDelivered = new AtomicLong();
    private volatile LongConsumer deliveredListener = seq -> { };
    private volatile String markError;

    /**
     * @param idle whether the pump has everything sent and answered: acknowledgements are then
     *             marked at once, not held for the interval
     */
    DeliveryMarker(RecordBuffer buffer, DeliveryCursor cursor, Clock clock, ScheduledExecutorService scheduler,
            Duration interval, BooleanSupplier idle) {
        this.buffer = buffer;
        this.cursor = cursor;
        this.clock = clock;
        this.scheduler = scheduler;
        this.intervalNanos = interval.toNanos();
        this.idle = idle;
    }

    void onDelivered(LongConsumer listener) {
        deliveredListener = listener;
    }

    long transactions() {
        return transactions.get();
    }

    long recordsDelivered() {
        return recordsDelivered.get();
    }

    boolean hasPending() {
        return !toMark.isEmpty();
    }

    /**
     * A batch the peer has (from the transport's callback): marks at once when the pump is idle or
     * no mark was written within the interval; else the interval task of the last mark does it, so
     * that while a backlog or a steady stream flows the buffer sees a few mark transactions per
     * second (each a WAL write on the gateway's flash) rather than one per batch.
     */
    void acknowledged(BatchAck ack) {
        toMark.add(ack);
        if (!holding.get() || idle.getAsBoolean()) {
            wake();
        }
    }

    /** Schedules the marking task; it runs beside the sending one when the scheduler has two threads. */
    void wake() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        try {
            scheduler.execute(runLoop);
        } catch (RejectedExecutionException e) {
            wip.set(0);
            LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; marks skipped");
        }
    }

    private void markLoop() {
        int missed = 1;
        while (true) {
            List<BatchAck> batch = drainQueue();
            if (!batch.isEmpty()) {
                hold();
                try {
                    markDelivered(batch);
                    markError = null;
                    deliveredListener.accept(cursor.deliveredThrough());
                } catch (BufferException | RuntimeException e) {
                    String msg = "uplink of " + buffer.deviceId() + " cannot mark records delivered: " + e.getMessage();
                    if (!msg.equals(markError)) {
                        LOG.log(System.Logger.Level.ERROR, msg, e);
                        markError = msg;
                    }
                    try {
                        scheduler.schedule(this::wake, 1000, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException r) {
                        LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; marks dropped");
                    }
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** Holds the next acknowledgements for the interval from now; the task of an earlier mark no longer ends it. */
    private void hold() {
        if (intervalNanos == 0) {
            return;
        }
        long h = holds.incrementAndGet();
        holding.set(true);
        try {
            scheduler.schedule(() -> release(h), intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            holding.set(false);
        }
    }

    private void release(long hold) {
        if (holds.get() == hold) {
            holding.set(false);
            if (!toMark.isEmpty()) {
                wake();
            }
        }
    }

    private List<BatchAck> drainQueue() {
        List<BatchAck> batch = new ArrayList<>();
        BatchAck a;
        while ((a = toMark.poll()) != null) {
            batch.add(a);
        }
        return batch;
    }

    private void markDelivered(List<BatchAck> ok) throws BufferException {
        ok.sort((x, y) -> Long.compare(x.first(), y.first()));
        long now = clock.millis();
        long from = ok.get(0).first();
        long to = ok.get(0).last();
        int done = 0;
        try {
            for (int i = 1; i <= ok.size(); i++) {
                BatchAck next = i < ok.size() ? ok.get(i) : null;
                if (next != null && next.first() <= to + 1) {
                    to = Math.max(to, next.last());
                    continue;
                }
                int marked = cursor.markDelivered(from, to, now);
                transactions.incrementAndGet(); // before the records: who sees them sees the transaction
                recordsDelivered.addAndGet(marked);
                done = i;
                if (next != null) {
                    from = next.first();
                    to = next.last();
                }
            }
        } catch (BufferException e) {
            toMark.addAll(ok.subList(done, ok.size())); // retried by the next marking run
            throw e;
        }
    }

    /**
     * Marks, on the calling thread, what was acknowledged and not marked yet (a mark left to the
     * interval task would otherwise only be repeated, as a resend, after the next start).
     */
    void markRemaining() {
        List<BatchAck> left = drainQueue();
        if (!left.isEmpty()) {
            try {
                markDelivered(left);
            } catch (BufferException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "uplink of {0} closed without marking its last "
                        + "acknowledgements ({1}); those records are sent again after the next start",
                        buffer.deviceId(), e.getMessage());
            }
        }
    }
}
