package io.certigate.app.spine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.verifier.Verifier;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certigate verify FILE}: checks an export or a proof bundle without trusting the gateway;
 * for a proof bundle, with {@code --rpc} and {@code --contract} its anchors in the pinned anchor
 * contract, and with {@code --trust-root} and {@code --registry} also each record's device trust
 * (certificate chain to the consortium root at the anchoring block's and the reading's time,
 * registry status at the anchoring block).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check an export file or a proof bundle without trusting the gateway; exit 1 on any failure.",
            "An export: every signature, seq continuity and the prev-hash chain; each gap, reorder, duplicate, fork,"
                + " broken link or bad signature is reported by seq. --json applies to exports only.",
            "A proof bundle: signatures, Merkle inclusion and, with --rpc and --contract, each anchor on chain in that"
                + " anchor contract (never the one the bundle names; offline otherwise, and it says so); with --trust-root"
                + " and --registry also each record's certificate chain up to the consortium root at the anchoring block's"
                + " time and at the reading's time, the reading dated no later than 5 minutes after its block, and the"
                + " device key active in the registry at the anchoring block (anchored before the key's rotation or"
                + " revocation: valid; at or after it: fails). --rpc, --contract, --trust-root and --registry apply to"
                + " proof bundles only.",
            "An option that does not apply to the file given is refused (exit 2)."})
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Export file ('certigate export') or proof bundle ('certigate proof export').")
    Path file;

    @Option(names = "--rpc", description = "For a proof bundle: JSON-RPC URL of a ledger node to check the anchors against;"
            + " needs --contract.")
    String rpc;

    @Option(names = "--contract", paramLabel = "ADDRESS",
            description = "For a proof bundle, with --rpc: the consortium's CertigateAnchor contract the anchors must be in.")
    String contract;

    @Option(names = "--trust-root", paramLabel = "FILE",
            description = "For a proof bundle: the consortium root certificate (PEM or DER); needs --registry, --rpc and --contract.")
    Path trustRoot;

    @Option(names = "--registry", paramLabel = "ADDRESS",
            description = "For a proof bundle: the DeviceRegistry contract address; needs --trust-root, --rpc and --contract.")
    String registry;

    @Option(names = "--json", description = "For an export file: print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        boolean trust = trustRoot != null || registry != null;
        boolean proofBundle = isProofBundle(file);
        List<String> refused = proofBundle ? exportOnlyGiven() : proofOnlyGiven();
        if (!refused.isEmpty()) {
            String options = String.join(", ", refused) + (refused.size() == 1 ? " applies" : " apply");
            System.err.println("verify: " + file + (proofBundle
                    ? " is a proof bundle: " + options + " to export files only"
                    : " is an export, which carries no anchors: " + options + " to proof bundles only ('certigate proof"
                            + " export')"));
            return 2;
        }
        if (trust && (trustRoot == null || registry == null || rpc == null || contract == null)) {
            System.err.println("verify: the device trust check needs --trust-root, --registry, --rpc and --contract"
                    + " together");
            return 2;
        }
        if (proofBundle && (rpc != null || contract != null)) {
            String error = rpc == null ? "verify: --contract applies with --rpc only"
                    : io.certigate.app.anchor.ProofCommand.contractError("verify", contract);
            if (error != null) {
                System.err.println(error);
                return 2;
            }
        }
        if (proofBundle) {
            int proof = io.certigate.app.anchor.ProofCommand.verify(file, rpc, contract, System.out);
            if (!trust) {
                return proof;
            }
            int device = io.certigate.app.provision.TrustCommand.verify(file, trustRoot, rpc, registry, contract,
                    System.out);
            return Math.max(proof, device);
        }
        ExportFile.Contents c;
        try {
            c = ExportFile.read(file);
        } catch (ExportFormatException e) {
            System.err.println("verify: " + e.getMessage());
            return 2;
        }
        VerificationReport r = verify(c);
        if (json) {
            System.out.println(toJson(r).toPrettyString());
        } else {
            print(r, System.out);
        }
        return r.verdict().valid() ? 0 : 1;
    }

    /** The given options that apply to export files only, for a proof bundle: its report has no JSON form. */
    private List<String> exportOnlyGiven() {
        return json ? List.of("--json") : List.of();
    }

    /** The given options that apply to proof bundles only (they check anchors and device trust), for an export. */
    private List<String> proofOnlyGiven() {
        List<String> given = new ArrayList<>();
        if (rpc != null) {
            given.add("--rpc");
        }
        if (contract != null) {
            given.add("--contract");
        }
        if (trustRoot != null) {
            given.add("--trust-root");
        }
        if (registry != null) {
            given.add("--registry");
        }
        return given;
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
        out.printf("device %s: %d records, seq %d..%d%n", r.device(), r.records(), r.firstSeq(), r.lastSeq());
        out.printf("  verified  %d signatures and chain links%n", r.verified());
        out.printf("  erased    %d (payload dropped, hashes kept)%n", r.erased());
        out.printf("  omitted   %d (outside the export's selection, hashes kept)%n", r.omitted());
        for (Finding f : r.findings()) {
            if (f.kind() != Finding.Kind.ERASED) {
                out.println("  " + (f.kind().isFailure() ? "FAIL " : "note ") + f);
            }
        }
        out.println(r.ok() ? "result: OK" : "result: FAILED (" + r.failures() + " problem(s))");
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
