package io.certigate.app.report;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.io.OutputFile;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.app.spine.ExportChecks;
import io.certigate.app.spine.TrustOptions;
import io.certigate.app.spine.UsageException;
import io.certigate.app.spine.VerifyCommand;
import io.certigate.core.buffer.BufferException;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.completeness.SeqRange;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code certigate report --subject VIN -o passport.html}: a subject's certified history as one HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the passport report (HTML) of a subject such as a VIN or a meter id.",
            "It holds a timeline chart and every reading with its verdicts (signature, chain, anchor), anomalies such as"
                + " rollbacks highlighted.",
            "With --rpc and --contract, each reading's anchor is taken from the ledger (the device's anchored history in"
                + " that contract) and the export's completeness against it is checked; from a buffer without them, the"
                + " anchors are the gateway's own record of its batches, marked as such.",
            io.certigate.app.spine.TrustOptions.HELP,
            "A buffer is opened read-only and never created; -o is written whole or not at all and may not be an input.",
            "Exit 0 written, 1 no reading of the subject, 2 unusable input or options."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--subject", required = true, description = "VIN or meter id.")
    String subject;

    @Option(names = "--kind", description = "Kind to chart (default: vehicle.odometer, or the subject's first numeric kind).")
    String kind;

    @Option(names = {"-o", "--out"}, required = true, description = "HTML file to write.")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--rpc", paramLabel = "URL", description = "JSON-RPC URL of a ledger node (anchors, completeness, registry).")
    String rpc;

    @Option(names = "--contract", paramLabel = "ADDRESS", description = "The anchor contract the device's anchored history is read from.")
    String contract;

    @Option(names = "--range", paramLabel = "FIRST..LAST", description = "Check completeness only within these seqs.")
    String range;

    @Mixin
    TrustOptions trust = new TrustOptions();

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
     * Writes the passport of {@code subject} from an export to {@code out}.
     *
     * @param kind    the kind to chart, or null for the odometer or else the subject's first numeric kind
     * @param anchors where a seq was anchored, or null when not known
     * @param inputs  the files the passport is made from: {@code out} may not be one of them
     * @return the line describing what was written, or empty when the export has no reading of the subject
     */
    public static Optional<String> write(ExportFile.Contents c, String subject, String kind, LongFunction<String> anchors,
            Path out, Path... inputs) throws IOException {
        List<PassportEntry> entries = PassportReport.entries(c, subject, anchors);
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        String chartKind = kind != null ? kind : entries.stream().map(e -> e.reading().reading().kind())
                .filter(k -> k.equals("vehicle.odometer")).findFirst()
                .orElse(entries.stream().filter(e -> e.reading().reading().value().asDouble().isPresent())
                        .map(e -> e.reading().reading().kind()).findFirst().orElse(entries.get(0).reading().reading().kind()));
        OutputFile.write(out, PassportReport.html(subject, c.device(), chartKind, entries, Instant.now())
                .getBytes(StandardCharsets.UTF_8), inputs);
        long anomalies = entries.stream().filter(e -> e.anomaly() != null).count();
        return Optional.of("wrote " + out + ": " + entries.size() + " readings of " + subject + ", " + anomalies
                + " anomal" + (anomalies == 1 ? "y" : "ies"));
    }

    @Override
    public Integer call() throws Exception {
        try {
            return report();
        } catch (UsageException e) {
            System.err.println("report: " + e.getMessage());
            return 2;
        }
    }

    private int report() throws Exception {
        Path source = input.export != null ? input.export : input.buffer.file;
        OutputFile.checkNotAnInput(out, source);
        SeqRange asked;
        try {
            asked = range == null ? null : SeqRange.parse(range);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--range: " + e.getMessage(), e);
        }
        Path export = input.export;
        LongFunction<String> gatewayAnchors = null;
        if (export == null) {
            try (RecordBuffer b = RecordBuffer.openReadOnly(input.buffer.file, input.buffer.device)) {
                export = Files.createTempFile("certigate-report-", ".json");
                Exporter.export(b, Selection.ALL, export);
                gatewayAnchors = gatewayAnchors(b);
            } catch (Exception e) {
                if (export != null) {
                    Files.deleteIfExists(export);
                }
                throw e;
            }
        }
        try {
            ExportFile.Contents c;
            try {
                c = ExportFile.read(export);
            } catch (ExportFormatException e) {
                throw new UsageException(e.getMessage(), e);
            }
            ExportChecks checks = ExportChecks.run(c, rpc, contract, trust, asked);
            LongFunction<String> anchors = checks.history() != null ? ledgerAnchors(checks.history()) : gatewayAnchors;
            Optional<String> line = write(c, subject, kind, anchors, out, source);
            if (line.isEmpty()) {
                System.err.println("report: no readings of subject '" + subject + "' in " + source);
                return 1;
            }
            System.out.println(line.get());
            Verdict v = checks.verdict();
            v.failures().forEach(f -> System.out.println("  FAIL " + f.subject() + ": " + f.detail()));
            v.notChecked().forEach(n -> System.out.println("  note " + n));
            System.out.println(VerifyCommand.resultLine(v));
            return 0;
        } finally {
            if (input.export == null) {
                Files.deleteIfExists(export);
            }
        }
    }

    /**
     * Where the buffer's own batch records say each seq was anchored ("block N (gateway's record)"),
     * null for a seq in no anchored batch. Not checked on chain: give --rpc and --contract for that.
     */
    static LongFunction<String> gatewayAnchors(RecordBuffer buffer) throws BufferException {
        java.util.TreeMap<Long, Batch> anchored = new java.util.TreeMap<>();
        new BatchStore(buffer).all().stream().filter(b -> b.state() == Batch.State.ANCHORED)
                .forEach(b -> anchored.put(b.firstSeq(), b));
        return seq -> Optional.ofNullable(anchored.floorEntry(seq)).map(java.util.Map.Entry::getValue)
                .filter(b -> b.contains(seq))
                .map(b -> "block " + b.blockNumber() + " (gateway's record, not checked on chain)").orElse(null);
    }

    /** Where the ledger says each seq was anchored ("block N, tx T"), null for a seq in no anchored range. */
    static LongFunction<String> ledgerAnchors(LedgerHistory history) {
        return seq -> history.rangeOf(seq).map(r -> "block " + r.blockNumber() + ", tx " + r.txHash()).orElse(null);
    }
}
