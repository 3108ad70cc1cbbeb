package io.certigate.app.metrics;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.spine.Spine;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Registers the spine's figures: buffer depth, oldest undelivered and unanchored ages, readings per source. */
public final class SpineMetrics {
    private SpineMetrics() {}

    public static void register(Metrics m, Spine spine, Clock clock) {
        Supplier<RecordBuffer.Stats> stats = new CachedStats(spine.buffer(), clock);
        m.gauge("certigate_buffer_records", "Records held in the buffer (live and erased).", () -> stats.get().records());
        m.gauge("certigate_buffer_undelivered", "Records not yet acknowledged by an uplink peer.", () -> stats.get().undelivered());
        m.gauge("certigate_buffer_bytes", "Buffer file size including its WAL.", () -> stats.get().fileBytes());
        m.gauge("certigate_chain_head_seq", "Seq of the last committed record.", () -> spine.buffer().head().seq());
        m.gauge("certigate_oldest_undelivered_age_seconds", "Age of the oldest undelivered record.",
                () -> age(stats.get().oldestUndeliveredMs(), clock));
        m.gauge("certigate_oldest_unanchored_age_seconds", "Age of the oldest record whose batch is not yet anchored.",
                () -> age(stats.get().oldestUnanchoredMs(), clock));
        m.gauge("certigate_sequencer_queue_depth", "Readings waiting for the sequencer.", () -> spine.sequencer().queueDepth());
        m.gauge("certigate_readings_refused_total", "Readings the buffer refused (full, disk full).",
                () -> spine.sequencer().refusedCount());
        m.dynamic("certigate_readings_total", "Readings committed, by source.", "counter", "source", () -> {
            Map<String, Double> out = new HashMap<>();
            spine.sequencer().committedBySource().forEach((k, v) -> out.put(k, v.doubleValue()));
            return out;
        });
        m.dynamic("certigate_last_error_info", "The last refusal's message (value 1).", "gauge", "message", () -> {
            String e = spine.sequencer().lastError();
            return e == null ? Map.of() : Map.of(e, 1.0);
        });
    }

    private static double age(long ms, Clock clock) {
        return ms < 0 ? 0 : Math.max(0, (clock.millis() - ms) / 1000.0);
    }

    /** Buffer statistics read at most once a second, however often the endpoint is scraped. */
    private static final class CachedStats implements Supplier<RecordBuffer.Stats> {
        private final RecordBuffer buffer;
        private final Clock clock;
        private RecordBuffer.Stats last;
        private long at = Long.MIN_VALUE;

        CachedStats(RecordBuffer buffer, Clock clock) {
            this.buffer = buffer;
            this.clock = clock;
        }

        @Override
        public synchronized RecordBuffer.Stats get() {
            long now = clock.millis();
            if (last == null || now - at >= 1000) {
                try {
                    last = buffer.stats();
                    at = now;
                } catch (BufferException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            return last;
        }
    }
}
