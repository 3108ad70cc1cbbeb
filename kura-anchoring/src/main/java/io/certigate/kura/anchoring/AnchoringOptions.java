package io.certigate.kura.anchoring;

import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerConfig;
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
        String rpc = required(p, "anchor.rpc");
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
            throw bad("anchor.rpc", rpc, "must be an http(s)://host:port/ URL");
        }
        long chainId = whole(p, "anchor.chain-id", null, 1);
        String contract = required(p, "anchor.contract");
        if (!contract.matches("0x[0-9a-fA-F]{40}")) {
            throw bad("anchor.contract", contract, "must be 0x followed by 40 hex digits");
        }
        String feeText = text(p, "anchor.fee-mode");
        LedgerConfig.FeeMode fee;
        try {
            fee = feeText.isEmpty() ? LedgerConfig.FeeMode.EIP1559 : LedgerConfig.FeeMode.valueOf(feeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("anchor.fee-mode", feeText, "must be EIP1559 or LEGACY");
        }
        BigInteger gasPrice = wei(p, "anchor.gas-price");
        BigInteger maxFee = wei(p, "anchor.max-fee-per-gas");
        BigInteger tip = wei(p, "anchor.max-priority-fee");
        long gasLimit = whole(p, "anchor.gas-limit", 120_000L, 21_000);
        long confirmations = whole(p, "anchor.confirmations", 0L, 0);
        long pollMs = whole(p, "anchor.poll-ms", 200L, 1);
        long receiptTimeoutS = whole(p, "anchor.receipt-timeout-s", 30L, 0);
        String key = required(p, "anchor.account-key");
        String pass = required(p, "anchor.account-pass");
        if (!pass.startsWith("file:") && !pass.startsWith("env:")) {
            throw new IllegalArgumentException(AnchoringComponent.PID + ": anchor.account-pass must be file:PATH or env:NAME"
                    + " (the passphrase itself is never put in the configuration)");
        }
        long batchSize = whole(p, "anchor.batch-size", 10_000L, 1);
        if (batchSize > Integer.MAX_VALUE / 32) {
            throw bad("anchor.batch-size", Long.toString(batchSize), "must be at most " + Integer.MAX_VALUE / 32);
        }
        long batchAgeS = whole(p, "anchor.batch-age-s", 600L, 0);
        LedgerConfig ledger = new LedgerConfig(rpc, chainId, contract, fee, gasPrice, maxFee, tip == null ? BigInteger.ZERO : tip,
                BigInteger.valueOf(gasLimit), (int) Math.min(confirmations, Integer.MAX_VALUE), Duration.ofMillis(pollMs),
                Duration.ofSeconds(receiptTimeoutS));
        return new AnchoringOptions(ledger, Path.of(key), pass,
                new AnchorBatcher.Options((int) batchSize, Duration.ofSeconds(batchAgeS)));
    }

    /** Unlocks the gateway's ledger account: reads the passphrase from its source, then the key file. */
    public LedgerAccount openAccount() throws IOException, SigningException {
        char[] passphrase = Passphrase.resolve(accountPass);
        try {
            return LedgerAccount.open(accountKey, passphrase);
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
        }
    }

    private static String text(Map<String, ?> p, String key) {
        Object v = p.get(key);
        return v == null ? "" : v.toString().trim();
    }

    private static String required(Map<String, ?> p, String key) {
        String v = text(p, key);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(AnchoringComponent.PID + ": " + key + " is required");
        }
        return v;
    }

    private static long whole(Map<String, ?> p, String key, Long dflt, long min) {
        String v = text(p, key);
        if (v.isEmpty()) {
            if (dflt == null) {
                throw new IllegalArgumentException(AnchoringComponent.PID + ": " + key + " is required");
            }
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "must be a whole number >= " + min);
        }
        if (n < min) {
            throw bad(key, v, "must be a whole number >= " + min);
        }
        return n;
    }

    private static BigInteger wei(Map<String, ?> p, String key) {
        String v = text(p, key);
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
        throw bad(key, v, "must be an amount of wei (a whole number >= 0), or empty");
    }

    private static IllegalArgumentException bad(String key, String value, String why) {
        return new IllegalArgumentException(AnchoringComponent.PID + ": " + key + " = '" + value + "' " + why);
    }
}
