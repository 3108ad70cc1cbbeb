package io.certigate.app.fleet;

import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptFormatException;
import io.certigate.verifier.receipt.ReceiptVerifier;
import io.certigate.verifier.statement.StatementHistoryVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The end of {@code fleet demo} with aggregated anchoring: what a gateway, an auditor and the
 * ledger can each check, independently of the fleet tier's own bookkeeping.
 *
 * <ul>
 *   <li><b>Receipts</b>: every statement's receipt, as the gateway holds it, verifies with the fleet
 *       key ({@link ReceiptVerifier}: the statement's inclusion under the root the fleet signed), and
 *       the transaction its ledger reference names is looked up on the chain: mined and successful,
 *       in the block the receipt names, sent by the fleet's account to the anchor contract of the
 *       receipt's chain, and emitting {@code Anchored} for that root under the fleet's id.</li>
 *   <li><b>Histories</b>: each gateway's statement chain as the fleet tier serves it
 *       ({@code GET /devices/<id>/statements}) verifies ({@link StatementHistoryVerifier}: the
 *       gateway's signatures, the unbroken chain, every receipt against the ledger) and ends with the
 *       gateway's own last statement (the part only the gateway can check: nothing withheld).</li>
 *   <li><b>Ledger</b>: the fleet's {@code Anchored} events are one per anchored interval, each in a
 *       transaction of its own, and exactly the transactions the receipts name.</li>
 * </ul>
 */
final class FleetDemoAnchorCheck {
    private static final int MOST_PRINTED = 10;

    private final LedgerConfig ledger;
    private final String fleetId;
    private final PublicKey fleetKey;
    private final String account;
    private final List<SimulatedGateways.Gateway> gateways;
    private final List<List<GatewayStatements.Stated>> statements;
    private final GatewayReceipts receipts;
    private final List<String> failures = new ArrayList<>();

    FleetDemoAnchorCheck(LedgerConfig ledger, String fleetId, PublicKey fleetKey, String account,
            List<SimulatedGateways.Gateway> gateways, List<List<GatewayStatements.Stated>> statements,
            GatewayReceipts receipts) {
        this.ledger = ledger;
        this.fleetId = fleetId;
        this.fleetKey = fleetKey;
        this.account = account;
        this.gateways = gateways;
        this.statements = statements;
        this.receipts = receipts;
    }

    /**
     * Runs the checks and prints the figures and every failure (the first few of each kind).
     *
     * @param chainPort the port of a fleet instance's statement chain server
     * @param db        the fleet's database (its anchored intervals are counted)
     * @param readings  the readings of all gateways together (for gas per reading)
     * @return true when every check passed
     */
    boolean run(PrintWriter out, int chainPort, Connection db, long readings) throws SQLException, LedgerException,
            InterruptedException {
        try (LedgerClient chain = LedgerClient.connect(ledger)) {
            Map<String, Optional<TransactionReceipt>> txs = new HashMap<>();
            long statementsOk = receipts(chain, txs);
            int historiesOk = histories(chain, chainPort);
            long intervals = anchoredIntervals(db);
            List<AnchorAbi.AnchoredEvent> events = chain.anchoredEventsOf(fleetId, chain.blockNumber());
            Set<String> eventTxs = new TreeSet<>();
            events.forEach(e -> eventTxs.add(e.txHash().toLowerCase(Locale.ROOT)));
            Set<String> receiptTxs = new TreeSet<>(txs.keySet());
            if (events.size() != intervals || eventTxs.size() != events.size()) {
                fail("ledger: " + events.size() + " Anchored events of fleet " + fleetId + " in " + eventTxs.size()
                        + " transactions for " + intervals + " anchored intervals (one transaction per interval expected)");
            }
            if (!eventTxs.equals(receiptTxs)) {
                fail("ledger: the fleet's transactions " + eventTxs + " are not those the receipts name " + receiptTxs);
            }
            BigInteger gas = BigInteger.ZERO;
            for (String tx : eventTxs) {
                Optional<TransactionReceipt> r = txs.containsKey(tx) ? txs.get(tx) : chain.receipt(tx);
                if (r.isPresent()) {
                    gas = gas.add(r.get().getGasUsed());
                }
            }
            long total = statements.stream().mapToLong(List::size).sum();
            out.printf("fleet demo: anchoring: %d of %d statements receipted and verified (fleet key, inclusion, the"
                    + " transaction on the chain); %d of %d gateway statement histories verified against the statement"
                    + " chain server and the ledger%n", statementsOk, total, historiesOk, gateways.size());
            out.printf(Locale.ROOT, "fleet demo: ledger: %d statements, %d intervals, %d ledger transactions of fleet %s;"
                    + " %s gas, %.4f gas per reading%n", total, intervals, eventTxs.size(), fleetId, gas,
                    readings == 0 ? 0.0 : gas.doubleValue() / readings);
            failures.stream().limit(MOST_PRINTED).forEach(f -> out.println("fleet demo: " + f));
            if (failures.size() > MOST_PRINTED) {
                out.println("fleet demo: ... and " + (failures.size() - MOST_PRINTED) + " more failures");
            }
            out.flush();
            return failures.isEmpty();
        }
    }

    /** Checks every statement's receipt; returns how many passed. {@code txs} collects the transactions named. */
    private long receipts(LedgerClient chain, Map<String, Optional<TransactionReceipt>> txs) throws LedgerException {
        long ok = 0;
        byte[] fleetDevice = AnchorAbi.deviceKey(fleetId);
        for (int g = 0; g < gateways.size(); g++) {
            String device = gateways.get(g).id();
            for (GatewayStatements.Stated s : statements.get(g)) {
                String subject = device + " statement " + s.first() + ".." + s.last();
                Optional<byte[]> receipt = receipts.receipt(device, s.hash());
                if (receipt.isEmpty()) {
                    fail(subject + ": no receipt");
                    continue;
                }
                ReceiptVerifier.Result r = ReceiptVerifier.verify(receipt.get(), s.cose(), fleetKey);
                if (!r.valid()) {
                    fail(subject + ": receipt: " + r.reason());
                    continue;
                }
                LedgerReference ref;
                try {
                    ref = ReceiptCodec.parse(receipt.get()).ledger();
                } catch (ReceiptFormatException e) {
                    fail(subject + ": receipt: " + e.getMessage());
                    continue;
                }
                if (ref == null) {
                    fail(subject + ": the receipt names no ledger transaction");
                    continue;
                }
                String tx = ref.txHash().toLowerCase(Locale.ROOT);
                if (!txs.containsKey(tx)) {
                    txs.put(tx, chain.receipt(tx));
                }
                String problem = anchors(ref, txs.get(tx), r.root(), fleetDevice);
                if (problem != null) {
                    fail(subject + ": transaction " + tx + " " + problem);
                    continue;
                }
                ok++;
            }
        }
        return ok;
    }

    /** Null when {@code tx} (the receipt's ledger reference) anchored {@code root} for the fleet, else what is wrong. */
    private String anchors(LedgerReference ref, Optional<TransactionReceipt> tx, byte[] root, byte[] fleetDevice) {
        String contract = ledger.contract().toLowerCase(Locale.ROOT);
        if (ref.chainId() != ledger.chainId() || !ref.contract().equalsIgnoreCase(contract)) {
            return "is named on chain " + ref.chainId() + ", contract " + ref.contract() + ", not the demo's chain "
                    + ledger.chainId() + ", contract " + contract;
        }
        if (tx.isEmpty()) {
            return "is not on the chain";
        }
        TransactionReceipt r = tx.get();
        if (!r.isStatusOK()) {
            return "reverted";
        }
        if (r.getBlockNumber().longValueExact() != ref.blockNumber()) {
            return "is in block " + r.getBlockNumber() + ", not the receipt's block " + ref.blockNumber();
        }
        if (r.getFrom() == null || !r.getFrom().equalsIgnoreCase(account)) {
            return "was sent by " + r.getFrom() + ", not the fleet's account " + account;
        }
        for (Log log : r.getLogs()) {
            Optional<AnchorAbi.AnchoredEvent> e = AnchorAbi.decode(log);
            if (e.isPresent() && e.get().contract().equalsIgnoreCase(contract) && Arrays.equals(e.get().root(), root)
                    && Arrays.equals(e.get().device(), fleetDevice)) {
                return null;
            }
        }
        return "does not anchor the receipt's root under fleet " + fleetId;
    }

    /** Checks every gateway's served statement history; returns how many passed. */
    private int histories(LedgerClient chain, int port) throws InterruptedException {
        int ok = 0;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (int g = 0; g < gateways.size(); g++) {
            SimulatedGateways.Gateway gw = gateways.get(g);
            List<GatewayStatements.Stated> mine = statements.get(g);
            URI uri = URI.create("http://127.0.0.1:" + port + "/devices/"
                    + URLEncoder.encode(gw.id(), StandardCharsets.UTF_8) + "/statements");
            List<StatementHistoryVerifier.Served> served;
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    fail(gw.id() + ": statement chain: GET " + uri + " answered " + r.statusCode());
                    continue;
                }
                served = StatementHistoryVerifier.parse(r.body());
            } catch (IOException e) {
                fail(gw.id() + ": statement chain: GET " + uri + ": " + e.getMessage());
                continue;
            }
            Verdict v = StatementHistoryVerifier.verify(gw.id(), served, gw.chain().get(0).getPublicKey(), fleetId,
                    fleetKey, chain);
            if (!v.valid()) {
                v.failures().forEach(c -> fail(gw.id() + ": statement history: " + c.subject() + ": " + c.detail()));
                continue;
            }
            if (served.size() != mine.size()
                    || !Arrays.equals(served.get(served.size() - 1).cose(), mine.get(mine.size() - 1).cose())) {
                fail(gw.id() + ": statement history: " + served.size() + " statements served, the gateway stated "
                        + mine.size() + " (the served chain must end with the gateway's last statement)");
                continue;
            }
            if (served.stream().anyMatch(s -> s.receipt() == null)) {
                fail(gw.id() + ": statement history: a served statement has no receipt");
                continue;
            }
            ok++;
        }
        return ok;
    }

    private static long anchoredIntervals(Connection db) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM fleet_anchor.intervals WHERE state = 'anchored'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void fail(String what) {
        failures.add(what);
    }
}
