package io.certigate.uplink;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * Two serialized tasks run on the given scheduler: the sending one (window, cursor, rewinds) and
 * the marking one (delivery marks, a buffer transaction each, not fsync'd), so that with two scheduler
 * threads the window is refilled while marks are written. Transports call back from their own
 * threads through a queue.
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

    private record Ack(long generation, long first, long last, Throwable failure) {}

    private final RecordBuffer buffer;
    private final BatchTransport transport;
    private final Options options;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final BatchCodec codec;
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Ack> toMark = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicInteger markWip = new AtomicInteger();
    /** Batches handed to the transport and not answered yet (any generation). */
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicBoolean markTimerSet = new AtomicBoolean();
    private final AtomicLong markTransactions = new AtomicLong();
    private final long markIntervalNanos;
    private volatile long lastMarkNanos;
    private final AtomicLong linkEpoch = new AtomicLong();
    private volatile boolean linkUp;
    private volatile boolean closed;

    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong recordsSent = new AtomicLong();
    private final AtomicLong batchesAcked = new AtomicLong();
    private final AtomicLong recordsDelivered = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private final AtomicLong handedOff = new AtomicLong();

    /** Records the buffer appended, handed over by its append listener (added by the appending thread only). */
    private final ConcurrentLinkedQueue<StoredRecord.Signed> fresh = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freshCount = new AtomicInteger();
    private final int freshLimit;
    private final Consumer<List<StoredRecord.Signed>> appendListener = this::onAppended;
    private long seenErasures;

    /** Counts commits and external wakes: a read that found the backlog exhausted is retried once this moves. */
    private final AtomicLong signals = new AtomicLong();
    private volatile LongConsumer deliveredListener = seq -> { };

    // drain-task state
    private volatile long generation;
    private volatile int inFlight;
    private long cursor; // highest seq read into ready (or sent)
    private final ArrayDeque<RecordBatch> ready = new ArrayDeque<>(); // read, not yet sent
    private final BatchCodec.Cutter cutter;
    private final RecordBuffer.RowSink reader;
    private boolean caughtUp; // the last read found no more undelivered records ...
    private long caughtUpAt;  // ... at this value of signals
    /** Set by the sending task when it stops with nothing read ahead and nothing left to read. */
    private volatile boolean sentEverything;
    private long seenEpoch;
    private long pausedUntil;
    private int failuresInRow;
    private long highestOversized;
    private String lastError;
    private volatile String markError;

    public ForwardingPump(RecordBuffer buffer, BatchTransport transport, Options options, Clock clock,
            ScheduledExecutorService scheduler, RandomGenerator random) {
        this.buffer = buffer;
        this.transport = transport;
        this.options = options;
        this.clock = clock;
        this.scheduler = scheduler;
        this.random = random;
        this.codec = new BatchCodec(buffer.deviceId(), options.recordsPerBatch(), transport.maxPayloadBytes());
        this.cutter = codec.cutter(ready::addLast, this::oversized);
        this.reader = (seq, cose, tomb) -> {
            cursor = seq;
            cutter.add(seq, cose, tomb);
        };
        this.markIntervalNanos = options.markInterval().toNanos();
        this.lastMarkNanos = System.nanoTime() - markIntervalNanos;
        this.freshLimit = options.window() * options.recordsPerBatch();
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

    /** For {@code Sequencer.addCommitListener}: new records to forward. */
    public void onCommit(long lastSeq) {
        wake();
    }

    /**
     * Called from the marking task with the buffer's delivery watermark after each transaction
     * that marked records delivered (for operators, and for the bench's timing). Must not block.
     */
    public void onDelivered(LongConsumer listener) {
        deliveredListener = listener;
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
        return new Stats(batchesSent.get(), recordsSent.get(), batchesAcked.get(), recordsDelivered.get(),
                sendFailures.get(), oversized.get(), inFlight, linkUp, handedOff.get(), markTransactions.get());
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
            scheduler.execute(this::drainLoop);
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
                pausedUntil = 0;
                failuresInRow = 0;
            }
            sentEverything = false;
            while (true) {
                collectAcknowledgements();
                if (closed || !linkUp || pausedUntil - clock.millis() > 0 || !step()) {
                    break;
                }
            }
            sentEverything = caughtUp && ready.isEmpty();
            if (sentEverything && unanswered.get() == 0 && !toMark.isEmpty()) {
                wakeMarker(); // the last answer came before this task stopped: do not leave it to the timer
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

    /**
     * An acknowledgement was queued for marking: marks at once when the pump is idle (every sent
     * batch answered, nothing more to send) or the last mark is at least the mark interval old;
     * else once that interval has passed, so that while a backlog or a steady stream flows the
     * buffer sees a few mark transactions per second (each a WAL write on the gateway's flash)
     * rather than one per batch.
     */
    private void markSoon() {
        long wait = lastMarkNanos + markIntervalNanos - System.nanoTime();
        if ((unanswered.get() == 0 && sentEverything) || wait <= 0) {
            wakeMarker();
            return;
        }
        if (markTimerSet.compareAndSet(false, true)) {
            try {
                scheduler.schedule(() -> {
                    markTimerSet.set(false);
                    wakeMarker();
                }, wait, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                markTimerSet.set(false);
                LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; marks skipped");
            }
        }
    }

    /** Schedules the marking task; it runs beside the sending one when the scheduler has two threads. */
    private void wakeMarker() {
        if (markWip.getAndIncrement() != 0) {
            return;
        }
        try {
            scheduler.execute(this::markLoop);
        } catch (RejectedExecutionException e) {
            markWip.set(0);
            LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; marks skipped");
        }
    }

    private void markLoop() {
        int missed = 1;
        while (true) {
            List<Ack> batch = new ArrayList<>();
            Ack a;
            while ((a = toMark.poll()) != null) {
                batch.add(a);
            }
            if (!batch.isEmpty()) {
                lastMarkNanos = System.nanoTime();
                try {
                    markDelivered(batch);
                    markError = null;
                    deliveredListener.accept(buffer.deliveredThrough());
                } catch (BufferException | RuntimeException e) {
                    String msg = "uplink of " + buffer.deviceId() + " cannot mark records delivered: " + e.getMessage();
                    if (!msg.equals(markError)) {
                        LOG.log(System.Logger.Level.ERROR, msg, e);
                        markError = msg;
                    }
                    try {
                        scheduler.schedule(this::wakeMarker, 1000, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException r) {
                        LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; marks dropped");
                    }
                }
            }
            missed = markWip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void rewind() {
        generation++;
        inFlight = 0;
        cursor = 0;
        caughtUp = false;
        ready.clear();
    }

    /**
     * Frees the window slots of answered batches (the successes were queued for marking by the
     * transport's callback already) and pauses after a failure of the current generation.
     */
    private void collectAcknowledgements() {
        Ack a;
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

    private void markDelivered(List<Ack> ok) throws BufferException {
        ok.sort((x, y) -> Long.compare(x.first(), y.first()));
        long now = clock.millis();
        long from = ok.get(0).first();
        long to = ok.get(0).last();
        int done = 0;
        try {
            for (int i = 1; i <= ok.size(); i++) {
                Ack next = i < ok.size() ? ok.get(i) : null;
                if (next != null && next.first() <= to + 1) {
                    to = Math.max(to, next.last());
                    continue;
                }
                int marked = buffer.markDelivered(from, to, now);
                markTransactions.incrementAndGet(); // before the records: who sees them sees the transaction
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

    private void pauseAfterFailure() {
        rewind();
        failuresInRow++;
        long delay = options.retry().delayMillis(failuresInRow, random);
        pausedUntil = clock.millis() + delay;
        later(delay);
    }

    private void later(long delayMs) {
        try {
            scheduler.schedule(this::schedule, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "uplink scheduler is shut down; retry skipped");
        }
    }

    /**
     * One unit of the sending task: sends the next ready batch if the window has room, else reads
     * ahead one batch's worth of records (up to one window of batches waits ready, so that the
     * next acknowledgements find them encoded): from the append hand-off when it continues the
     * cursor, else from the buffer. Reading a batch at a time lets the first batch leave at once
     * and lets acknowledgements free window slots between reads. Returns false when there is nothing to do until an acknowledgement, a
     * commit or a wake.
     */
    private boolean step() throws BufferException {
        if (inFlight < options.window() && !ready.isEmpty()) {
            if (send(ready.peekFirst())) {
                ready.pollFirst();
            }
            return true; // a failure rewound and paused the pump: the loop stops on pausedUntil
        }
        if (ready.size() >= options.window()) {
            return false;
        }
        long signalled = signals.get(); // before the read: a commit after it shows as a change
        int taken = takeFresh();
        if (taken > 0) {
            long head = buffer.head().seq();
            if (taken < options.recordsPerBatch() && cursor < head) {
                // the hand-off kept fewer than a batch and the buffer holds more: complete the batch
                buffer.forEachUndelivered(cursor, options.recordsPerBatch() - taken, reader);
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
        int n = buffer.forEachUndelivered(cursor, options.recordsPerBatch(), reader);
        cutter.flush();
        if (n < options.recordsPerBatch()) {
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
        while (n < options.recordsPerBatch() && (r = fresh.peek()) != null && r.seq() <= cursor + 1) {
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
                    + "the uplink: it stays undelivered in the buffer", seq, buffer.deviceId(),
                    transport.maxPayloadBytes());
        }
    }

    private boolean send(RecordBatch batch) {
        long gen = generation;
        unanswered.incrementAndGet();
        try {
            transport.send(batch, failure -> {
                Ack ack = new Ack(gen, batch.firstSeq(), batch.lastSeq(), failure);
                unanswered.decrementAndGet();
                if (failure == null) {
                    toMark.add(ack); // marked whatever the generation: the peer has these records
                    markSoon();
                } else if (!toMark.isEmpty()) {
                    wakeMarker(); // the link is in trouble: keep what was acknowledged
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
        buffer.removeAppendListener(appendListener);
        List<Ack> left = new ArrayList<>();
        Ack a;
        while ((a = toMark.poll()) != null) {
            left.add(a);
        }
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
