package io.certigate.anchor;

import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.core.buffer.BufferException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives batching and anchoring of one device on a single-threaded scheduled executor: every tick
 * cuts ripe batches and steps the {@link Anchorer} until it has to wait. A commit listener
 * ({@link #wake}) brings the next tick forward. A ledger outage is logged once when it starts and
 * once when it ends; batches keep being cut meanwhile and are anchored in order afterwards.
 */
public final class AnchorService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AnchorService.class.getName());
    private static final int MAX_STEPS_PER_TICK = 1000;
    /** While someone waits for the drain, ticks come at least this often (a receipt is looked up sooner). */
    private static final Duration DRAIN_TICK = Duration.ofMillis(50);

    /**
     * @param tick     how often batches are checked and a sent transaction is looked up
     * @param backoff  pause after the ledger refused a transaction or did not answer
     */
    public record Options(Duration tick, Duration backoff) {
        public static final Options DEFAULT = new Options(Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /**
     * Operator counters: whether the ledger answered the last request, and the anchoring attempts
     * that failed since start, by cause (the ledger did not answer, it refused or reverted a
     * transaction, the buffer could not be read or written).
     */
    public record Stats(boolean ledgerReachable, long unreachable, long refused, long bufferErrors) {}

    private final AnchorBatcher batcher;
    private final Anchorer anchorer;
    private final BatchStore store;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Options options;
    private final AtomicBoolean outage = new AtomicBoolean();
    private final AtomicLong holdUntil = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong unreachable = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile ScheduledFuture<?> ticker;
    /** Set by {@link #close()}: ticks already queued (wake-ups) and a tick in progress stop at once. */
    private volatile boolean closed;
    /** Completed by a tick that finds nothing left to anchor. */
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> drainWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainTickSet = new AtomicBoolean();

    public AnchorService(AnchorBatcher batcher, Anchorer anchorer, BatchStore store, ScheduledExecutorService executor,
            Clock clock, Options options) {
        this.batcher = batcher;
        this.anchorer = anchorer;
        this.store = store;
        this.executor = executor;
        this.clock = clock;
        this.options = options;
    }

    public synchronized AnchorService start() {
        if (ticker == null) {
            long ms = options.tick().toMillis();
            ticker = executor.scheduleWithFixedDelay(this::tick, 0, ms, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** A commit listener: records up to {@code lastSeq} are committed. */
    public void wake(long lastSeq) {
        if (!executor.isShutdown()) {
            executor.execute(this::tick);
        }
    }

    /** One round: cut ripe batches, then anchor as far as the ledger allows. Runs on the executor. */
    void tick() {
        try {
            anchorRound();
        } finally {
            if (!drainWaiters.isEmpty()) {
                checkDrained();
            }
        }
    }

    private void anchorRound() {
        if (closed) {
            return; // a wake-up queued before close(): a successor may already cut with other settings
        }
        try {
            batcher.cutRipe();
            if (clock.millis() < holdUntil.get()) {
                return;
            }
            for (int i = 0; i < MAX_STEPS_PER_TICK && !closed; i++) {
                Anchorer.Outcome o = anchorer.step();
                if (o == Anchorer.Outcome.OUTAGE) {
                    unreachable.incrementAndGet();
                    if (outage.compareAndSet(false, true)) {
                        LOG.log(System.Logger.Level.WARNING, "ledger unreachable: {0} batches queued, anchoring resumes when it answers",
                                Long.toString(store.unanchoredCount()));
                    }
                    holdUntil.set(clock.millis() + options.tick().toMillis() * 5);
                    return;
                }
                if (outage.compareAndSet(true, false)) {
                    LOG.log(System.Logger.Level.INFO, "ledger reachable again: {0} batches to anchor",
                            Long.toString(store.unanchoredCount()));
                }
                if (o == Anchorer.Outcome.REFUSED) {
                    refused.incrementAndGet();
                    holdUntil.set(clock.millis() + options.backoff().toMillis());
                    return;
                }
                if (o != Anchorer.Outcome.PROGRESS) {
                    return;
                }
            }
        } catch (BufferException e) {
            if (failures.incrementAndGet() == 1) {
                LOG.log(System.Logger.Level.ERROR, "anchoring paused: buffer error: {0}", e.getMessage());
            }
            holdUntil.set(clock.millis() + options.backoff().toMillis());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "anchor tick failed", e);
        }
    }

    /**
     * Closes a partial batch now (demo end, shutdown) on the executor and completes once nothing
     * is left to anchor (exceptionally if the buffer cannot be read); does not block. Until then
     * the service ticks every 50 ms at least, on its executor.
     */
    public CompletableFuture<Void> drain() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    batcher.cutAll();
                } catch (BufferException | RuntimeException e) {
                    done.completeExceptionally(e);
                    return;
                }
                drainWaiters.add(done);
                tick();
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** At the end of a tick while someone waits: completes the waiters, or ticks again soon. */
    private void checkDrained() {
        long left;
        try {
            left = store.unanchoredCount();
        } catch (BufferException e) {
            CompletableFuture<Void> w;
            while ((w = drainWaiters.poll()) != null) {
                w.completeExceptionally(e);
            }
            return;
        }
        if (left == 0) {
            CompletableFuture<Void> w;
            while ((w = drainWaiters.poll()) != null) {
                w.complete(null);
            }
        } else if (drainTickSet.compareAndSet(false, true)) {
            try {
                executor.schedule(() -> {
                    drainTickSet.set(false);
                    tick();
                }, DRAIN_TICK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                drainTickSet.set(false);
            }
        }
    }

    /** Closes a partial batch now (demo end, shutdown) on the executor and waits for it. */
    public void flush() throws BufferException, InterruptedException {
        try {
            executor.submit(() -> {
                batcher.cutAll();
                return null;
            }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof BufferException b) {
                throw b;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    public boolean ledgerUnreachable() {
        return outage.get();
    }

    public Stats stats() {
        return new Stats(!outage.get(), unreachable.get(), refused.get(), failures.get());
    }

    public long unanchored() throws BufferException {
        return store.unanchoredCount();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }
}
