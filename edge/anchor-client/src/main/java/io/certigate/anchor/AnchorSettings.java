package io.certigate.anchor;

import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.verifier.merkle.MerkleTree;
import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The anchoring's settings, defined once: the batching ({@code anchor.batch-size},
 * {@code anchor.batch-age-s}) and the ledger ({@code anchor.rpc}, {@code anchor.chain-id}, ...).
 * The standalone runtime reads the ledger keys from the file {@code anchor.ledger} names
 * ({@code ledger.properties}, {@link io.certigate.anchor.ledger.LedgerSettings}), the Kura
 * anchoring component from its configuration: the same keys. Ledger files written before the keys
 * were shared spell them in camel case ({@code chainId}); those spellings are read as former keys.
 */
public final class AnchorSettings {
    private AnchorSettings() {}

    public static final Setting LEDGER = Setting.of("anchor.ledger", Type.PATH, null,
            "the ledger settings file (ledger.properties); absent: no anchoring").only(Scope.STANDALONE);
    /** Records per batch at most; the leaves of a batch fit one array. */
    public static final Setting BATCH_SIZE = Setting.whole("anchor.batch-size", 10_000, 1,
            Integer.MAX_VALUE / MerkleTree.HASH_LEN, "readings", "readings per anchored batch at most");
    /** Seconds before a partial batch closes (a week at most). */
    public static final Setting BATCH_AGE_S = Setting.whole("anchor.batch-age-s", 600, 0, 7 * 86_400, "s",
            "a partial batch closes after this long");

    public static final Setting RPC = Setting.of("anchor.rpc", Type.TEXT, null,
            "JSON-RPC URL of a ledger node, http(s)://host:port/; required").formerly("rpc");
    public static final Setting CHAIN_ID = Setting.wholeWithoutDefault("anchor.chain-id", 1, Long.MAX_VALUE, "",
            "EIP-155 chain id the node must report; required").formerly("chainId");
    public static final Setting CONTRACT = Setting.of("anchor.contract", Type.TEXT, null,
            "address of the CertigateAnchor contract, 0x + 40 hex digits; required").formerly("contract");
    public static final Setting FEE_MODE = Setting.choice("anchor.fee-mode", "EIP1559", List.of("EIP1559", "LEGACY"),
            "EIP-1559 (type 2) transactions, or legacy EIP-155 gas price").formerly("feeMode");
    public static final Setting GAS_PRICE = big("anchor.gas-price", null,
            "LEGACY only, wei per gas; absent asks the node; 0 on a free-gas network").formerly("gasPrice");
    public static final Setting MAX_FEE_PER_GAS = big("anchor.max-fee-per-gas", null,
            "EIP-1559 fee cap, wei; absent: twice the latest base fee plus the tip").formerly("maxFeePerGas");
    public static final Setting MAX_PRIORITY_FEE = big("anchor.max-priority-fee", "0", "EIP-1559 tip, wei")
            .formerly("maxPriorityFee");
    public static final Setting GAS_LIMIT = Setting.whole("anchor.gas-limit", 120_000, 21_000, 1_000_000_000, "gas",
            "gas limit of an anchor transaction").formerly("gasLimit");
    public static final Setting CONFIRMATIONS = Setting.whole("anchor.confirmations", 0, 0, 10_000, "blocks",
            "blocks on top of the anchoring block before a batch counts as anchored (0 under QBFT)").formerly("confirmations");
    public static final Setting POLL_MS = Setting.whole("anchor.poll-ms", 200, 1, 3_600_000, "ms",
            "receipt polling interval").formerly("pollMs");
    public static final Setting RECEIPT_TIMEOUT_S = Setting.whole("anchor.receipt-timeout-s", 30, 0, 86_400, "s",
            "without a receipt for this long an outage is reported (the transaction is never re-signed meanwhile)")
            .formerly("receiptTimeoutS");
    public static final Setting ACCOUNT_KEY = Setting.of("anchor.account-key", Type.PATH, null,
            "the gateway's ledger account, an encrypted (Web3 Secret Storage) key file; in a ledger file, absent:"
                    + " ledger-account.json beside it; required in Kura").formerly("accountKey");
    public static final Setting ACCOUNT_PASS = Setting.of("anchor.account-pass", Type.SECRET_SOURCE, null,
            "where the key file's passphrase is read from; required").formerly("accountPass");

