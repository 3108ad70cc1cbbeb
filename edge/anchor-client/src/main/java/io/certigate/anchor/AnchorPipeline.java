package io.certigate.anchor;

import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.proof.ProofExporter;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * The anchoring of one device wired together: batch store, batcher, anchorer and service over the
 * device's buffer, on a single-threaded scheduler (given, or its own). Register
 * {@link #commitListener()} with the sequencer; call {@link #drain} before shutdown to anchor what
 * is left.
 */
public final class AnchorPipeline implements AutoCloseable {
    private final BatchStore store;
    private final LedgerClient client;
    private final AnchorService service;
    private final ScheduledExecutorService executor;
    private final boolean ownExecutor;
    private final RecordBuffer buffer;

    /** On a single-threaded scheduler of its own ({@code anchor-<device>}), shut down by {@link #close()}. */
    public AnchorPipeline(RecordBuffer buffer, LedgerConfig config, LedgerAccount account, AnchorBatcher.Options batching,
            Clock clock) throws BufferException {
        this(buffer, config, account, batching, clock,
                Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "anchor-" + buffer.deviceId())), true);
    }

    /**
     * On {@code executor}, which the caller owns (one thread: the service's ticks must not overlap);
     * {@link #close()} cancels the service's ticks but does not shut it down.
     */
    public AnchorPipeline(RecordBuffer buffer, LedgerConfig config, LedgerAccount account, AnchorBatcher.Options batching,
            Clock clock, ScheduledExecutorService executor) throws BufferException {
        this(buffer, config, account, batching, clock, executor, false);
    }

    private AnchorPipeline(RecordBuffer buffer, LedgerConfig config, LedgerAccount account,
            AnchorBatcher.Options batching, Clock clock, ScheduledExecutorService executor, boolean ownExecutor)
            throws BufferException {
        this.buffer = buffer;
        this.store = new BatchStore(buffer);
        this.client = LedgerClient.connect(config);
        this.executor = executor;
        this.ownExecutor = ownExecutor;
        this.service = new AnchorService(new AnchorBatcher(store, batching, clock),
                new Anchorer(store, client, account, buffer.deviceId(), clock), store, executor, clock,
                new AnchorService.Options(config.pollInterval(), Duration.ofSeconds(5)));
    }

    public AnchorPipeline start() {
        service.start();
        return this;
    }

    public LongConsumer commitListener() {
        return service::wake;
    }

    /**
     * Closes the open batch and waits until every batch is anchored (the service's ticks tell, see
     * {@link AnchorService#drain()}); false on timeout.
     */
    public boolean drain(Duration timeout) throws BufferException, InterruptedException {
        try {
            service.drain().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return store.unanchoredCount() == 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BufferException b) {
                throw b;
            }
            throw new IllegalStateException("anchoring of " + buffer.deviceId() + " cannot drain: " + e.getCause(),
                    e.getCause());
        }
    }

    /** {@link #drain(Duration)} without blocking: completes once every batch is anchored. */
    public CompletableFuture<Void> drainAsync() {
        return service.drain();
    }

    public BatchStore store() {
        return store;
    }

    public ProofExporter exporter() {
        return new ProofExporter(buffer, store);
    }

    public boolean ledgerUnreachable() {
        return service.ledgerUnreachable();
    }

    /** Ledger reachability and failed attempts by cause, for operators. */
    public AnchorService.Stats stats() {
        return service.stats();
    }

    /** Every record up to this seq is anchored (0: none yet); reads the buffer. */
    public long lastAnchoredSeq() throws BufferException {
        return store.lastAnchoredSeq();
    }

    @Override
    public void close() {
        service.close();
        if (!ownExecutor) {
            client.close();
            return;
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }
}
