package io.certigate.uplink;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;

/**
 * Moves a device's undelivered records from the {@link RecordBuffer} to a {@link BatchTransport}
 * and marks them delivered once the peer acknowledged them. The buffer stays the source of truth:
 * nothing is kept here that a restart would need.
 *
 * <ul>
 * <li>Records leave in seq order, cut into batches by {@link BatchCodec}; at most
 * {@code window} batches are unacknowledged at once.</li>
 * <li>An acknowledgement marks exactly its batch's range delivered. While the pump is busy,
 * acknowledgements are gathered for up to {@link Options#markInterval()} and merged into one buffer
 * transaction; when it is idle (everything sent and answered) they are marked at once.</li>
 * <li>When the link comes (back) up, or a send fails, the pump rewinds to the oldest undelivered
 * record and sends everything unacknowledged again: delivery is at least once, and the collector
 * deduplicates by (device, seq). After a failed send it waits a jittered exponential backoff.</li>
 * <li>Records committed while the pump runs come from the buffer's append hand-off when they
 * continue the cursor exactly; everything else (a backlog, a rewind, a restart, an erasure) is read
 * from the buffer.</li>
 * </ul>
 *
 * Two serialized tasks run on the given scheduler: the sending one (this class: window,
 * generations, rewinds, backoff; it reads through {@link ReadAhead}, which owns the cursor, the
 * batches read ahead and the append hand-off) and the marking one ({@link DeliveryMarker}: delivery
 * marks, a buffer transaction each, not fsync'd), so that with two scheduler threads the window is
 * refilled while marks are written. Transports call back from their own threads through queues.
 * Every delay (backoff, mark interval, retry after a buffer error) is a task on the scheduler:
 * the pump reads no clock to time them, so a manual scheduler drives it entirely.
 */
