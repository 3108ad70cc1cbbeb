package io.certigate.app.anchor;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.devchain.DevLedger;
import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.proof.BundleVerifier;
import io.certigate.anchor.proof.ProofBundle;
import io.certigate.anchor.proof.ProofBundleJson;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Anchoring for {@code certigate demo}: a local ganache chain with the contract and a funded gateway
 * account in {@code <work>/ledger}, the anchor pipeline on the demo's sequencer, and at the end a
 * proof bundle of every reading verified against the chain.
 *
 * <pre>
 * try (DemoAnchoring anchoring = DemoAnchoring.start(work, spine.buffer(), spine.sequencer(), out)) {
 *     ... run the scenarios, close the sequencer ...
 *     boolean anchoredOk = anchoring.finish(spine.key().certificateChain(), out);
 * }
 * </pre>
 */
public final class DemoAnchoring implements AutoCloseable {
    private final Path work;
    private final RecordBuffer buffer;
    private final DevLedger ledger;
    private final AnchorPipeline pipeline;

    private DemoAnchoring(Path work, RecordBuffer buffer, DevLedger ledger, AnchorPipeline pipeline) {
        this.work = work;
        this.buffer = buffer;
        this.ledger = ledger;
        this.pipeline = pipeline;
    }

    /** Starts the chain (needs node and `npm ci`) and anchors batches of 1000 readings or 5 s. */
    public static DemoAnchoring start(Path work, RecordBuffer buffer, Sequencer sequencer, PrintStream out)
            throws Exception {
        DevLedger ledger = DevLedger.start(work.resolve("ledger"));
        try {
            out.println("  ledger: ganache chain " + ledger.config().chainId() + " at " + ledger.config().rpcUrl()
                    + ", CertigateAnchor " + ledger.config().contract() + " (" + AnchorContract.compiledWith() + ")");
            out.println("  ledger account " + ledger.account().address());
            AnchorPipeline pipeline = new AnchorPipeline(buffer, ledger.config(), ledger.account(),
                    new AnchorBatcher.Options(1000, Duration.ofSeconds(5)), Clock.systemUTC()).start();
            sequencer.addCommitListener(pipeline.commitListener());
            return new DemoAnchoring(work, buffer, ledger, pipeline);
        } catch (Exception e) {
            ledger.close();
            throw e;
        }
    }

    /**
     * Anchors what is left, exports the proof bundle of every record to {@code <work>/proof.json} and
     * verifies it against the chain. Returns true if every batch is anchored and every proof verifies.
     */
    public boolean finish(List<X509Certificate> certificateChain, PrintStream out) throws Exception {
        boolean drained = pipeline.drain(Duration.ofSeconds(60));
        List<Batch> batches = pipeline.store().all();
        long anchored = batches.stream().filter(b -> b.state() == Batch.State.ANCHORED).count();
        out.println("  anchored " + anchored + " of " + batches.size() + " batches"
                + (drained ? "" : " (the ledger did not finish in time)"));
        long last = buffer.head().seq();
        if (!drained || last == 0) {
            return false;
        }
        ProofBundle bundle = pipeline.exporter().export(1, last, certificateChain);
        Path file = work.resolve("proof.json");
        Files.write(file, ProofBundleJson.write(bundle));
        BundleVerifier.Report r = BundleVerifier.verify(ProofBundleJson.read(Files.readAllBytes(file)),
                ledger.config().rpcUrl());
        long failed = r.checks().stream().filter(c -> !c.ok()).count();
        out.println("  proof bundle of " + bundle.records().size() + " readings in " + bundle.anchors().size()
                + " anchors written to " + file + "; verified on chain: "
                + (r.valid() ? "all " + r.checks().size() + " checks passed" : failed + " checks FAILED"));
        r.checks().stream().filter(c -> !c.ok()).limit(10).forEach(c -> out.println("    FAIL " + c.subject() + ": " + c.detail()));
        return r.valid() && r.chainChecked();
    }

    public String rpcUrl() {
        return ledger.config().rpcUrl();
    }

    @Override
    public void close() {
        pipeline.close();
        ledger.close();
    }
}
