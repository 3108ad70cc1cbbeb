package io.certigate.verifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.proof.ProofBundle;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A verification's result as JSON for scripts ({@value #FORMAT}), one schema whatever was verified
 * (an export, a proof bundle, a buffer); documented in this module's README. Every field is always
 * present: counts that do not apply to an input are 0, lists are empty.
 */
public final class VerdictJson {
    public static final String FORMAT = "certigate-verdict/1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What was verified: {@code export}, {@code proof-bundle} or {@code buffer}. */
    public enum InputKind {
        EXPORT, PROOF_BUNDLE, BUFFER;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private VerdictJson() {}

    /** An export's or a buffer's chain: its report, and the verdict it and any further checks gave. */
    public static ObjectNode chain(InputKind kind, String file, VerificationReport r, Verdict verdict) {
        ObjectNode o = head(kind, file, verdict, r.device());
        o.put("records", r.records());
        o.put("verified", r.verified());
        o.put("erased", r.erased());
        o.put("omitted", r.omitted());
        o.put("firstSeq", r.firstSeq());
        o.put("lastSeq", r.lastSeq());
        tail(o, verdict);
        ArrayNode a = o.putArray("findings");
        for (Finding f : r.findings()) {
            ObjectNode n = a.addObject();
            n.put("kind", f.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            n.put("seq", f.seq());
            n.put("failure", f.kind().isFailure());
            n.put("detail", f.detail());
        }
        o.put("unlistedFindings", r.unlistedFailures() + r.unlistedNotes());
        return o;
    }

    /** A proof bundle: its records and the verdict (signatures, inclusion, anchors, device trust). */
    public static ObjectNode proof(String file, ProofBundle b, Verdict verdict) {
        ObjectNode o = head(InputKind.PROOF_BUNDLE, file, verdict, b.device());
        // a record is verified when every check about its seq passed
        TreeMap<Long, Boolean> bySeq = new TreeMap<>();
        b.records().forEach(e -> bySeq.put(e.seq(), true));
        verdict.checks().stream().filter(c -> c.seq() > 0 && bySeq.containsKey(c.seq()))
                .forEach(c -> bySeq.merge(c.seq(), c.ok(), Boolean::logicalAnd));
        o.put("records", b.records().size());
        o.put("verified", bySeq.values().stream().filter(v -> v).count());
        o.put("erased", 0);
        o.put("omitted", 0);
        o.put("firstSeq", bySeq.isEmpty() ? 0 : bySeq.firstKey());
        o.put("lastSeq", bySeq.isEmpty() ? 0 : bySeq.lastKey());
        tail(o, verdict);
        o.putArray("findings");
        o.put("unlistedFindings", 0);
        return o;
    }

    private static ObjectNode head(InputKind kind, String file, Verdict verdict, String device) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        ObjectNode in = o.putObject("input");
        in.put("kind", kind.label());
        in.put("file", file);
        o.put("result", verdict.result().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.put("ok", verdict.valid());
        o.put("device", device);
        return o;
    }

    private static void tail(ObjectNode o, Verdict verdict) {
        ArrayNode checks = o.putArray("checks");
        for (Verdict.Check c : verdict.checks()) {
            ObjectNode n = checks.addObject();
            n.put("subject", c.subject());
            n.put("seq", c.seq());
            n.put("ok", c.ok());
            n.put("detail", c.detail());
        }
        ArrayNode not = o.putArray("notChecked");
        verdict.notChecked().forEach(not::add);
    }
}
