package io.certigate.app.report;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.io.OutputFile;
import io.certigate.app.spine.VerificationExit;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certigate report --subject VIN -o passport.html}: a subject's certified history as one HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the passport report (HTML) of a subject such as a VIN or a meter id.",
            "It opens with the verdict and what it rests on (the devices' keys and certificates, the anchoring transactions,"
                + " whether the history is complete), then charts the readings over time with rollbacks marked and explained,"
                + " and lists the readings per kind, collapsed.",
            "With --rpc the anchoring transactions are checked on the ledger and the device's anchored history is compared"
                + " with the file; without it the blocks shown are the gateway's claim and completeness is not checked.",
            "A buffer is opened read-only and never created; -o is written whole or not at all and may not be an input.",
            io.certigate.app.spine.TrustOptions.HELP,
            VerificationExit.HELP + " With exit 1 the passport is written and shows the problems; a subject without"
                + " readings in the input is exit 2."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--subject", required = true, description = "VIN or meter id.")
    String subject;

    @Option(names = "--kind", description = "Kind to chart (default: vehicle.odometer, or the subject's first numeric kind).")
    String kind;

    @Option(names = {"-o", "--out"}, required = true, description = "HTML file to write.")
    Path out;

    @Option(names = "--rpc", paramLabel = "URL", description = "JSON-RPC URL of a ledger node: check each anchoring transaction on"
            + " chain and compare the device's anchored history with the file.")
    String rpc;

    @Option(names = "--contract", paramLabel = "ADDRESS", description = "The anchor contract, for --rpc with an export (a buffer"
            + " records it with its batches).")
    String contract;

    @picocli.CommandLine.Mixin
    io.certigate.app.spine.TrustOptions trust = new io.certigate.app.spine.TrustOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--export", description = "An export file.")
        Path export;

        @ArgGroup(exclusive = false)
        BufferInput buffer;
    }

    static final class BufferInput {
        @Option(names = "--buffer", required = true, description = "A buffer file.")
        Path file;

        @Option(names = "--device", required = true, description = "The buffer's device id.")
        String device;
    }

    /**
     * Where the anchors come from.
     *
     * @param batches  the gateway's anchor batches (its buffer), or null when the input carries none (an export)
     * @param rpcUrl   a ledger node to check them on and to read the device's anchored history from, or null
     * @param contract the anchor contract, or null to take it from the batches
     */
    public record Anchoring(List<Batch> batches, String rpcUrl, String contract) {
        public static final Anchoring NONE = new Anchoring(null, null, null);
    }

    /**
     * Writes the passport of {@code subject} from an export to {@code out}, streaming.
     *
     * @param source  the input in words ("export.json", "buffer buffer.db")
     * @param kind    the kind to chart, or null for the odometer or else the subject's first numeric kind
     * @param inputs  the files the passport is made from: {@code out} may not be one of them
     * @return the line describing what was written, or empty when the export has no reading of the subject
     */
    public static Optional<String> write(ExportFile.Contents c, String source, String subject, String kind, Anchoring anchoring,
            Path out, Path... inputs) throws IOException, LedgerException {
        return passport(c, source, subject, kind, anchoring, out, inputs).map(Written::line);
    }

    /**
     * What {@link #write} wrote.
     *
     * @param line     the line describing it
     * @param verified the passport's verdict: the file's checks passed, no anchor failed on chain and the
     *                 history is not known to be incomplete
     */
    public record Written(String line, boolean verified) {}

    /**
     * The trust inputs a passport's keys are judged with.
     *
     * @param root     the consortium root certificate
     * @param rootFile where it was read from, in words
     * @param registry the DeviceRegistry contract, or null
     */
    public record TrustInputs(java.security.cert.X509Certificate root, String rootFile, String registry) {}

    /** {@link #write}, with the passport's verdict; the keys are the file's own. */
    public static Optional<Written> passport(ExportFile.Contents c, String source, String subject, String kind,
            Anchoring anchoring, Path out, Path... inputs) throws IOException, LedgerException {
        return passport(c, source, subject, kind, anchoring, null, out, inputs);
    }

    /** {@link #write}, with the passport's verdict, the keys judged with {@code trustInputs} (null: the file's own). */
    public static Optional<Written> passport(ExportFile.Contents c, String source, String subject, String kind,
            Anchoring anchoring, TrustInputs trustInputs, Path out, Path... inputs) throws IOException, LedgerException {
        Clock clock = Clock.systemUTC();
        VerificationReport report = new Verifier().export(c);
        List<long[]> coverage = PassportReport.coverage(c);
        String contract = anchoring.contract() != null ? anchoring.contract()
                : anchoring.batches() == null ? null
                : anchoring.batches().stream().map(Batch::contract).filter(Objects::nonNull).findFirst().orElse(null);
        Ledger ledger;
        Completeness completeness;
        String file = "the file holds " + ranges(coverage);
        if (anchoring.batches() != null) {
            ledger = LedgerCheck.fromBatches(anchoring.batches(), c.device(), anchoring.rpcUrl(), clock);
        } else if (anchoring.rpcUrl() != null && contract != null) {
            ledger = LedgerCheck.fromChain(c.device(), anchoring.rpcUrl(), contract, clock);
        } else {
            ledger = Ledger.none("an export carries no anchors; give --rpc and --contract to read them from the ledger");
        }
        ledger = PassportReport.withRecomputedRoots(ledger, c);
        if (anchoring.rpcUrl() != null && contract != null) {
            Ledger history = anchoring.batches() == null ? ledger : LedgerCheck.fromChain(c.device(), anchoring.rpcUrl(), contract, clock);
            completeness = PassportReport.completeness(history, coverage, Completeness.Basis.LEDGER, "the device's Anchored events"
                    + " on chain " + history.chainId() + " (contract " + contract + ") read at " + Html.time(clock.instant()) + "; " + file);
        } else if (anchoring.batches() != null && !anchoring.batches().isEmpty()) {
            completeness = PassportReport.completeness(ledger, coverage, Completeness.Basis.GATEWAY_CLAIM,
                    "the gateway's own anchor batches, not checked on the ledger (no --rpc); " + file);
        } else {
            completeness = Completeness.notChecked("only the file was read: " + file);
        }
        if (!PassportReport.entries(c, subject, report, ledger).hasNext()) {
            return Optional.empty();
        }
        Trust keys = trustInputs == null ? PassportReport.keysFromFile(c)
                : judge(c, trustInputs, anchoring.rpcUrl(), contract);
        Evidence ev = new Evidence(subject, c.device(), source, clock.instant(), PassportReport.fileCheck(report),
                keys, ledger, completeness);
        PassportWriter passport = new PassportWriter(kind);
        PassportReport.entries(c, subject, report, ledger).forEachRemaining(passport);
        OutputFile.write(out, o -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8), 64 * 1024);
            passport.write(w, ev);
            w.flush();
        }, inputs);
        boolean verified = report.verdict().valid() && !completeness.incomplete() && keys.failures().isEmpty()
                && ledger.anchors().stream().noneMatch(a -> a.status() == Ledger.Status.FAILED);
        return Optional.of(new Written("wrote " + out + ": " + passport.count() + " readings of " + subject + ", "
                + Html.plural(passport.rollbacks(), "rollback", "rollbacks")
                + (passport.rollbacks() == 0 ? "" : " (" + Html.plural(passport.inRollback(), "reading", "readings") + " inside)")
                + (completeness.incomplete() ? "; INCOMPLETE history: " + completeness.missing().get(0) + " missing" : ""), verified));
    }

    /**
     * The file's keys judged with the trust inputs ({@link io.certigate.verifier.trust.ExportTrustCheck}):
     * the chain to the root at the readings' times and, with the ledger, at the anchoring blocks' times
     * and the registry status at each anchoring block.
     */
    private static Trust judge(ExportFile.Contents c, TrustInputs t, String rpc, String contract) throws LedgerException {
        List<String> inputs = new java.util.ArrayList<>();
        inputs.add("consortium root " + t.root().getSubjectX500Principal().getName() + " (" + t.rootFile() + ")");
        if (rpc == null || contract == null) {
            io.certigate.verifier.trust.ExportTrustCheck check = new io.certigate.verifier.trust.ExportTrustCheck(
                    c.device(), c.chainsByKey(), t.root(), null, null);
            c.records().forEach(check::accept);
            return PassportReport.judged(c, check.finish(), inputs);
        }
        try (LedgerReader ledger = LedgerReader.connect(rpc, contract)) {
            io.certigate.verifier.completeness.LedgerHistory history =
                    io.certigate.verifier.completeness.LedgerHistory.read(ledger, c.device());
            io.certigate.verifier.ledger.DeviceRegistryReader registry = t.registry() == null ? null
                    : new io.certigate.verifier.ledger.DeviceRegistryReader(ledger, t.registry());
            inputs.add("the anchoring blocks' times on chain " + history.chainId());
            if (registry != null) {
                inputs.add("device registry " + t.registry() + " on chain " + history.chainId());
            }
            io.certigate.verifier.trust.ExportTrustCheck check = new io.certigate.verifier.trust.ExportTrustCheck(
                    c.device(), c.chainsByKey(), t.root(), registry, history, ledger::blockTime);
            c.records().forEach(check::accept);
            return PassportReport.judged(c, check.finish(), inputs);
        }
    }

    private static String ranges(List<long[]> coverage) {
        if (coverage.isEmpty()) {
            return "no record";
        }
        return coverage.stream().limit(5).map(r -> "seq " + r[0] + ".." + r[1]).collect(Collectors.joining(", "))
                + (coverage.size() > 5 ? " and " + (coverage.size() - 5) + " more ranges" : "")
                + (coverage.size() == 1 ? " without a gap" : "");
    }

    @Override
    public Integer call() {
        return VerificationExit.run("report", System.err, this::report);
    }

    private int report() throws Exception {
        Path source = input.export != null ? input.export : input.buffer.file;
        OutputFile.checkNotAnInput(out, source);
        try {
            if (rpc != null) {
                LedgerReader.checkRpcUrl(rpc);
            }
            if (contract != null) {
                LedgerReader.checkAddress(contract);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("report: " + e.getMessage());
            return 2;
        }
        if (input.export != null && rpc != null && contract == null) {
            System.err.println("report: --rpc with an export needs --contract (the anchor contract's address)");
            return 2;
        }
        trust.check(rpc);
        java.security.cert.X509Certificate root = trust.root();
        TrustInputs trustInputs = root == null ? null : new TrustInputs(root, trust.trustRoot.toString(), trust.registry);
        Path export = input.export;
        List<Batch> batches = null;
        if (export == null) {
            try (RecordBuffer b = RecordBuffer.openReadOnly(input.buffer.file, input.buffer.device)) {
                batches = new BatchStore(b).all();
                export = Files.createTempFile("certigate-report-", ".json");
                Exporter.export(b, Selection.ALL, export);
            } catch (Exception e) {
                if (export != null) {
                    Files.deleteIfExists(export);
                }
                throw e;
            }
        }
        try {
            Optional<Written> written = passport(ExportFile.read(export), input.export != null ? input.export.toString()
                    : "buffer " + input.buffer.file, subject, kind, new Anchoring(batches, rpc, contract), trustInputs, out, source);
            if (written.isEmpty()) {
                System.err.println("report: no readings of subject '" + subject + "' in " + source);
                return VerificationExit.UNUSABLE;
            }
            System.out.println(written.get().line());
            return written.get().verified() ? VerificationExit.VERIFIED : VerificationExit.FAILED;
        } finally {
            if (input.export == null) {
                Files.deleteIfExists(export);
            }
        }
    }
}
