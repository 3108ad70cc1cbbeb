package io.certigate.app.metrics;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.spine.Spine;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registers the spine's figures: buffer depth and bytes (database and WAL apart), chain head,
 * oldest undelivered and unanchored ages, the sequencer's queue, readings committed per source,
 * refusals and alerts raised per kind. See docs/metrics.md.
 */
public final class SpineMetrics {
    private SpineMetrics() {}

    public static void register(Metrics m, Spine spine, Clock clock) {
        Supplier<RecordBuffer.Stats> stats = new CachedStats(spine.buffer(), clock);
        m.gauge("certigate_buffer_records", "Records held in the buffer (live and erased).", () -> stats.get().records());
        m.gauge("certigate_buffer_undelivered", "Records not yet acknowledged by an uplink peer.", () -> stats.get().undelivered());
        String bytesHelp = "Size of the buffer's files: file=\"db\" the SQLite database, file=\"wal\" its write-ahead log.";
        m.gauge("certigate_buffer_bytes", bytesHelp, () -> stats.get().dbBytes(), "file", "db");
        m.gauge("certigate_buffer_bytes", bytesHelp, () -> stats.get().walBytes(), "file", "wal");
        m.gauge("certigate_chain_head_seq", "Seq of the last committed record.", () -> spine.buffer().head().seq());
        m.gauge("certigate_oldest_undelivered_age_seconds", "Age of the oldest record no uplink peer has acknowledged (0: none).",
                () -> age(stats.get().oldestUndeliveredMs(), clock));
        m.gauge("certigate_oldest_unanchored_age_seconds", "Age of the oldest record whose batch is not yet anchored (0: none).",
                () -> age(stats.get().oldestUnanchoredMs(), clock));
        m.gauge("certigate_sequencer_queue_depth", "Readings waiting for the sequencer.", () -> spine.sequencer().queueDepth());
        m.counter("certigate_readings_refused_total", "Readings the sequencer refused (buffer full, disk full, signing).",
                () -> spine.sequencer().refusedCount());
        m.gauge("certigate_readings_last_refusal_timestamp_seconds", "Time of the last refusal (absent: none since start).",
                () -> seconds(spine.sequencer().lastRefusalMillis()));
        m.varying("certigate_readings_last_refusal_info", "Reason of the last refusal (value 1): capacity, disk_full, "
                + "refused_file, io, signing or internal.", Metrics.Type.GAUGE, "reason", () -> {
                    String r = spine.sequencer().lastRefusalReason();
                    return r == null ? Map.of() : Map.of(r, 1);
                });
        m.varying("certigate_readings_total", "Readings committed, by source.", Metrics.Type.COUNTER, "source",
                () -> spine.sequencer().committedBySource());
        m.varying("certigate_alerts_total", "Committed readings carrying an alert flag, by flag (rollback-suspected, ...).",
                Metrics.Type.COUNTER, "kind", () -> spine.sequencer().alertsByKind());
    }

    /** Epoch ms as seconds, NaN (left out of the scrape) for 0. */
    static double seconds(long epochMs) {
        return epochMs <= 0 ? Double.NaN : epochMs / 1000.0;
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