    /** How the batches are anchored: by this gateway's ledger transactions, or through the fleet (issue #17). */
    public static final Setting MODE = Setting.choice("anchor.mode", "direct", List.of("direct", "aggregated"),
            "direct: the gateway anchors its batches itself (anchor.ledger); aggregated: it signs a statement per"
                    + " batch, publishes it on the MQTT uplink and takes the fleet's receipts (needs uplink.mqtt.url)")
            .only(Scope.STANDALONE);
    public static final Setting FLEET_CERTIFICATE = Setting.of("anchor.fleet-certificate", Type.PATH, null,
            "aggregated mode: PEM certificate of the fleet's receipt-signing key, receipts are checked with it;"
                    + " required with anchor.mode = aggregated").only(Scope.STANDALONE);
    public static final Setting RESEND_S = Setting.whole("anchor.statement-resend-s", 60, 1, 86_400, "s",
            "aggregated mode: a statement without a receipt is published again after this long (and after each"
                    + " reconnect)").only(Scope.STANDALONE);

    /** The keys of {@code certigate run}'s file. */
    public static final List<Setting> RUN = List.of(LEDGER, BATCH_SIZE, BATCH_AGE_S, MODE, FLEET_CERTIFICATE, RESEND_S);
    /** The keys of a ledger settings file, and of the Kura component besides the batching. */
    public static final List<Setting> LEDGER_KEYS = List.of(RPC, CHAIN_ID, CONTRACT, FEE_MODE, GAS_PRICE, MAX_FEE_PER_GAS,
            MAX_PRIORITY_FEE, GAS_LIMIT, CONFIRMATIONS, POLL_MS, RECEIPT_TIMEOUT_S, ACCOUNT_KEY, ACCOUNT_PASS);
    public static final List<Setting> ALL = concat(RUN, LEDGER_KEYS);

    private static Setting big(String key, String dflt, String description) {
        return new Setting(key, Type.BIG_WHOLE, dflt, "wei", 0, Long.MAX_VALUE, List.of(), Scope.BOTH, description, List.of());
    }

    private static List<Setting> concat(List<Setting> a, List<Setting> b) {
        List<Setting> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * The ledger's settings from {@code v} (read with {@link ConfigValues#withFormerKeys} over
     * {@link #LEDGER_KEYS}), checked in one place for both runtimes.
     *
     * @throws IllegalArgumentException naming the origin, the key and the bad value
     */
    public static LedgerConfig ledger(ConfigValues v) {
        String rpc = v.required(RPC.key());
        String scheme;
        try {
            URI u = new URI(rpc);
            scheme = u.getHost() == null ? null : u.getScheme();
        } catch (java.net.URISyntaxException e) {
            scheme = null;
        }
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw v.bad(RPC.key(), rpc, "must be an http(s)://host:port/ URL");
        }
        long chainId = v.whole(CHAIN_ID);
        String contract = v.required(CONTRACT.key());
        if (!contract.matches("0x[0-9a-fA-F]{40}")) {
            throw v.bad(CONTRACT.key(), contract, "must be 0x followed by 40 hex digits");
        }
        LedgerConfig.FeeMode fee = LedgerConfig.FeeMode.valueOf(v.choice(FEE_MODE));
        BigInteger tip = wei(v, MAX_PRIORITY_FEE);
        return new LedgerConfig(rpc, chainId, contract, fee, wei(v, GAS_PRICE), wei(v, MAX_FEE_PER_GAS), tip,
                BigInteger.valueOf(v.whole(GAS_LIMIT)), v.wholeInt(CONFIRMATIONS), Duration.ofMillis(v.whole(POLL_MS)),
                Duration.ofSeconds(v.whole(RECEIPT_TIMEOUT_S)));
    }

    /** An amount of wei, or null when absent without a default. */
    private static BigInteger wei(ConfigValues values, Setting s) {
        String v = values.text(s);
        if (v.isEmpty()) {
            return null;
        }
        try {
            BigInteger n = new BigInteger(v);
            if (n.signum() >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw values.bad(s.key(), v, "must be an amount of wei (a whole number >= 0), or empty");
    }
}
