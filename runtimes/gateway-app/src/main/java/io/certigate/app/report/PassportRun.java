package io.certigate.app.report;

import io.certigate.core.io.OutputFile;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.export.ExportFormatException;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.trust.ExportTrustCheck;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * One passport from one pass over an export or a buffer, in memory that does not grow with its size: what is
 * known before the pass is read first (the device's anchored history, once, from the ledger; the
 * gateway's batches checked on chain), then the input is read as a stream and checked by the chain
 * verifier (signatures on all cores, links in order), each checked entry going to the passport
 * ({@link PassportPass}: coverage, recomputed batch roots, the subject's readings) and to the trust
 * check; the page, whose top needs what only the end of the pass tells (verdict, completeness), is
 * then written from the aggregates the {@link PassportWriter} kept.
 */
final class PassportRun {
    private final PassportSource input;
    private final LedgerReader node;
    private final ReportCommand.Anchoring anchoring;
    private final ReportCommand.TrustInputs trustInputs;
    private final Clock clock;

    /**
     * @param node a reader of the anchor contract on {@code anchoring}'s node, or null when no ledger is read
     */
    PassportRun(PassportSource input, LedgerReader node, ReportCommand.Anchoring anchoring, ReportCommand.TrustInputs trustInputs,
            Clock clock) {
        this.input = input;
        this.node = node;
        this.anchoring = anchoring;
        this.trustInputs = trustInputs;
        this.clock = clock;
    }

    Optional<ReportCommand.Written> write(String source, String subject, String kind, EntryObserver watch, Path out,
            Path... inputs) throws IOException, ExportFormatException, LedgerException, InterruptedException {
        String device = input.device();
        LedgerHistory history = node == null ? null : LedgerHistory.read(node, device);
        Ledger onChain = history == null ? null : LedgerCheck.fromHistory(history, anchoring.rpcUrl(), clock);
        Ledger known;
        if (anchoring.batches() != null) {
            known = LedgerCheck.fromBatches(anchoring.batches(), device, anchoring.rpcUrl(), node, clock);
        } else if (onChain != null) {
            known = onChain;
        } else {
            known = Ledger.none("an export carries no anchors; give --rpc and --contract to read them from the ledger");
        }
        List<String> trustWords = new ArrayList<>();
        ExportTrustCheck trust = trustCheck(history, trustWords);

        PassportWriter passport = new PassportWriter(kind);
        PassportPass pass = new PassportPass(subject, known, passport);
        EntryObserver observer = watch.andThen(pass);
        if (trust != null) {
            observer = observer.andThen(e -> trust.accept(e.entry().record()));
        }
        VerificationReport report = verify(observer);

        Ledger ledger = pass.ledger();
        List<long[]> coverage = pass.coverage();
        Completeness completeness = completeness(ledger, onChain, coverage);
        if (passport.count() == 0) {
            return Optional.empty();
        }
        Trust keys = trust == null ? PassportReport.keysFromFile(input.keys(), input.certificateChain())
                : PassportReport.judged(input.keys(), input.certificateChain(), trust.finish(), trustWords);
        Evidence ev = new Evidence(subject, device, source, clock.instant(), PassportReport.fileCheck(report), keys, ledger,
                completeness);
        OutputFile.write(out, o -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8), 64 * 1024);
            passport.write(w, ev);
            w.flush();
        }, inputs);
        boolean verified = report.verdict().valid() && !completeness.incomplete() && keys.failures().isEmpty()
                && ledger.anchors().stream().noneMatch(a -> a.status() == Ledger.Status.FAILED);
        return Optional.of(new ReportCommand.Written("wrote " + out + ": " + passport.count() + " readings of " + subject + ", "
                + Html.plural(passport.rollbacks(), "rollback", "rollbacks")
                + (passport.rollbacks() == 0 ? "" : " (" + Html.plural(passport.inRollback(), "reading", "readings") + " inside)")
                + (completeness.incomplete() ? "; INCOMPLETE history: " + completeness.missing().get(0) + " missing" : ""), verified));
    }

    /** The chain of the input, signatures checked on all cores, each checked entry handed to {@code observer} in order. */
    private VerificationReport verify(EntryObserver observer) throws IOException, ExportFormatException, InterruptedException {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "report-signatures");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            return new Verifier(SignatureVerifier.BOUNCY_CASTLE, pool, threads).chain(input.device(), input.keys(), input.entries(),
                    observer);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * The check of the file's keys with the trust inputs ({@link ExportTrustCheck}), fed during the pass:
     * the chain to the root at the readings' times and, with the ledger, at the anchoring blocks' times and
     * the registry status at each anchoring block; null without a trust root. {@code words} gets the inputs in words.
     */
    private ExportTrustCheck trustCheck(LedgerHistory history, List<String> words) {
        ReportCommand.TrustInputs t = trustInputs;
        if (t == null) {
            return null;
        }
        words.add("consortium root " + t.root().getSubjectX500Principal().getName() + " (" + t.rootFile() + ")");
        if (history == null) {
            return new ExportTrustCheck(input.device(), input.chainsByKey(), t.root(), null, null);
        }
        DeviceRegistryReader registry = t.registry() == null ? null : new DeviceRegistryReader(node, t.registry());
        words.add("the anchoring blocks' times on chain " + history.chainId());
        if (registry != null) {
            words.add("device registry " + t.registry() + " on chain " + history.chainId());
        }
        return new ExportTrustCheck(input.device(), input.chainsByKey(), t.root(), registry, history, node::blockTime);
    }

    /**
     * Completeness: against the device's anchored history read from the ledger ({@code onChain}; for an
     * export, the anchors with their recomputed roots), else against the gateway's own batches, else not checked.
     */
    private Completeness completeness(Ledger ledger, Ledger onChain, List<long[]> coverage) {
        String file = "the file holds " + ranges(coverage);
        if (onChain != null) {
            Ledger history = anchoring.batches() == null ? ledger : onChain;
            return PassportReport.completeness(history, coverage, Completeness.Basis.LEDGER, "the device's Anchored events"
                    + " on chain " + history.chainId() + " (contract " + onChain.contract() + ") read at "
                    + Html.time(clock.instant()) + "; " + file);
        }
        if (anchoring.batches() != null && !anchoring.batches().isEmpty()) {
            return PassportReport.completeness(ledger, coverage, Completeness.Basis.GATEWAY_CLAIM,
                    "the gateway's own anchor batches, not checked on the ledger (no --rpc); " + file);
        }
        return Completeness.notChecked("only the file was read: " + file);
    }

    private static String ranges(List<long[]> coverage) {
        if (coverage.isEmpty()) {
            return "no record";
        }
        return coverage.stream().limit(5).map(r -> "seq " + r[0] + ".." + r[1]).collect(Collectors.joining(", "))
                + (coverage.size() > 5 ? " and " + (coverage.size() - 5) + " more ranges" : "")
                + (coverage.size() == 1 ? " without a gap" : "");
    }
}