public final class ForwardingPump implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ForwardingPump.class.getName());

    /** Default of {@link Options#markInterval()}. */
    public static final Duration DEFAULT_MARK_INTERVAL = Duration.ofMillis(50);

    /**
     * @param recordsPerBatch records per message at most
     * @param window          unacknowledged batches at most
     * @param retry           delay after a failed send, growing with consecutive failures
     * @param markInterval    while batches are still unanswered or records wait to be sent,
     *                        acknowledgements are gathered and marked delivered in one
     *                        transaction at most this often; once the pump is idle (everything
     *                        sent and answered) they are marked at once. Zero marks each
     *                        acknowledgement as soon as the previous mark is through.
     */
    public record Options(int recordsPerBatch, int window, Backoff retry, Duration markInterval) {
        public Options {
            if (recordsPerBatch < 1 || window < 1) {
                throw new IllegalArgumentException("records per batch and window must be >= 1");
            }
            if (markInterval == null || markInterval.isNegative()) {
                throw new IllegalArgumentException("mark interval must be >= 0");
            }
        }

        /** With the {@link #DEFAULT_MARK_INTERVAL}. */
        public Options(int recordsPerBatch, int window, Backoff retry) {
            this(recordsPerBatch, window, retry, DEFAULT_MARK_INTERVAL);
        }
    }

    /** Counters for operators and tests; {@code recordsHandedOff}: sent from the append hand-off, not read back. */
    public record Stats(long batchesSent, long recordsSent, long batchesAcked, long recordsDelivered,
            long sendFailures, long oversized, int inFlight, boolean linkUp, long recordsHandedOff,
            long markTransactions) {}

    private final RecordBuffer buffer;
    private final BatchTransport transport;
    private final Options options;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final ReadAhead readAhead;
    private final DeliveryMarker marker;
    private final Runnable drainTask = this::drainLoop;
    private final Runnable scheduleTask = this::schedule;
    private final ConcurrentLinkedQueue<BatchAck> acks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    /** Batches handed to the transport and not answered yet (any generation). */
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicLong linkEpoch = new AtomicLong();
    private volatile boolean linkUp;
    private volatile boolean closed;

    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong recordsSent = new AtomicLong();
    private final AtomicLong batchesAcked = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();

    /** Counts commits and external wakes: a read that found the backlog exhausted is retried once this moves. */
    private final AtomicLong signals = new AtomicLong();

    // sending-task state
    private volatile long generation;
    private volatile int inFlight;
    /** Set by the sending task when it stops with nothing read ahead and nothing left to read. */
    private volatile boolean sentEverything;
    private long seenEpoch;
    /** Pauses after a failure started by the sending task, and the highest one whose backoff ended. */
    private long pauses;
    private final AtomicLong pausesOver = new AtomicLong();
    private int failuresInRow;
    private String lastError;

    /**
     * @param clock     the delivery time written with each mark
     * @param scheduler runs the sending and the marking task and times the backoff and the mark
     *                  interval (give it two threads so that marks and sends overlap)
     */
    public ForwardingPump(RecordBuffer buffer, BatchTransport transport, Options options, Clock clock,
            ScheduledExecutorService scheduler, RandomGenerator random) {
        this(buffer, DeliveryCursor.of(buffer), null, transport, options, clock, scheduler, random);
    }

    /**
     * A pump for one forwarding route: records after {@code cursor} (the route's own), those that
     * {@code filter} covers as their signed bytes, the others as hash-only items
     * ({@link BatchCodec}: {@code "omitted": true}), so that the destination can check the chain
     * without seeing what the route does not cover.
     *
     * @param filter null for every record whole (the main uplink)
     */
    public ForwardingPump(RecordBuffer buffer, DeliveryCursor cursor, RecordFilter filter, BatchTransport transport,
            Options options, Clock clock, ScheduledExecutorService scheduler, RandomGenerator random) {
        this.buffer = buffer;
        this.transport = transport;
        this.options = options;
        this.scheduler = scheduler;
        this.random = random;
        this.readAhead = new ReadAhead(buffer, cursor, filter, options.recordsPerBatch(), options.window(),
                transport.maxPayloadBytes());
        this.marker = new DeliveryMarker(buffer, cursor, clock, scheduler, options.markInterval(),
                () -> unanswered.get() == 0 && sentEverything);
    }

    /** For {@code Sequencer.addCommitListener}: new records to forward. */
    public void onCommit(long lastSeq) {
        wake();
    }

    /**
     * Called from the marking task with the buffer's delivery watermark after each transaction
     * that marked records delivered (for operators, and for the bench's timing). Must not block.
     */
    public void onDelivered(LongConsumer listener) {
        marker.onDelivered(listener);
    }

    /** The transport is (again) able to send: rewind to the oldest undelivered record and send. */
    public void linkUp() {
        linkEpoch.incrementAndGet();
        linkUp = true;
        wake();
    }

    /** The transport lost its link; nothing is sent until {@link #linkUp()}. */
    public void linkDown() {
        linkUp = false;
        wake();
    }

    public Stats stats() {
        return new Stats(batchesSent.get(), recordsSent.get(), batchesAcked.get(), marker.recordsDelivered(),
                sendFailures.get(), readAhead.oversized(), inFlight, linkUp, readAhead.handedOff(),
                marker.transactions());
    }

    /**
     * Schedules a drain that also looks for records committed since the last read; safe from any
     * thread, coalesces concurrent requests.
     */
    public void wake() {
        signals.incrementAndGet();
        schedule();
    }

    private void schedule() {
        if (closed || wip.getAndIncrement() != 0) {
            return;
        }
        try {
            scheduler.execute(drainTask);
        } catch (RejectedExecutionException e) {
            wip.set(0);
            LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; drain skipped");
        }
    }

    private void drainLoop() {
        int missed = 1;
        while (true) {
            drain();
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void drain() {
        try {
            long epoch = linkEpoch.get();
            if (epoch != seenEpoch) {
                seenEpoch = epoch;
                rewind();
                pausesOver.accumulateAndGet(pauses, Math::max); // a new link ends the backoff
                failuresInRow = 0;
            }
            sentEverything = false;
            while (true) {
                collectAcknowledgements();
                if (closed || !linkUp || pausesOver.get() != pauses || !step()) {
                    break;
                }
            }
            sentEverything = readAhead.exhausted();
            if (sentEverything && unanswered.get() == 0 && marker.hasPending()) {
                marker.wake(); // the last answer came before this task stopped: do not leave it to the timer
            }
            lastError = null;
        } catch (BufferException | RuntimeException e) {
            String msg = "uplink of " + buffer.deviceId() + " cannot read the buffer: " + e.getMessage();
            if (!msg.equals(lastError)) {
                LOG.log(System.Logger.Level.ERROR, msg, e);
                lastError = msg;
            }
            later(1000);
        }
    }

    private void rewind() {
        generation++;
        inFlight = 0;
        readAhead.rewind();
    }

    /**
     * Frees the window slots of answered batches (the successes were queued for marking by the
     * transport's callback already) and pauses after a failure of the current generation.
     */
    private void collectAcknowledgements() {
        BatchAck a;
        boolean ok = false;
        boolean failed = false;
        while ((a = acks.poll()) != null) {
            boolean current = a.generation() == generation;
            if (a.failure() == null) {
                ok = true;
                batchesAcked.incrementAndGet();
                if (current) {
                    inFlight--;
                }
            } else if (current) {
                failed = true;
                sendFailures.incrementAndGet();
                LOG.log(System.Logger.Level.DEBUG, "batch {0}..{1} of {2} failed: {3}", a.first(), a.last(),
                        buffer.deviceId(), a.failure().toString());
            }
        }
        if (ok) {
            failuresInRow = 0;
        }
        if (failed) {
            pauseAfterFailure();
        }
    }

    /** Rewinds and stops sending for a jittered backoff, timed by a task on the scheduler. */
    private void pauseAfterFailure() {
        rewind();
        failuresInRow++;
        long delay = options.retry().delayMillis(failuresInRow, random);
        long pause = ++pauses;
        try {
            scheduler.schedule(() -> {
                pausesOver.accumulateAndGet(pause, Math::max);
                schedule();
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; retry skipped");
        }
    }

    private void later(long delayMs) {
        try {
            scheduler.schedule(scheduleTask, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; retry skipped");
        }
    }

    /**
     * One unit of the sending task: sends the next ready batch if the window has room, else reads
     * ahead one batch's worth of records (up to one window of batches waits ready, so that the
     * next acknowledgements find them encoded). Reading a batch at a time lets the first batch
     * leave at once and lets acknowledgements free window slots between reads. Returns false when
     * there is nothing to do until an acknowledgement, a commit or a wake.
     */
    private boolean step() throws BufferException {
        RecordBatch next = readAhead.peek();
        if (inFlight < options.window() && next != null) {
            if (send(next)) {
                readAhead.sent();
            }
            return true; // a failure rewound and paused the pump: the loop stops on the pause
        }
        if (readAhead.readyCount() >= options.window()) {
            return false;
        }
        return readAhead.readOne(signals.get()); // the signal count before the read: a commit after it shows
    }

    private boolean send(RecordBatch batch) {
        long gen = generation;
        unanswered.incrementAndGet();
        try {
            transport.send(batch, failure -> {
                BatchAck ack = new BatchAck(gen, batch.firstSeq(), batch.lastSeq(), failure);
                unanswered.decrementAndGet();
                if (failure == null) {
                    marker.acknowledged(ack); // marked whatever the generation: the peer has these records
                } else if (marker.hasPending()) {
                    marker.wake(); // the link is in trouble: keep what was acknowledged
                }
                acks.add(ack);
                schedule();
            });
        } catch (UplinkException | RuntimeException e) {
            unanswered.decrementAndGet();
            sendFailures.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "cannot hand over {0}: {1}", batch, e.toString());
            pauseAfterFailure();
            return false;
        }
        inFlight++;
        batchesSent.incrementAndGet();
        recordsSent.addAndGet(batch.records());
        return true;
    }

    /**
     * Stops sending and marks what was acknowledged and not marked yet (a mark left to the
     * interval timer would otherwise only be repeated, as a resend, after the next start).
     */
    @Override
    public void close() {
        closed = true;
        linkUp = false;
        readAhead.close();
        marker.markRemaining();
    }
}
