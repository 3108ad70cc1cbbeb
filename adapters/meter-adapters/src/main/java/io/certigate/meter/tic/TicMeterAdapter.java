package io.certigate.meter.tic;

import io.certigate.core.model.Reading;
import io.certigate.core.sequencer.ReadingSink;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The Linky adapter: frames from a {@link TicPortReader} become readings ({@link TicReadings})
 * handed to the sequencer's {@link ReadingSink}. Each rejected group is logged once here, with its
 * bytes, and counted; it never stops the adapter.
 */
public final class TicMeterAdapter implements Consumer<TicFrame> {
    private static final System.Logger LOG = System.getLogger(TicMeterAdapter.class.getName());

    private final TicReadings readings;
    private final ReadingSink sink;
    private final Clock clock;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong badGroups = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();

    public TicMeterAdapter(TicReadings.Options options, ReadingSink sink, Clock clock) {
        this.readings = new TicReadings(options);
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public void accept(TicFrame frame) {
        frames.incrementAndGet();
        for (TicGroupError e : frame.errors()) {
            badGroups.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "TIC group rejected ({0} frame of meter {1}): {2}",
                    frame.mode().name().toLowerCase(), frame.meterId().orElse("?"), e);
        }
        List<Reading> due;
        synchronized (readings) {
            due = readings.map(frame, clock.instant());
        }
        for (Reading r : due) {
            try {
                sink.submit(r).whenComplete((c, err) -> {
                    if (err != null) {
                        refused.incrementAndGet();
                        LOG.log(System.Logger.Level.WARNING, "TIC reading {0} refused: {1}", r.kind(), err.getMessage());
                    }
                });
                submitted.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IllegalStateException e) {
                refused.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "TIC reading not queued: {0}", e.getMessage());
                return;
            }
        }
    }

    public long frames() {
        return frames.get();
    }

    public long submitted() {
        return submitted.get();
    }

    public long refused() {
        return refused.get();
    }

    public long badGroups() {
        return badGroups.get();
    }
}
