package io.certigate.verifier.statement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verdict.Check;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptFormatException;
import io.certigate.verifier.receipt.ReceiptVerifier;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Checks a device's history in aggregated anchoring mode as the fleet tier serves it
 * ({@code GET /devices/<id>/statements}): the chain of the device's batch statements back to its
 * first ({@link StatementChainVerifier}), and the newest statement's RFC 9942 receipt: signed by
 * the fleet key over a fleet root that the ledger holds for the fleet's account in the block the
 * receipt names. Older statements' receipts, when served, are checked the same way.
 *
 * <p>What this proves and what it does not: every statement shown is the device's own, they form
 * one unbroken chain from its first statement, and the newest one shown (hence, through the hash
 * chain, all before it) was included in a fleet root anchored on the ledger. It cannot show that
 * no statement exists after the newest one shown: a fleet tier that withholds the newest
 * statements serves a shorter chain that verifies. That check belongs to the gateway: the gateway's
 * own export and the receipts it holds name its latest statement, and a served chain that ends
 * before it is incomplete.
 */
public final class StatementHistoryVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One served statement: its COSE bytes and its receipt (null while unanchored). */
    public record Served(byte[] cose, byte[] receipt) {}

    private StatementHistoryVerifier() {}

    /** Reads the fleet tier's JSON document. */
    public static List<Served> parse(byte[] json) throws IOException {
        JsonNode doc = JSON.readTree(json);
        List<Served> out = new ArrayList<>();
        Base64.Decoder b64 = Base64.getUrlDecoder();
        for (JsonNode s : doc.path("statements")) {
            JsonNode r = s.get("receipt");
            out.add(new Served(b64.decode(s.path("cose").asText()),
                    r == null || r.isNull() ? null : b64.decode(r.asText())));
        }
        return out;
    }

    public static Verdict verify(String device, List<Served> served, PublicKey deviceKey, String fleetId,
            PublicKey fleetKey, LedgerReader ledger) {
        List<Check> checks = new ArrayList<>();
        List<byte[]> chain = served.stream().map(Served::cose).toList();
        checks.addAll(StatementChainVerifier.verify(device, chain, deviceKey).checks());
        if (served.isEmpty()) {
            return new Verdict(checks, List.of());
        }
        int newestAnchored = -1;
        for (int i = served.size() - 1; i >= 0; i--) {
            if (served.get(i).receipt() != null) {
                newestAnchored = i;
                break;
            }
        }
        if (newestAnchored < 0) {
            checks.add(Check.fail("receipts", "no served statement has a receipt: nothing is shown anchored"));
        } else if (newestAnchored < served.size() - 1) {
            checks.add(Check.pass("receipts", (served.size() - 1 - newestAnchored)
                    + " newest statement(s) not anchored yet (no receipt); anchored history ends at statement "
                    + newestAnchored));
        }
        for (int i = 0; i < served.size(); i++) {
            Served s = served.get(i);
            if (s.receipt() == null) {
                continue;
            }
            String subject = "receipt of statement " + i;
            ReceiptVerifier.Result r = ReceiptVerifier.verify(s.receipt(), s.cose(), fleetKey);
            if (!r.valid()) {
                checks.add(Check.fail(subject, r.reason()));
                continue;
            }
            try {
                var ref = ReceiptCodec.parse(s.receipt()).ledger();
                long block = ledger.blockOf(AnchorAbi.deviceKey(fleetId), r.root());
                if (ref == null) {
                    checks.add(Check.fail(subject, "names no ledger reference"));
                } else if (block == 0) {
                    checks.add(Check.fail(subject, "its fleet root is not anchored for fleet " + fleetId));
                } else if (block != ref.blockNumber()) {
                    checks.add(Check.fail(subject, "its fleet root is anchored in block " + block
                            + ", not the receipt's block " + ref.blockNumber()));
                } else {
                    checks.add(Check.pass(subject, "fleet root anchored in block " + block + " (tx " + ref.txHash()
                            + ")" + (i == newestAnchored ? "; the chain before it is covered by its hash" : "")));
                }
            } catch (ReceiptFormatException e) {
                checks.add(Check.fail(subject, e.getMessage()));
            } catch (LedgerException e) {
                checks.add(Check.fail(subject, "ledger: " + e.getMessage()));
            }
        }
        return new Verdict(checks, List.of());
    }
}
