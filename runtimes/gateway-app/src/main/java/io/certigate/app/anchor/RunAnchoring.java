package io.certigate.app.anchor;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.app.run.RunConfig;
import io.certigate.core.spine.Spine;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

/**
 * Anchoring as a component of {@code certigate run}. Keys:
 * <pre>
 * anchor.ledger        ledger.properties of the network (absent: no anchoring)
 * anchor.batch-size    readings per batch at most        (10000)
 * anchor.batch-age-s   seconds before a partial batch closes (600)
 * </pre>
 */
public final class RunAnchoring {
    private RunAnchoring() {}

    /** Whether {@code anchor.ledger} is set. */
    public static boolean configured(RunConfig.Values values) {
        return !values.get("anchor.ledger", "").isBlank();
    }

    /** Starts anchoring the spine's records, or returns null when {@code anchor.ledger} is not set. */
    public static AnchorPipeline start(RunConfig.Values values, Spine spine, PrintStream out)
            throws RunConfig.ConfigException, IOException, io.certigate.core.buffer.BufferException {
        if (!configured(values)) {
            return null;
        }
        LedgerSettings settings = LedgerSettings.load(values.path("anchor.ledger"));
        AnchorBatcher.Options batching = new AnchorBatcher.Options(values.wholeInt(io.certigate.anchor.AnchorSettings.BATCH_SIZE),
                Duration.ofSeconds(values.whole(io.certigate.anchor.AnchorSettings.BATCH_AGE_S)));
        AnchorPipeline p = new AnchorPipeline(spine.buffer(), settings.config(), settings.openAccount(), batching,
                Clock.systemUTC()).start();
        spine.sequencer().addCommitListener(p.commitListener());
        out.println("certigate run: anchoring on chain " + settings.config().chainId() + " at " + settings.config().rpcUrl()
                + ", contract " + settings.config().contract() + ", batches of " + batching.maxSize() + " or "
                + batching.maxAge().toSeconds() + " s");
        return p;
    }
}
