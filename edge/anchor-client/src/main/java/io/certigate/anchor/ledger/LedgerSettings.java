package io.certigate.anchor.ledger;

import io.certigate.core.io.OutputFile;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * A gateway's ledger settings file ({@code ledger.properties}): every key with its default and
 * meaning in one place. Relative paths are resolved against the file's directory.
 *
 * <pre>
 * rpc             JSON-RPC URL of a ledger node                       (required)
 * chainId         EIP-155 chain id                                    (required)
 * contract        CertigateAnchor address                             (required)
 * feeMode         EIP1559 | LEGACY                                    (EIP1559)
 * gasPrice        LEGACY wei per gas; empty asks the node; 0 = free   (empty)
 * maxFeePerGas    EIP1559 fee cap in wei; empty = 2 x base fee + tip  (empty)
 * maxPriorityFee  EIP1559 tip in wei                                  (0)
 * gasLimit        gas limit of an anchor transaction                  (120000)
 * confirmations   blocks on top before a batch counts as anchored     (0)
 * pollMs          receipt polling interval, ms                        (200)
 * receiptTimeoutS seconds without receipt before a warning            (30)
 * accountKey      encrypted ledger account key file                   (ledger-account.json)
 * accountPass     passphrase source, file:PATH or env:NAME            (required)
 * </pre>
 */
public record LedgerSettings(LedgerConfig config, Path accountKey, String accountPass) {

    public static LedgerSettings load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Path base = file.toAbsolutePath().getParent();
        try {
            LedgerConfig cfg = new LedgerConfig(required(p, "rpc"), Long.parseLong(required(p, "chainId")),
                    required(p, "contract"),
                    LedgerConfig.FeeMode.valueOf(p.getProperty("feeMode", "EIP1559").trim().toUpperCase(Locale.ROOT)),
                    wei(p, "gasPrice"), wei(p, "maxFeePerGas"), orZero(wei(p, "maxPriorityFee")),
                    new BigInteger(p.getProperty("gasLimit", "120000").trim()),
                    Integer.parseInt(p.getProperty("confirmations", "0").trim()),
                    Duration.ofMillis(Long.parseLong(p.getProperty("pollMs", "200").trim())),
                    Duration.ofSeconds(Long.parseLong(p.getProperty("receiptTimeoutS", "30").trim())));
            String key = p.getProperty("accountKey", "ledger-account.json").trim();
            String pass = required(p, "accountPass");
            if (pass.startsWith("file:") && !Path.of(pass.substring(5)).isAbsolute()) {
                pass = "file:" + base.resolve(pass.substring(5));
            }
            return new LedgerSettings(cfg, base.resolve(key), pass);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the settings (the passphrase source, never the passphrase), whole or not at all. */
    public void save(Path file) throws IOException {
        Properties p = new Properties();
        LedgerConfig c = config;
        p.setProperty("rpc", c.rpcUrl());
        p.setProperty("chainId", Long.toString(c.chainId()));
        p.setProperty("contract", c.contract());
        p.setProperty("feeMode", c.feeMode().name());
        p.setProperty("gasPrice", c.gasPrice() == null ? "" : c.gasPrice().toString());
        p.setProperty("maxFeePerGas", c.maxFeePerGas() == null ? "" : c.maxFeePerGas().toString());
        p.setProperty("maxPriorityFee", c.maxPriorityFee().toString());
        p.setProperty("gasLimit", c.gasLimit().toString());
        p.setProperty("confirmations", Integer.toString(c.confirmations()));
        p.setProperty("pollMs", Long.toString(c.pollInterval().toMillis()));
        p.setProperty("receiptTimeoutS", Long.toString(c.receiptTimeout().toSeconds()));
        p.setProperty("accountKey", accountKey.toString());
        p.setProperty("accountPass", accountPass);
        OutputFile.write(file, out -> p.store(out, "certigate ledger settings"));
    }

    /** Unlocks the ledger account named by these settings. */
    public LedgerAccount openAccount() throws IOException {
        try {
            return LedgerAccount.open(accountKey, Passphrase.resolve("accountPass", accountPass));
        } catch (SigningException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("ledger setting '" + key + "' is required");
        }
        return v.trim();
    }

    private static BigInteger wei(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.isEmpty() ? null : new BigInteger(v);
    }

    private static BigInteger orZero(BigInteger v) {
        return v == null ? BigInteger.ZERO : v;
    }
}
