package io.certigate.app.anchor;

import io.certigate.fleet.anchor.ReceiptSink;
import io.certigate.fleet.anchor.StatementInbox;
import io.certigate.verifier.receipt.Receipt;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptFormatException;
import io.certigate.verifier.receipt.ReceiptVerifier;
import io.certigate.verifier.statement.BatchStatementCodec;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateways' end of {@code certigate bench anchor --fleet}: every receipt the aggregator hands
 * over is checked as a gateway would check it, with the verifier's {@link ReceiptVerifier} against
 * the statement it was sent for and the fleet's public key (signature over the root its inclusion
 * proof gives), and grouped by that root and the ledger reference in its header, so that the bench
 * can compare each group with the {@code Anchored} event the ledger holds.
 */
final class CheckedReceipts implements ReceiptSink {
    /** The receipts of one fleet root since the last {@link #take()}. */
    record Group(byte[] root, String txHash, long block, long treeSize, int receipts) {}

    /** What was handed over since the last {@link #take()}. */
    record Delivered(List<Group> groups, int verified, int invalid, int repeated, List<String> reasons) {}

    private final PublicKey fleetKey;
    private final Map<String, byte[]> sent = new HashMap<>();
    private final Set<String> receipted = new HashSet<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<String> reasons = new ArrayList<>();
    private int verified;
    private int invalid;
    private int repeated;

    CheckedReceipts(PublicKey fleetKey) {
        this.fleetKey = fleetKey;
    }

    /** Statements the gateways sent: a receipt is checked against the one its hash names. */
    synchronized void sent(List<StatementInbox.Incoming> statements) {
        for (StatementInbox.Incoming s : statements) {
            sent.put(hex(BatchStatementCodec.hash(s.cose())), s.cose());
        }
    }

    @Override
    public synchronized void deliver(String device, byte[] statementHash, byte[] receipt) {
        String key = hex(statementHash);
        byte[] statement = sent.get(key);
        if (statement == null) {
            fail("receipt for a statement no device sent (" + device + ", " + key + ")");
            return;
        }
        ReceiptVerifier.Result r = ReceiptVerifier.verify(receipt, statement, fleetKey);
        if (!r.valid()) {
            fail("receipt of " + device + ": " + r.reason());
            return;
        }
        Receipt parsed;
        try {
            parsed = ReceiptCodec.parse(receipt);
        } catch (ReceiptFormatException e) {
            fail("receipt of " + device + " verified but does not parse: " + e.getMessage());
            return;
        }
        if (!receipted.add(key)) {
            repeated++;
        }
        verified++;
        String group = hex(r.root()) + " " + parsed.ledger().txHash();
        Group g = groups.get(group);
        groups.put(group, new Group(r.root(), parsed.ledger().txHash(), parsed.ledger().blockNumber(),
                parsed.proof().treeSize(), g == null ? 1 : g.receipts() + 1));
    }

    private void fail(String reason) {
        invalid++;
        if (reasons.size() < 5) {
            reasons.add(reason);
        }
    }

    /** What was delivered since the last call; starts counting again. */
    synchronized Delivered take() {
        Delivered d = new Delivered(List.copyOf(groups.values()), verified, invalid, repeated, List.copyOf(reasons));
        groups.clear();
        reasons.clear();
        verified = 0;
        invalid = 0;
        repeated = 0;
        return d;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
