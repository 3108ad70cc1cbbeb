package io.certigate.app.metrics;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.spine.Spine;

/** Registers the anchoring's figures: last anchored seq, lag, ledger reachability, failures by cause. */
public final class AnchorMetrics {
    private AnchorMetrics() {}

    public static void register(Metrics m, AnchorPipeline anchoring, Spine spine) {
        m.gauge("certigate_anchor_last_anchored_seq", "Every record up to this seq is anchored on the ledger (0: none yet).",
                () -> lastAnchored(anchoring));
        m.gauge("certigate_anchor_lag_records", "Records committed and not yet anchored (chain head minus last anchored seq).",
                () -> Math.max(0, spine.buffer().head().seq() - lastAnchored(anchoring)));
        m.gauge("certigate_anchor_ledger_reachable", "0 while the ledger node does not answer, else 1.",
                () -> anchoring.stats().ledgerReachable() ? 1 : 0);
        String help = "Anchoring attempts that failed, by cause: unreachable (no answer), refused (rejected or reverted), "
                + "buffer (read or write failed).";
        m.counter("certigate_anchor_failures_total", help, () -> anchoring.stats().unreachable(), "reason", "unreachable");
        m.counter("certigate_anchor_failures_total", help, () -> anchoring.stats().refused(), "reason", "refused");
        m.counter("certigate_anchor_failures_total", help, () -> anchoring.stats().bufferErrors(), "reason", "buffer");
    }

    private static long lastAnchored(AnchorPipeline anchoring) {
        try {
            return anchoring.lastAnchoredSeq();
        } catch (BufferException e) {
            throw new IllegalStateException(e.getMessage(), e); // the series is left out of this scrape
        }
    }
}
