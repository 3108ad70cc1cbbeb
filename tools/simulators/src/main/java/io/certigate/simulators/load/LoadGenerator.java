package io.certigate.simulators.load;

import io.certigate.core.model.Reading;
import io.certigate.core.sequencer.ReadingSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;

/**
 * Offers readings to a sink at a fixed rate, as a fleet of sources would, and reports each
 * acknowledgement with its latency. Ticks every millisecond-scale period on the given scheduler;
 * when the sink pushes back the generator falls behind rather than queueing without bound.
 */
public final class LoadGenerator implements AutoCloseable {
    private final ReadingSink sink;
    private final LongFunction<Reading> readings;
    private final ObjLongConsumer<CompletableFuture<ReadingSink.Committed>> onSubmitted;
    private final AtomicLong offered = new AtomicLong();
    private final ScheduledFuture<?> task;
    private final long perTick;

    /**
     * @param ratePerSecond readings offered per second
     * @param readings      the i-th reading (i from 0)
     * @param onSubmitted   called with each future and its submission time (System.nanoTime())
     */
    public LoadGenerator(ReadingSink sink, int ratePerSecond, LongFunction<Reading> readings,
            ObjLongConsumer<CompletableFuture<ReadingSink.Committed>> onSubmitted, ScheduledExecutorService scheduler) {
        this.sink = sink;
        this.readings = readings;
        this.onSubmitted = onSubmitted;
        long periodMicros = Math.max(1000, 1_000_000L / Math.max(1, ratePerSecond));
        this.perTick = Math.max(1, ratePerSecond * periodMicros / 1_000_000L);
        this.task = scheduler.scheduleAtFixedRate(this::tick, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void tick() {
        try {
            for (int k = 0; k < perTick; k++) {
                long i = offered.getAndIncrement();
                long t0 = System.nanoTime();
                onSubmitted.accept(sink.submit(readings.apply(i)), t0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            task.cancel(false); // the sink closed
        }
    }

    public long offered() {
        return offered.get();
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
