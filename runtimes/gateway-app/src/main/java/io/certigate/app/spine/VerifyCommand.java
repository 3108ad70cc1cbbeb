package io.certigate.app.spine;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.VerdictJson;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.completeness.SeqRange;
import io.certigate.verifier.export.EntrySource;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportReader;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.signing.SignatureVerifier;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certigate verify FILE} or {@code certigate verify --buffer FILE --device ID}: checks an
 * export, a proof bundle or a buffer without trusting the gateway. An export and a buffer are read
 * as a stream, in constant memory, with the signatures checked on all cores; a proof bundle (small)
 * is read whole. An export's or a buffer's chain, and with {@code --rpc} and {@code --contract} its
 * completeness against the device's anchored history on the ledger ({@link ExportChecks}); a proof
 * bundle's signatures, inclusion and anchors (in the pinned contract). For every input, the trust in
 * the device keys from {@code --trust-root} and {@code --registry}, or a plain statement that the
 * keys were the file's own. Exit codes: {@link VerificationExit}.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check an export file, a proof bundle or a buffer without trusting the gateway.",
            "An export or a buffer: every signature, seq continuity and the prev-hash chain; each gap, reorder, duplicate,"
                + " fork, broken link or bad signature is reported by seq. The file is read as a stream, so memory stays"
                + " the same whatever its size, and signatures are checked on all cores (--threads). Without a trust"
                + " input, the keys are the ones the export or buffer carries: that proves the records were not changed"
                + " since they were signed with those keys, not who holds them.",
            "With --rpc and --contract, an export's or a buffer's completeness against the ledger: the device's anchored"
                + " batches are read from the anchor contract, each batch root is recomputed from the records and compared"
                + " with the root on chain, and the check fails if an anchored record is missing or the history continues"
                + " on the ledger past the end (unless --range asked for part of it). Records not anchored yet are reported"
                + " as such, not as a failure.",
            "A proof bundle: signatures, Merkle inclusion and, with --rpc and --contract, each anchor on chain in that"
                + " anchor contract (never the one the bundle names; offline otherwise, and it says so); with --trust-root"
                + " and --registry also each record's certificate chain up to the consortium root at the anchoring block's"
                + " time and at the reading's time, the reading dated no later than 5 minutes after its block, and the"
                + " device key active in the registry at the anchoring block (anchored before the key's rotation or"
                + " revocation: valid; at or after it: fails). --rpc needs --contract.",
            TrustOptions.HELP,
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

    @Option(names = "--rpc", paramLabel = "URL",
            description = "JSON-RPC URL of a ledger node: anchors, completeness and registry are read there; needs --contract.")
    String rpc;

    @Option(names = "--contract", paramLabel = "ADDRESS",
            description = "The anchor contract (CertigateAnchor) of the network: anchors and the device's anchored history are"
                    + " read from it, never from the file.")
    String contract;

    @Option(names = "--range", paramLabel = "FIRST..LAST",
            description = "For an export or a buffer: check completeness only within these seqs (a range export); the"
                    + " verdict says 'complete within the range'.")
    String range;

    @Mixin
    TrustOptions trust = new TrustOptions();

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
        if (kind == Kind.PROOF_BUNDLE && range != null) {
            throw new UsageException(file + " is a proof bundle: --range applies to export files and buffers only");
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

    private int verifyExport() throws Exception {
        SeqRange asked = range();
        try (ExportReader reader = ExportReader.open(file);
                ExportChecks checks = ExportChecks.open(reader.device(), reader.header().chainsByKey(), rpc, contract, trust,
                        asked)) {
            return chain(VerdictJson.InputKind.EXPORT, file.toString(), reader.device(), reader.keys(), reader, checks);
        }
    }

    private int verifyBuffer() throws Exception {
        SeqRange asked = range();
        try (RecordBuffer b = RecordBuffer.openReadOnly(buffer, device)) {
            Map<PublicKey, List<X509Certificate>> chains = new LinkedHashMap<>();
            for (List<X509Certificate> c : DeviceIdentity.chains(b)) {
                chains.put(c.get(0).getPublicKey(), c);
            }
            try (ExportChecks checks = ExportChecks.open(b.deviceId(), chains, rpc, contract, trust, asked)) {
                return chain(VerdictJson.InputKind.BUFFER, buffer.toString(), b.deviceId(), new ArrayList<>(chains.keySet()),
                        new BufferEntries(b, buffer), checks);
            }
        }
    }

    private SeqRange range() throws UsageException {
        try {
            return range == null ? null : SeqRange.parse(range);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--range: " + e.getMessage(), e);
        }
    }

    /** Verifies a device's chain from {@code entries}, prints the result, returns the exit code. */
    private int chain(VerdictJson.InputKind kind, String name, String dev, List<PublicKey> keys, EntrySource entries,
            ExportChecks checks) throws Exception {
        Progress progress = new Progress("verify", System.err, System::nanoTime, entries::fraction, Progress.wanted(quiet));
        VerificationReport r;
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
        try {
            r = new Verifier(SignatureVerifier.BOUNCY_CASTLE, pool, threads).chain(dev, keys, entries, observer(progress).andThen(checks.observer()));
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            progress.finish();
        }
        ExportChecks.Result result = checks.finish(r);
        Verdict verdict = result.verdict();
        if (json) {
            System.out.println(VerdictJson.chain(kind, name, r, verdict).toPrettyString());
        } else {
            printBody(r, System.out);
            if (result.completeness() != null) {
                System.out.println("ledger: chain " + result.history().chainId() + ", anchor contract "
                        + result.history().contract() + ", read up to block " + result.history().headBlock());
                printChecks(result.completeness(), System.out);
            } else {
                System.out.println("ledger: not consulted");
                System.out.println("  note " + ExportChecks.NO_LEDGER + ": NOT checked");
            }
            System.out.println("trust:");
            printChecks(result.trust(), System.out);
            System.out.println(resultLine(verdict));
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
        return verifyBundle(file, rpc, contract, trust, json, System.out);
    }

    /**
     * A proof bundle: signatures, inclusion and (with {@code rpc}) anchors in the pinned anchor
     * {@code contract} (offline, a bundle naming another contract fails too); the device trust from
     * {@code trust} (the chain to the root, and with a registry the key's status at each anchoring
     * block), or the plain statement that the bundle's own certificate was used. Prints text, or with
     * {@code json} one JSON document. Returns 0 verified, 1 a failure.
     *
     * @throws UsageException an option is malformed or missing its companion
     */
    public static int verifyBundle(Path file, String rpc, String contract, TrustOptions trust, boolean json, PrintStream out)
            throws Exception {
        LedgerOptions.check(rpc, contract, LedgerOptions.ContractNeed.BUNDLE, false);
        trust.check(rpc);
        X509Certificate root = trust.root();
        ProofBundle bundle = io.certigate.app.anchor.ProofCommand.read(file);
        if (rpc != null) {
            // a node that does not answer leaves the anchors unjudged: unusable settings (2), not a failure of the data
            try (io.certigate.verifier.ledger.LedgerReader ledger = io.certigate.verifier.ledger.LedgerReader.connect(rpc, contract)) {
                ledger.chainId();
            } catch (io.certigate.verifier.ledger.LedgerException e) {
                throw new UsageException("--rpc " + rpc + ": " + (e.unreachable() ? "no ledger node answers: " : "")
                        + e.getMessage(), e);
            }
        }
        Verdict proof = new Verifier().proof(bundle, rpc, contract);
        Verdict pinned = rpc == null && contract != null ? Verifier.pinnedContract(bundle, contract) : null;
        Verdict device;
        String conclusion;
        if (root == null) {
            device = new Verdict(List.of(), List.of(BUNDLE_SELF_ASSERTED));
            conclusion = null;
        } else if (trust.registry == null) {
            device = new Verifier().bundleChainTrust(bundle, root);
            conclusion = device.valid() ? "device trust: verified (registry not checked)" : "device trust: NOT verified";
        } else {
            device = io.certigate.app.provision.TrustCommand.verdict(bundle, trust.trustRoot, rpc, trust.registry, contract);
            conclusion = device.valid() ? "device trust: verified" : "device trust: NOT verified";
        }
        Verdict all = (pinned == null ? proof : proof.and(pinned)).and(device);
        if (json) {
            out.println(VerdictJson.proof(file.toString(), bundle, all).toPrettyString());
        } else {
            out.print(BundleVerifier.render(proof));
            if (pinned != null) {
                printChecks(pinned, out);
            }
            out.println("trust:");
            printChecks(device, out);
            if (conclusion != null) {
                out.println(conclusion);
            }
        }
        return all.valid() ? VerificationExit.VERIFIED : VerificationExit.FAILED;
    }

    /** {@link #verifyBundle(Path, String, String, TrustOptions, boolean, PrintStream)} as text. */
    public static int verifyBundle(Path file, String rpc, String contract, TrustOptions trust, PrintStream out)
            throws Exception {
        return verifyBundle(file, rpc, contract, trust, false, out);
    }

    /** What a bundle's verification says when no trust root was given. */
    public static final String BUNDLE_SELF_ASSERTED = "the device key was taken from the bundle's own certificate: the"
            + " records are intact and anchored as stated, but nothing shows the certificate comes from the consortium"
            + " (give --trust-root, and --registry with --rpc, to check that)";

    /** One line per check and per part left unchecked, indented. */
    public static void printChecks(Verdict v, PrintStream out) {
        for (Verdict.Check c : v.checks()) {
            out.println("  " + (c.ok() ? "ok   " : "FAIL ") + c.subject() + ": " + c.detail());
        }
        for (String n : v.notChecked()) {
            out.println("  note " + n);
        }
    }

    /** The last line: OK, OK with parts unchecked, or FAILED with the number of failed checks. */
    public static String resultLine(Verdict v) {
        return switch (v.result()) {
            case VALID -> "result: OK";
            case VALID_PARTIAL -> "result: OK (" + v.notChecked().size() + " part(s) not checked, see the notes above)";
            case INVALID -> "result: FAILED (" + v.failures().size() + " problem(s))";
        };
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
        printBody(r, out);
        out.println(r.ok() ? "result: OK" : "result: FAILED (" + r.failures() + " problem(s))");
    }

    /** The chain report without its result line. */
    public static void printBody(VerificationReport r, PrintStream out) {
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
    }
}
