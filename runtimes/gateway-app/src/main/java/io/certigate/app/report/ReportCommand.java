package io.certigate.app.report;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.io.OutputFile;
import io.certigate.app.spine.Progress;
import io.certigate.app.spine.VerificationExit;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certigate report --subject VIN -o passport.html}: a subject's certified history as one HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the passport report (HTML) of a subject such as a VIN or a meter id.",
            "It holds a timeline chart and every reading with its verdicts (signature, chain, anchor), anomalies such as"
                + " rollbacks highlighted.",
            "A buffer is opened read-only and never created; -o is written whole or not at all and may not be an input.",
            "The input is read once, as a stream, its signatures checked on all cores; progress goes to standard error"
                + " when it is a terminal (--quiet turns it off).",
            VerificationExit.HELP + " With exit 1 the passport is written and shows the problems; a subject without"
                + " readings in the input is exit 2."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--subject", required = true, description = "VIN or meter id.")
    String subject;

    @Option(names = "--kind", description = "Kind to chart (default: vehicle.odometer, or the subject's first numeric kind).")
    String kind;

    @Option(names = {"-o", "--out"}, required = true, description = "HTML file to write.")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
    boolean quiet;

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
     * Writes the passport of {@code subject} from an export to {@code out}.
     *
     * @param kind    the kind to chart, or null for the odometer or else the subject's first numeric kind
     * @param anchors where a seq was anchored, or null when not known
     * @param inputs  the files the passport is made from: {@code out} may not be one of them
     * @return the line describing what was written, or empty when the export has no reading of the subject
     */
    public static Optional<String> write(ExportFile.Contents c, String subject, String kind, LongFunction<String> anchors,
            Path out, Path... inputs) throws IOException {
        return write(c.device(), PassportReport.entries(c, subject, anchors), subject, kind, out, inputs);
    }

    /** Writes the passport of {@code subject}'s {@code entries} (gathered by a {@link PassportReport.Collector}). */
    static Optional<String> write(String device, List<PassportEntry> entries, String subject, String kind, Path out,
            Path... inputs) throws IOException {
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        String chartKind = kind != null ? kind : entries.stream().map(e -> e.reading().reading().kind())
                .filter(k -> k.equals("vehicle.odometer")).findFirst()
                .orElse(entries.stream().filter(e -> e.reading().reading().value().asDouble().isPresent())
                        .map(e -> e.reading().reading().kind()).findFirst().orElse(entries.get(0).reading().reading().kind()));
        OutputFile.write(out, PassportReport.html(subject, device, chartKind, entries, Instant.now())
                .getBytes(StandardCharsets.UTF_8), inputs);
        long anomalies = entries.stream().filter(e -> e.anomaly() != null).count();
        return Optional.of("wrote " + out + ": " + entries.size() + " readings of " + subject + ", " + anomalies
                + " anomal" + (anomalies == 1 ? "y" : "ies"));
    }

    @Override
    public Integer call() {
        return VerificationExit.run("report", System.err, this::report);
    }

    private int report() throws Exception {
        Path source = input.export != null ? input.export : input.buffer.file;
        OutputFile.checkNotAnInput(out, source);
        Path export = input.export;
        if (export == null) {
            try (RecordBuffer b = RecordBuffer.openReadOnly(input.buffer.file, input.buffer.device)) {
                export = Files.createTempFile("certigate-report-", ".json");
                Exporter.export(b, Selection.ALL, export);
            } catch (Exception e) {
                if (export != null) {
                    Files.deleteIfExists(export);
                }
                throw e;
            }
        }
        try (ExportReader reader = ExportReader.open(export)) {
            // read once, as a stream: the chain verified on all cores, the subject's readings gathered on the way
            PassportReport.Collector collector = new PassportReport.Collector(subject, null);
            Progress progress = new Progress("report", System.err, System::nanoTime, reader::fraction, Progress.wanted(quiet));
            int threads = Runtime.getRuntime().availableProcessors();
            ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "report-signatures");
                t.setDaemon(true);
                return t;
            }) : null;
            VerificationReport verified;
            try {
                verified = new Verifier(SignatureVerifier.BOUNCY_CASTLE, pool, threads).export(reader,
                        collector.andThen(progress));
            } finally {
                if (pool != null) {
                    pool.shutdownNow();
                }
                progress.finish();
            }
            Optional<String> line = write(reader.device(), collector.entries(), subject, kind, out, source);
            if (line.isEmpty()) {
                System.err.println("report: no readings of subject '" + subject + "' in " + source);
                return VerificationExit.UNUSABLE;
            }
            System.out.println(line.get());
            if (!verified.ok()) {
                System.out.println("the passport shows " + verified.failures() + " verification problem(s)");
                return VerificationExit.FAILED;
            }
            return VerificationExit.VERIFIED;
        } finally {
            if (input.export == null) {
                Files.deleteIfExists(export);
            }
        }
    }
}
