package io.certigate.anchor.ledger;

import io.certigate.anchor.AnchorSettings;
import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.PropertiesFile;
import io.certigate.core.io.OutputFile;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A gateway's ledger settings file ({@code ledger.properties}): the keys of the Kura anchoring
 * component, defined with their defaults and ranges in {@link AnchorSettings#LEDGER_KEYS}
 * ({@code anchor.rpc}, {@code anchor.chain-id}, {@code anchor.contract}, {@code anchor.fee-mode},
 * ..., {@code anchor.account-key}, {@code anchor.account-pass}). Files written before the keys were
 * shared spell them in camel case ({@code rpc}, {@code chainId}, {@code accountPass}): those are
 * read as the new keys (a warning names each), so provisioned devices keep working; {@link #save}
 * writes the new keys. Relative paths are resolved against the file's directory; an absent
 * {@code anchor.account-key} is {@code ledger-account.json} beside the file.
 */
public record LedgerSettings(LedgerConfig config, Path accountKey, String accountPass) {

    public static LedgerSettings load(Path file) throws IOException {
        return read(PropertiesFile.load(file), file);
    }

    /** The settings in {@code p}, read from {@code file} (named in errors, base of relative paths). */
    static LedgerSettings read(Properties p, Path file) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        try {
            ConfigValues v = ConfigValues.withFormerKeys(file.toString(), ConfigValues.of(file.toString(), p).asMap(),
                    AnchorSettings.LEDGER_KEYS);
            LedgerConfig cfg = AnchorSettings.ledger(v);
            String key = v.text(AnchorSettings.ACCOUNT_KEY.key(), "ledger-account.json");
            String pass = v.secretSource(AnchorSettings.ACCOUNT_PASS.key(), true);
            if (pass.startsWith("file:") && !Path.of(pass.substring(5)).isAbsolute()) {
                pass = "file:" + base.resolve(pass.substring(5));
            }
            return new LedgerSettings(cfg, base.resolve(key), pass);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Writes the settings (the passphrase source, never the passphrase), whole or not at all. */
    public void save(Path file) throws IOException {
        Properties p = new Properties();
        LedgerConfig c = config;
        p.setProperty(AnchorSettings.RPC.key(), c.rpcUrl());
        p.setProperty(AnchorSettings.CHAIN_ID.key(), Long.toString(c.chainId()));
        p.setProperty(AnchorSettings.CONTRACT.key(), c.contract());
        p.setProperty(AnchorSettings.FEE_MODE.key(), c.feeMode().name());
        p.setProperty(AnchorSettings.GAS_PRICE.key(), c.gasPrice() == null ? "" : c.gasPrice().toString());
        p.setProperty(AnchorSettings.MAX_FEE_PER_GAS.key(), c.maxFeePerGas() == null ? "" : c.maxFeePerGas().toString());
        p.setProperty(AnchorSettings.MAX_PRIORITY_FEE.key(), c.maxPriorityFee().toString());
        p.setProperty(AnchorSettings.GAS_LIMIT.key(), c.gasLimit().toString());
        p.setProperty(AnchorSettings.CONFIRMATIONS.key(), Integer.toString(c.confirmations()));
        p.setProperty(AnchorSettings.POLL_MS.key(), Long.toString(c.pollInterval().toMillis()));
        p.setProperty(AnchorSettings.RECEIPT_TIMEOUT_S.key(), Long.toString(c.receiptTimeout().toSeconds()));
        p.setProperty(AnchorSettings.ACCOUNT_KEY.key(), accountKey.toString());
        p.setProperty(AnchorSettings.ACCOUNT_PASS.key(), accountPass);
        OutputFile.write(file, out -> p.store(out, "certigate ledger settings"));
    }

    /** Unlocks the ledger account named by these settings. */
    public LedgerAccount openAccount() throws IOException {
        try {
            return LedgerAccount.open(accountKey, Passphrase.resolve(AnchorSettings.ACCOUNT_PASS.key(), accountPass));
        } catch (SigningException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
