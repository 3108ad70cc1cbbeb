package io.certigate.kura.anchoring;

import io.certigate.anchor.AnchorSettings;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.core.config.ConfigValues;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The anchoring's options, validated once from a ConfigAdmin property map; equal configurations
 * give equal options. The account's passphrase is kept as its source ({@code file:} or
 * {@code env:}) and read only when the account is opened.
 */
public record AnchoringOptions(LedgerConfig ledger, Path accountKey, String accountPass, AnchorBatcher.Options batching) {

    /**
     * Reads the keys of {@link AnchorSettings}; a former id is read when its key is absent, with a
     * warning naming the key.
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    public static AnchoringOptions from(Map<String, ?> p) {
        ConfigValues v = ConfigValues.withFormerKeys(AnchoringComponent.PID, p, AnchorSettings.ALL);
        LedgerConfig ledger = AnchorSettings.ledger(v);
        String key = v.required(AnchorSettings.ACCOUNT_KEY.key());
        String pass = v.secretSource(AnchorSettings.ACCOUNT_PASS.key(), true);
        return new AnchoringOptions(ledger, Path.of(key), pass, new AnchorBatcher.Options(v.wholeInt(AnchorSettings.BATCH_SIZE),
                Duration.ofSeconds(v.whole(AnchorSettings.BATCH_AGE_S))));
    }

    /** Unlocks the gateway's ledger account: reads the passphrase from its source, then the key file. */
    public LedgerAccount openAccount() throws IOException, SigningException {
        char[] passphrase = Passphrase.resolve(AnchorSettings.ACCOUNT_PASS.key(), accountPass);
        try {
            return LedgerAccount.open(accountKey, passphrase);
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
        }
    }
}
