package io.certigate.app.anchor;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.app.demo.DevLedger;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.io.OutputFile;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.Passphrase;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Anchoring for {@code certigate demo}: a local anvil dev chain with the contract in
 * {@code <work>/ledger}, and per attached device its own funded and allowed ledger account, an
 * anchor pipeline on its sequencer, and at the end a proof bundle of every reading verified
 * against the chain.
 *
 * <pre>
 * try (DemoAnchoring anchoring = DemoAnchoring.start(work, out)) {
 *     DemoAnchoring.Device d = anchoring.attach(spine.buffer(), spine.sequencer(), deviceDir, out);
 *     ... run the scenarios, close the sequencer ...
 *     boolean anchoredOk = d.finish(spine.key().certificateChain(), out);
 * }
 * </pre>
 *
 * {@link #start(Path, RecordBuffer, Sequencer, PrintStream)} and {@link #finish} do the same for
 * one device, anchoring with the dev ledger's own gateway account (the memory bench, tests).
 */
public final class DemoAnchoring implements AutoCloseable {
    private static final AnchorBatcher.Options BATCHING = new AnchorBatcher.Options(1000, Duration.ofSeconds(5));

    private final Path work;
    private final DevLedger ledger;
    private final List<Device> devices = new ArrayList<>();

    private DemoAnchoring(Path work, DevLedger ledger) {
        this.work = work;
        this.ledger = ledger;
    }

    /** Starts the chain (needs node and `npm ci`) and deploys the contract; attach the devices next. */
    public static DemoAnchoring start(Path work, PrintStream out) throws Exception {
        DevLedger ledger = DevLedger.start(work.resolve("ledger"));
        out.println("  ledger: anvil dev chain " + ledger.config().chainId() + " at " + ledger.config().rpcUrl()
                + ", CertigateAnchor " + ledger.config().contract() + " (" + AnchorContract.compiledWith() + ")");
        return new DemoAnchoring(work, ledger);
    }

    /** One device on the dev ledger's gateway account, batches of 1000 readings or 5 s. */
    public static DemoAnchoring start(Path work, RecordBuffer buffer, Sequencer sequencer, PrintStream out)
            throws Exception {
        DemoAnchoring a = start(work, out);
        try {
            out.println("  ledger account " + a.ledger.account().address());
            a.attach(buffer, sequencer, a.ledger.account(), work);
            return a;
        } catch (Exception | Error e) {
            a.close();
            throw e;
        }
    }

    /**
     * Anchors a device's batches (1000 readings or 5 s) with a ledger account of its own, created in
     * {@code deviceDir} ({@code ledger-account.json} and its 0600 passphrase file), funded and
     * allowed by the chain's development admin. Its proof bundle goes to {@code deviceDir/proof.json}.
     */
    public Device attach(RecordBuffer buffer, Sequencer sequencer, Path deviceDir, PrintStream out) throws Exception {
        LedgerAccount account = LedgerAccount.openOrCreate(deviceDir.resolve("ledger-account.json"),
                Passphrase.createOrRead(deviceDir.resolve("ledger-account.pass")), LedgerAccount.KeyFileCost.LIGHT);
        Path dir = work.resolve("ledger");
        LedgerAccount admin = LedgerAccount.open(dir.resolve("dev-admin.json"),
                Files.readString(dir.resolve("dev-admin.pass"), StandardCharsets.US_ASCII).strip().toCharArray());
        try (LedgerClient c = LedgerClient.connect(ledger.config())) {
            LedgerAdmin a = new LedgerAdmin(c, admin, Duration.ofSeconds(30));
            a.fund(account.address(), BigInteger.TEN.pow(20));
            a.allowAnchorer(account.address(), true);
        }
        out.println("  ledger account of " + buffer.deviceId() + ": " + account.address());
        return attach(buffer, sequencer, account, deviceDir);
    }

    private Device attach(RecordBuffer buffer, Sequencer sequencer, LedgerAccount account, Path proofDir)
            throws BufferException {
        AnchorPipeline pipeline = new AnchorPipeline(buffer, ledger.config(), account, BATCHING, Clock.systemUTC()).start();
        sequencer.addCommitListener(pipeline.commitListener());
        Device d = new Device(buffer, pipeline, proofDir);
        devices.add(d);
        return d;
    }

    /** The single device's {@link Device#finish} (for {@link #start(Path, RecordBuffer, Sequencer, PrintStream)}). */
    public boolean finish(List<X509Certificate> certificateChain, PrintStream out) throws Exception {
        if (devices.size() != 1) {
            throw new IllegalStateException(devices.size() + " devices attached: finish each Device");
        }
        return devices.get(0).finish(certificateChain, out);
    }

    public String rpcUrl() {
        return ledger.config().rpcUrl();
    }

    /** The anchor contract's address on the dev chain. */
    public String contract() {
        return ledger.config().contract();
    }

    @Override
    public void close() {
        for (Device d : devices) {
            d.pipeline.close();
        }
        ledger.close();
    }

    /** One device's anchoring on the demo's chain. */
    public final class Device {
        private final RecordBuffer buffer;
        private final AnchorPipeline pipeline;
        private final Path proofDir;

        private Device(RecordBuffer buffer, AnchorPipeline pipeline, Path proofDir) {
            this.buffer = buffer;
            this.pipeline = pipeline;
            this.proofDir = proofDir;
        }

        /**
         * Anchors what is left, exports the proof bundle of every record to {@code proof.json} in the
         * device's directory and verifies it against the chain. Returns true if every batch is
         * anchored and every proof verifies.
         */
        public boolean finish(List<X509Certificate> certificateChain, PrintStream out) throws Exception {
            boolean drained = pipeline.drain(Duration.ofSeconds(60));
            List<Batch> batches = pipeline.store().all();
            long anchored = batches.stream().filter(b -> b.state() == Batch.State.ANCHORED).count();
            out.println("  " + buffer.deviceId() + ": anchored " + anchored + " of " + batches.size() + " batches"
                    + (drained ? "" : " (the ledger did not finish in time)"));
            long last = buffer.head().seq();
            if (!drained || last == 0) {
                return false;
            }
            ProofBundle bundle = pipeline.exporter().export(1, last, certificateChain);
            Path file = proofDir.resolve("proof.json");
            OutputFile.write(file, ProofBundleJson.write(bundle), buffer.file());
            Verdict r = new Verifier().proof(ProofBundleJson.read(Files.readAllBytes(file)), ledger.config().rpcUrl(),
                    ledger.config().contract());
            long failed = r.checks().stream().filter(c -> !c.ok()).count();
            out.println("    proof bundle of " + bundle.records().size() + " readings in " + bundle.anchors().size()
                    + " anchors written to " + file + "; verified on chain: "
                    + (r.valid() ? "all " + r.checks().size() + " checks passed" : failed + " checks FAILED"));
            r.checks().stream().filter(c -> !c.ok()).limit(10).forEach(c -> out.println("      FAIL " + c.subject() + ": " + c.detail()));
            return r.valid() && r.notChecked().isEmpty();
        }

        /** The device's anchor batches as its buffer records them, for the passport report. */
        public List<Batch> batches() throws BufferException {
            return pipeline.store().all();
        }
    }
}
