package io.certigate.app.report;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.io.OutputFile;
import io.certigate.app.spine.LedgerOptions;
import io.certigate.app.spine.Progress;
import io.certigate.app.spine.VerificationExit;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.export.ExportFormatException;
import io.certigate.verifier.export.ExportReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
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
            "The input is read once, as a stream, so memory stays the same whatever its size; signatures are checked on"
                + " all cores. Progress (records, rate, time left) goes to standard error when it is a terminal and the run"
                + " takes more than a couple of seconds; --quiet turns it off.",
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

    @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
    boolean quiet;

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
     * Writes the passport of {@code subject} from an export to {@code out}, reading the export once, as a stream.
     *
     * @param source  the input in words ("export.json", "buffer buffer.db")
     * @param kind    the kind to chart, or null for the odometer or else the subject's first numeric kind
     * @param inputs  the files the passport is made from: {@code out} may not be one of them
     * @return the line describing what was written, or empty when the export has no reading of the subject
     */
    public static Optional<String> write(Path export, String source, String subject, String kind, Anchoring anchoring,
            Path out, Path... inputs) throws IOException, ExportFormatException, LedgerException, InterruptedException {
        return passport(export, source, subject, kind, anchoring, null, EntryObserver.NONE, out, inputs).map(Written::line);
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

    /**
     * {@link #write}, with the passport's verdict, the keys judged with {@code trustInputs} (null: the
     * file's own), each checked entry also shown to {@code watch} (the progress line).
     */
    public static Optional<Written> passport(Path export, String source, String subject, String kind,
            Anchoring anchoring, TrustInputs trustInputs, EntryObserver watch, Path out, Path... inputs)
            throws IOException, ExportFormatException, LedgerException, InterruptedException {
        try (ExportReader reader = ExportReader.open(export)) {
            return passport(PassportSource.of(reader), source, subject, kind, anchoring, trustInputs, watch, out, inputs);
        }
    }

    /** {@link #passport(Path, String, String, String, Anchoring, TrustInputs, EntryObserver, Path, Path...)} from an open input. */
    public static Optional<Written> passport(PassportSource input, String source, String subject, String kind,
            Anchoring anchoring, TrustInputs trustInputs, EntryObserver watch, Path out, Path... inputs)
            throws IOException, ExportFormatException, LedgerException, InterruptedException {
        String contract = anchoring.contract() != null ? anchoring.contract()
                : anchoring.batches() == null ? null
                : anchoring.batches().stream().map(Batch::contract).filter(Objects::nonNull).findFirst().orElse(null);
        try (LedgerReader node = anchoring.rpcUrl() != null && contract != null
                ? LedgerReader.connect(anchoring.rpcUrl(), contract) : null) {
            return new PassportRun(input, node, anchoring, trustInputs, Clock.systemUTC())
                    .write(source, subject, kind, watch, out, inputs);
        }
    }

    @Override
    public Integer call() {
        return VerificationExit.run("report", System.err, this::report);
    }

    private int report() throws Exception {
        Path source = input.export != null ? input.export : input.buffer.file;
        OutputFile.checkNotAnInput(out, source);
        LedgerOptions.check(rpc, contract, input.export != null ? LedgerOptions.ContractNeed.EXPORT
                : LedgerOptions.ContractNeed.NONE, false);
        trust.check(rpc);
        java.security.cert.X509Certificate root = trust.root();
        TrustInputs trustInputs = root == null ? null : new TrustInputs(root, trust.trustRoot.toString(), trust.registry);
        if (input.export != null) {
            try (ExportReader reader = ExportReader.open(input.export)) {
                return report(PassportSource.of(reader), input.export.toString(), null, trustInputs, source);
            }
        }
        try (RecordBuffer b = RecordBuffer.openReadOnly(input.buffer.file, input.buffer.device)) {
            return report(PassportSource.of(b, input.buffer.file), "buffer " + input.buffer.file, new BatchStore(b).all(),
                    trustInputs, source);
        }
    }

    /** Writes the passport from {@code in}, with progress, prints what was written; returns the exit code. */
    private int report(PassportSource in, String name, List<Batch> batches, TrustInputs trustInputs, Path source)
            throws Exception {
        Progress progress = new Progress("report", System.err, System::nanoTime, in.entries()::fraction, Progress.wanted(quiet));
        Optional<Written> written;
        try {
            written = passport(in, name, subject, kind, new Anchoring(batches, rpc, contract), trustInputs, progress, out, source);
        } finally {
            progress.finish();
        }
        if (written.isEmpty()) {
            System.err.println("report: no readings of subject '" + subject + "' in " + source);
            return VerificationExit.UNUSABLE;
        }
        System.out.println(written.get().line());
        return written.get().verified() ? VerificationExit.VERIFIED : VerificationExit.FAILED;
    }
}
