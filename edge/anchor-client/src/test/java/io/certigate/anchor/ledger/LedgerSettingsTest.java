package io.certigate.anchor.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger settings file: the anchoring's keys, and files written before they were shared. */
@Tag("unit")
class LedgerSettingsTest {
    static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    @TempDir
    Path dir;

    @Test
    void aFileWrittenBeforeTheKeysWereSharedIsReadTheSame() throws IOException {
        // as LedgerSettings.save wrote it on provisioned devices
        Path old = Files.writeString(dir.resolve("old.properties"), String.join("\n", "#certigate ledger settings",
                "rpc=http\\://127.0.0.1\\:8545/", "chainId=1981", "contract=" + CONTRACT, "feeMode=LEGACY", "gasPrice=0",
                "maxFeePerGas=", "maxPriorityFee=0", "gasLimit=90000", "confirmations=2", "pollMs=50", "receiptTimeoutS=5",
                "accountKey=ledger.key.json", "accountPass=file\\:ledger.pass", ""), StandardCharsets.ISO_8859_1);
        LedgerSettings s = LedgerSettings.load(old);
        assertThat(s.config()).isEqualTo(new LedgerConfig("http://127.0.0.1:8545/", 1981, CONTRACT, LedgerConfig.FeeMode.LEGACY,
                BigInteger.ZERO, null, BigInteger.ZERO, BigInteger.valueOf(90_000), 2, Duration.ofMillis(50),
                Duration.ofSeconds(5)));
        assertThat(s.accountKey()).isEqualTo(dir.toAbsolutePath().resolve("ledger.key.json"));
        assertThat(s.accountPass()).isEqualTo("file:" + dir.toAbsolutePath().resolve("ledger.pass"));

        // saved again it uses the shared keys, and reads back equal
        Path current = dir.resolve("ledger.properties");
        s.save(current);
        String text = Files.readString(current, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("anchor.chain-id=1981", "anchor.account-pass=").doesNotContain("chainId", "accountPass");
        assertThat(LedgerSettings.load(current)).isEqualTo(s);
    }

    @Test
    void errorsNameTheFileTheKeyAndTheValue() throws IOException {
        Path f = Files.writeString(dir.resolve("ledger.properties"), String.join("\n", "anchor.rpc=http://127.0.0.1:8545/",
                "anchor.chain-id=0", "anchor.contract=" + CONTRACT, "anchor.account-pass=env:P", ""));
        assertThatThrownBy(() -> LedgerSettings.load(f))
                .hasMessage(f + ": anchor.chain-id = '0' must be a whole number in 1..9223372036854775807");
        Path noRpc = Files.writeString(dir.resolve("b.properties"), "chainId=5\n");
        assertThatThrownBy(() -> LedgerSettings.load(noRpc)).hasMessage(noRpc + ": anchor.rpc is required");
    }
}
