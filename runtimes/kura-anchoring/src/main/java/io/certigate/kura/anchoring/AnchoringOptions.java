package io.certigate.kura.anchoring;

import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.core.config.ConfigValues;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The anchoring's options, validated once from a ConfigAdmin property map; equal configurations
 * give equal options. The account's passphrase is kept as its source ({@code file:} or
 * {@code env:}) and read only when the account is opened.
 */
public record AnchoringOptions(LedgerConfig ledger, Path accountKey, String accountPass, AnchorBatcher.Options batching) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static AnchoringOptions from(Map<String, ?> p) {
        ConfigValues v = new ConfigValues(AnchoringComponent.PID, p);
        String rpc = v.required("anchor.rpc");
        String scheme;
        try {
            URI u = new URI(rpc);
            scheme = u.getScheme();
            if (u.getHost() == null) {
                scheme = null;
            }
        } catch (java.net.URISyntaxException e) {
            scheme = null;
        }
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw v.bad("anchor.rpc", rpc, "must be an http(s)://host:port/ URL");
        }
        long chainId = v.requiredWhole("anchor.chain-id", 1);
        String contract = v.required("anchor.contract");
        if (!contract.matches("0x[0-9a-fA-F]{40}")) {
            throw v.bad("anchor.contract", contract, "must be 0x followed by 40 hex digits");
        }
        String feeText = v.text("anchor.fee-mode");
        LedgerConfig.FeeMode fee;
        try {
            fee = feeText.isEmpty() ? LedgerConfig.FeeMode.EIP1559 : LedgerConfig.FeeMode.valueOf(feeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw v.bad("anchor.fee-mode", feeText, "must be EIP1559 or LEGACY");
        }
        BigInteger gasPrice = wei(v, "anchor.gas-price");
        BigInteger maxFee = wei(v, "anchor.max-fee-per-gas");
        BigInteger tip = wei(v, "anchor.max-priority-fee");
        long gasLimit = v.whole("anchor.gas-limit", 120_000L, 21_000, 1_000_000_000L);
        long confirmations = v.whole("anchor.confirmations", 0L, 0, 10_000);
        long pollMs = v.whole("anchor.poll-ms", 200L, 1, 3_600_000);
        long receiptTimeoutS = v.whole("anchor.receipt-timeout-s", 30L, 0, 86_400);
        String key = v.required("anchor.account-key");
        String pass = v.secretSource("anchor.account-pass", true);
        int batchSize = v.wholeInt(AnchorBatcher.BATCH_SIZE);
        long batchAgeS = v.whole(AnchorBatcher.BATCH_AGE_S);
        LedgerConfig ledger = new LedgerConfig(rpc, chainId, contract, fee, gasPrice, maxFee, tip == null ? BigInteger.ZERO : tip,
                BigInteger.valueOf(gasLimit), (int) confirmations, Duration.ofMillis(pollMs),
                Duration.ofSeconds(receiptTimeoutS));
        return new AnchoringOptions(ledger, Path.of(key), pass,
                new AnchorBatcher.Options(batchSize, Duration.ofSeconds(batchAgeS)));
    }

    /** Unlocks the gateway's ledger account: reads the passphrase from its source, then the key file. */
    public LedgerAccount openAccount() throws IOException, SigningException {
        char[] passphrase = Passphrase.resolve("anchor.account-pass", accountPass);
        try {
            return LedgerAccount.open(accountKey, passphrase);
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
        }
    }

    private static BigInteger wei(ConfigValues values, String key) {
        String v = values.text(key);
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
        throw values.bad(key, v, "must be an amount of wei (a whole number >= 0), or empty");
    }
}
