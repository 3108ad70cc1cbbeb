package io.certigate.app.spine;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.VerdictJson;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.EntrySource;
import io.certigate.verifier.export.ExportEntry;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportFormatException;
import io.certigate.verifier.export.ExportReader;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.signing.SignatureVerifier;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certigate verify FILE} or {@code certigate verify --buffer FILE --device ID}: checks an
 * export, a proof bundle or a buffer without trusting the gateway. An export and a buffer are read
 * as a stream, in constant memory, with the signatures checked on all cores; a proof bundle (small)
 * is read whole. For a proof bundle, with {@code --trust-root} and {@code --registry}, also each
 * record's device trust. Exit codes: {@link VerificationExit}.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check an export file, a proof bundle or a buffer without trusting the gateway.",
            "An export or a buffer: every signature, seq continuity and the prev-hash chain; each gap, reorder, duplicate,"
                + " fork, broken link or bad signature is reported by seq. The file is read as a stream, so memory stays"
                + " the same whatever its size, and signatures are checked on all cores (--threads). Without a trust"
                + " input, the keys are the ones the export or buffer carries: that proves the records were not changed"
                + " since they were signed with those keys, not who holds them.",
            "A proof bundle: signatures, Merkle inclusion and, with --rpc, each anchor on chain (offline otherwise, and it"
                + " says so); with --trust-root and --registry also each record's certificate chain up to the consortium"
                + " root and the device key's registry status at the anchoring block (anchored before a revocation:"
                + " valid; after it: fails). --rpc, --trust-root and --registry apply to proof bundles only.",
            "Progress (records, rate, time left) goes to standard error when it is a terminal and the run takes more than"
                + " a couple of seconds; --quiet turns it off. --json prints one JSON document, the same schema for every"
                + " input (verify/verifier/README.md).",
            "An option that does not apply to the input given is refused (exit 2).",
            VerificationExit.HELP})
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..1",
            description = "Export file ('certigate export') or proof bundle ('certigate proof export').")
    Path file;

    @Option(names = "--buffer", paramLabel = "FILE", description = "A buffer file (opened read-only) instead of FILE; needs --device.")
    Path buffer;

    @Option(names = "--device", description = "With --buffer: the buffer's device id.")
    String device;

    @Option(names = "--rpc", description = "For a proof bundle: JSON-RPC URL of a ledger node to check the anchors against.")
    String rpc;

    @Option(names = "--trust-root", paramLabel = "FILE",
            description = "For a proof bundle: the consortium root certificate (PEM or DER); needs --registry and --rpc.")
    Path trustRoot;

    @Option(names = "--registry", paramLabel = "ADDRESS",
            description = "For a proof bundle: the DeviceRegistry contract address; needs --trust-root and --rpc.")
    String registry;

    @Option(names = "--json", description = "Print the result as one JSON document (same schema for every input).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
    boolean quiet;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads checking signatures (default: one per core, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    /** What is being verified. */
    enum Kind { EXPORT, PROOF_BUNDLE, BUFFER }

    @Override
    public Integer call() {
        return VerificationExit.run("verify", System.err, this::verify);
    }

    private int verify() throws Exception {
        Kind kind = kind();
        if (kind == null) {
            return VerificationExit.UNUSABLE;
        }
        List<String> refused = kind == Kind.PROOF_BUNDLE ? List.of() : proofOnlyGiven();
        if (!refused.isEmpty()) {
            String options = String.join(", ", refused) + (refused.size() == 1 ? " applies" : " apply");
            System.err.println("verify: " + (kind == Kind.BUFFER ? "a buffer" : file + " is an export,")
                    + " which carries no anchors: " + options + " to proof bundles only ('certigate proof export')");
            return VerificationExit.UNUSABLE;
        }
        if ((trustRoot != null || registry != null) && (trustRoot == null || registry == null || rpc == null)) {
            System.err.println("verify: the device trust check needs --trust-root, --registry and --rpc together");
            return VerificationExit.UNUSABLE;
        }
        if (threads < 1) {
            System.err.println("verify: --threads must be at least 1");
            return VerificationExit.UNUSABLE;
        }
        return switch (kind) {
            case PROOF_BUNDLE -> verifyProof();
            case EXPORT -> verifyExport();
            case BUFFER -> verifyBuffer();
        };
    }

    /** The input's kind, or null after saying why the inputs given cannot be used. */
    private Kind kind() {
        if ((file == null) == (buffer == null)) {
            System.err.println("verify: give either FILE or --buffer FILE --device ID");
            return null;
        }
        if (buffer != null && device == null) {
            System.err.println("verify: --buffer needs --device");
            return null;
        }
        if (buffer == null && device != null) {
            System.err.println("verify: --device applies to --buffer only");
            return null;
        }
        return buffer != null ? Kind.BUFFER : isProofBundle(file) ? Kind.PROOF_BUNDLE : Kind.EXPORT;
    }

    /** The given options that apply to proof bundles only (they check anchors and device trust), for an export or a buffer. */
    private List<String> proofOnlyGiven() {
        List<String> given = new ArrayList<>();
        if (rpc != null) {
            given.add("--rpc");
        }
        if (trustRoot != null) {
            given.add("--trust-root");
        }
        if (registry != null) {
            given.add("--registry");
        }
        return given;
    }

    private int verifyExport() throws Exception {
        try (ExportReader reader = ExportReader.open(file)) {
            return chain(VerdictJson.InputKind.EXPORT, file.toString(), reader.device(), reader.keys(), reader);
        }
    }

    private int verifyBuffer() throws Exception {
        try (RecordBuffer b = RecordBuffer.openReadOnly(buffer, device)) {
            List<PublicKey> keys = new ArrayList<>();
            for (List<X509Certificate> c : DeviceIdentity.chains(b)) {
                keys.add(c.get(0).getPublicKey());
            }
            return chain(VerdictJson.InputKind.BUFFER, buffer.toString(), b.deviceId(), keys, bufferEntries(b));
        }
    }

    /** A buffer's records in seq order, page by page. */
    private EntrySource bufferEntries(RecordBuffer b) {
        long last = b.head().seq();
        Iterator<StoredRecord> records = Exporter.scan(b, 1, Long.MAX_VALUE);
        return new EntrySource() {
            private long seq;

            @Override
            public ExportEntry next() throws ExportFormatException {
                try {
                    if (!records.hasNext()) {
                        return null;
                    }
                    StoredRecord r = records.next();
                    seq = r.seq();
                    return new ExportEntry(r, false);
                } catch (UncheckedIOException e) {
                    throw new ExportFormatException(buffer + ": " + e.getCause().getMessage(), e);
                }
            }

            @Override
            public double fraction() {
                return last <= 0 ? -1 : Math.min(1.0, (double) seq / last);
            }
        };
    }

    /** Verifies a device's chain from {@code entries}, prints the result, returns the exit code. */
    private int chain(VerdictJson.InputKind kind, String name, String dev, List<PublicKey> keys, EntrySource entries)
            throws Exception {
        Progress progress = new Progress("verify", System.err, System::nanoTime, entries::fraction, Progress.wanted(quiet));
        VerificationReport r;
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
        try {
            r = new Verifier(SignatureVerifier.BOUNCY_CASTLE, pool, threads).chain(dev, keys, entries, observer(progress));
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            progress.finish();
        }
        Verdict verdict = r.verdict();
        if (json) {
            System.out.println(VerdictJson.chain(kind, name, r, verdict).toPrettyString());
        } else {
            print(r, System.out);
        }
        return verdict.valid() ? VerificationExit.VERIFIED : VerificationExit.FAILED;
    }

    /**
     * What watches each checked entry while the chain is verified: the progress line. Checks that
     * need the whole history in one pass (completeness against the ledger, batch roots) join here
     * ({@link EntryObserver#andThen}).
     */
    EntryObserver observer(Progress progress) {
        return progress;
    }

    private int verifyProof() throws Exception {
        ProofBundle b = io.certigate.app.anchor.ProofCommand.read(file);
        Verdict proof = new Verifier().proof(b, rpc);
        Verdict trust = trustRoot == null ? null
                : io.certigate.app.provision.TrustCommand.verdict(b, trustRoot, rpc, registry);
        Verdict all = trust == null ? proof : proof.and(trust);
        if (json) {
            System.out.println(VerdictJson.proof(file.toString(), b, all).toPrettyString());
        } else {
            System.out.print(BundleVerifier.render(proof));
            if (trust != null) {
                System.out.print(io.certigate.verifier.trust.DeviceTrustVerifier.render(trust));
            }
        }
        return all.valid() ? VerificationExit.VERIFIED : VerificationExit.FAILED;
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "verify-signatures");
            t.setDaemon(true);
            return t;
        };
    }

    /** Peeks at the top-level "format" field without reading the whole (possibly large) file. */
    private static boolean isProofBundle(Path file) {
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if ("format".equals(name)) {
                    return p.getValueAsString("").startsWith("certigate-proof/");
                }
                p.skipChildren();
            }
            return false;
        } catch (java.io.IOException e) {
            return false; // reported by the export reader with the file's name
        }
    }

    /** An export held in memory, verified on the caller's thread (the demo's and tests' small exports). */
    public static VerificationReport verify(ExportFile.Contents c) {
        return new Verifier().export(c);
    }

    public static void print(VerificationReport r, PrintStream out) {
        out.printf("device %s: %d records, seq %d..%d%n", r.device(), r.records(), r.firstSeq(), r.lastSeq());
        out.printf("  verified  %d signatures and chain links%n", r.verified());
        out.printf("  erased    %d (payload dropped, hashes kept)%n", r.erased());
        out.printf("  omitted   %d (outside the export's selection, hashes kept)%n", r.omitted());
        for (Finding f : r.findings()) {
            if (f.kind() != Finding.Kind.ERASED) {
                out.println("  " + (f.kind().isFailure() ? "FAIL " : "note ") + f);
            }
        }
        if (r.unlistedFailures() + r.unlistedNotes() > 0) {
            out.printf("  ... and %d more findings (%d failures), not listed%n", r.unlistedFailures() + r.unlistedNotes(),
                    r.unlistedFailures());
        }
        out.println(r.ok() ? "result: OK" : "result: FAILED (" + r.failures() + " problem(s))");
    }
}
