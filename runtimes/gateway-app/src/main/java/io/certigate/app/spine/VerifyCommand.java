package io.certigate.app.spine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.completeness.SeqRange;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import java.security.cert.X509Certificate;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportFormatException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certigate verify FILE}: checks an export or a proof bundle without trusting the gateway.
 * An export's chain, and with {@code --rpc} and {@code --contract} its completeness against the
 * device's anchored history on the ledger ({@link ExportChecks}); a proof bundle's signatures,
 * inclusion and anchors. For both, the trust in the device keys from {@code --trust-root} and
 * {@code --registry}, or a plain statement that the keys were the file's own.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check an export file or a proof bundle without trusting the gateway. Exit 0 verified, 1 a"
                + " verification failure, 2 unusable input or options (each message names what is wrong).",
            "An export: every signature, seq continuity and the prev-hash chain (each gap, reorder, duplicate, fork,"
                + " broken link or bad signature reported by seq). With --rpc and --contract, also its completeness"
                + " against the ledger: the device's anchored batches are read from the anchor contract, each batch root"
                + " is recomputed from the export's records and compared with the root on chain, and the export fails"
                + " if an anchored record is missing or the history continues on the ledger past its end (unless"
                + " --range asked for part of it). Records not anchored yet are reported as such, not as a failure.",
            "A proof bundle: signatures, Merkle inclusion and, with --rpc and --contract, each anchor on chain in that"
                + " anchor contract (never the one the bundle names; offline otherwise, and it says so); with --trust-root"
                + " and --registry also each record's certificate chain up to the consortium root at the anchoring block's"
                + " time and at the reading's time, the reading dated no later than 5 minutes after its block, and the"
                + " device key active in the registry at the anchoring block (anchored before the key's rotation or"
                + " revocation: valid; at or after it: fails). --rpc needs --contract.",
            TrustOptions.HELP})
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Export file ('certigate export') or proof bundle ('certigate proof export').")
    Path file;

    @Option(names = "--rpc", paramLabel = "URL", description = "JSON-RPC URL of a ledger node: anchors, completeness and registry are read there.")
    String rpc;

    @Option(names = "--contract", paramLabel = "ADDRESS",
            description = "The anchor contract (CertigateAnchor) of the network: the device's anchored history is read from it, never from the file.")
    String contract;

    @Option(names = "--range", paramLabel = "FIRST..LAST",
            description = "For an export: check completeness only within these seqs (a range export); the verdict says 'complete within the range'.")
    String range;

    @Mixin
    TrustOptions trust = new TrustOptions();

    @Option(names = "--json", description = "For an export file: print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try {
            return isProofBundle(file) ? verifyBundle() : verifyExport();
        } catch (UsageException e) {
            System.err.println("verify: " + e.getMessage());
            return 2;
        }
    }

    private int verifyExport() throws UsageException {
        SeqRange asked;
        try {
            asked = range == null ? null : SeqRange.parse(range);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--range: " + e.getMessage(), e);
        }
        ExportFile.Contents c;
        try {
            c = ExportFile.read(file);
        } catch (ExportFormatException e) {
            throw new UsageException(e.getMessage(), e);
        }
        ExportChecks checks = ExportChecks.run(c, rpc, contract, trust, asked);
        Verdict v = checks.verdict();
        if (json) {
            ObjectNode o = toJson(checks.chain());
            o.put("result", v.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            if (checks.completeness() != null) {
                o.set("completeness", toJson(checks.completeness()));
            }
            o.set("trust", toJson(checks.trust()));
            System.out.println(o.toPrettyString());
        } else {
            printBody(checks.chain(), System.out);
            if (checks.completeness() != null) {
                System.out.println("ledger: chain " + checks.history().chainId() + ", anchor contract " + checks.history().contract()
                        + ", read up to block " + checks.history().headBlock());
                printChecks(checks.completeness(), System.out);
            } else {
                System.out.println("ledger: not consulted");
                System.out.println("  note " + ExportChecks.NO_LEDGER + ": NOT checked");
            }
            System.out.println("trust:");
            printChecks(checks.trust(), System.out);
            System.out.println(resultLine(v));
        }
        return v.valid() ? 0 : 1;
    }

    private int verifyBundle() throws Exception {
        List<String> refused = new ArrayList<>();
        if (json) {
            refused.add("--json");
        }
        if (range != null) {
            refused.add("--range");
        }
        if (!refused.isEmpty()) {
            throw new UsageException(file + " is a proof bundle: " + String.join(", ", refused)
                    + (refused.size() == 1 ? " applies" : " apply") + " to export files only");
        }
        return verifyBundle(file, rpc, contract, trust, System.out);
    }

    /**
     * A proof bundle: signatures, inclusion and (with {@code rpc}) anchors; with {@code contract}, the
     * anchors pinned to that contract; the device trust from {@code trust} (the chain to the root, and
     * with a registry the key's status at each anchoring block), or the plain statement that the
     * bundle's own certificate was used. Returns 0 verified, 1 a failure.
     *
     * @throws UsageException an option is malformed or missing its companion
     */
    public static int verifyBundle(Path file, String rpc, String contract, TrustOptions trust, PrintStream out)
            throws Exception {
        if (rpc != null) {
            TrustOptions.rpcUrl(rpc);
            String error = io.certigate.app.anchor.ProofCommand.contractError("verify", contract);
            if (error != null) {
                throw new UsageException(error.substring(error.indexOf(": ") + 2));
            }
        }
        if (contract != null) {
            TrustOptions.address("--contract", contract);
        }
        trust.check(rpc);
        X509Certificate root = trust.root();
        ProofBundle bundle;
        try {
            bundle = ProofBundleJson.read(java.nio.file.Files.readAllBytes(file));
        } catch (io.certigate.verifier.proof.ProofFormatException e) {
            throw new UsageException(file + ": " + e.getMessage(), e);
        }
        int proof = io.certigate.app.anchor.ProofCommand.verify(file, rpc, contract, out);
        int pinned = 0;
        if (rpc == null && contract != null) { // online, the anchors are checked in the pinned contract itself
            Verdict p = Verifier.pinnedContract(bundle, contract);
            printChecks(p, out);
            pinned = p.valid() ? 0 : 1;
        }
        out.println("trust:");
        int device;
        if (root == null) {
            out.println("  note " + BUNDLE_SELF_ASSERTED);
            device = 0;
        } else if (trust.registry == null) {
            Verdict t = new Verifier().bundleChainTrust(bundle, root);
            printChecks(t, out);
            out.println(t.valid() ? "device trust: verified (registry not checked)" : "device trust: NOT verified");
            device = t.valid() ? 0 : 1;
        } else {
            device = io.certigate.app.provision.TrustCommand.verify(file, trust.trustRoot, rpc, trust.registry, contract, out);
        }
        return Math.max(proof, Math.max(pinned, device));
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

    public static ObjectNode toJson(Verdict v) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("result", v.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        ArrayNode checks = o.putArray("checks");
        for (Verdict.Check c : v.checks()) {
            ObjectNode n = checks.addObject();
            n.put("subject", c.subject());
            n.put("seq", c.seq());
            n.put("ok", c.ok());
            n.put("detail", c.detail());
        }
        ArrayNode not = o.putArray("notChecked");
        v.notChecked().forEach(not::add);
        return o;
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
    }

    public static ObjectNode toJson(VerificationReport r) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("device", r.device());
        o.put("ok", r.ok());
        o.put("records", r.records());
        o.put("verified", r.verified());
        o.put("erased", r.erased());
        o.put("omitted", r.omitted());
        o.put("firstSeq", r.firstSeq());
        o.put("lastSeq", r.lastSeq());
        ArrayNode a = o.putArray("findings");
        for (Finding f : r.findings()) {
            ObjectNode n = a.addObject();
            n.put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            n.put("seq", f.seq());
            n.put("failure", f.kind().isFailure());
            n.put("detail", f.detail());
        }
        return o;
    }
}
