package io.certigate.kura.anchoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.ledger.LedgerConfig;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The anchoring's options as its component builds them from a ConfigAdmin property map. */
@Tag("unit")
class AnchoringOptionsTest {
    static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    static Map<String, Object> minimal() {
        Map<String, Object> p = new HashMap<>();
        p.put("anchor.rpc", "http://127.0.0.1:8545/");
        p.put("anchor.chain-id", 1337L);
        p.put("anchor.contract", CONTRACT);
        p.put("anchor.account-key", "/opt/certigate/ledger-account.json");
        p.put("anchor.account-pass", "file:/opt/certigate/ledger-account.pass");
        p.put("component.name", "io.certigate.kura.anchoring.AnchoringComponent");
        return p;
    }

    static Map<String, Object> with(Map<String, Object> p, String key, Object value) {
        Map<String, Object> m = new HashMap<>(p);
        m.put(key, value);
        return m;
    }

    @Test
    void defaultsAreTheLedgerSettingsAndTheStandaloneBatching() {
        AnchoringOptions o = AnchoringOptions.from(minimal());
        assertThat(o.ledger()).isEqualTo(LedgerConfig.of("http://127.0.0.1:8545/", 1337, CONTRACT));
        assertThat(o.accountKey()).isEqualTo(Path.of("/opt/certigate/ledger-account.json"));
        assertThat(o.accountPass()).isEqualTo("file:/opt/certigate/ledger-account.pass");
        assertThat(o.batching().maxSize()).isEqualTo(10_000);
        assertThat(o.batching().maxAge()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void everyKeyIsTakenAndEqualConfigurationsCompareEqual() {
        Map<String, Object> p = minimal();
        p.put("anchor.fee-mode", "legacy");
        p.put("anchor.gas-price", "0");
        p.put("anchor.gas-limit", 90_000);
        p.put("anchor.confirmations", "2");
        p.put("anchor.poll-ms", 50);
        p.put("anchor.receipt-timeout-s", 5);
        p.put("anchor.batch-size", 64);
        p.put("anchor.batch-age-s", 0);
        AnchoringOptions o = AnchoringOptions.from(p);
        assertThat(o.ledger().feeMode()).isEqualTo(LedgerConfig.FeeMode.LEGACY);
        assertThat(o.ledger().gasPrice()).isEqualTo(BigInteger.ZERO);
        assertThat(o.ledger().gasLimit()).isEqualTo(BigInteger.valueOf(90_000));
        assertThat(o.ledger().confirmations()).isEqualTo(2);
        assertThat(o.ledger().pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.ledger().receiptTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.batching().maxSize()).isEqualTo(64);
        assertThat(o.batching().maxAge()).isZero();
        assertThat(AnchoringOptions.from(p)).isEqualTo(o);
        assertThat(AnchoringOptions.from(with(p, "anchor.batch-size", 65))).isNotEqualTo(o);
        assertThat(AnchoringOptions.from(with(p, "anchor.account-pass", "env:LEDGER_PASS"))).isNotEqualTo(o);
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndTheValue() {
        Map<String, Object> p = minimal();
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.rpc", "ws://127.0.0.1:8546")))
                .hasMessageContaining("anchor.rpc = 'ws://127.0.0.1:8546'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.chain-id", 0))).hasMessageContaining("anchor.chain-id = '0'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.contract", "0x1234")))
                .hasMessageContaining("anchor.contract = '0x1234'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.fee-mode", "cheap")))
                .hasMessageContaining("anchor.fee-mode = 'cheap'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.max-fee-per-gas", "-1")))
                .hasMessageContaining("anchor.max-fee-per-gas = '-1'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.gas-limit", 20_999)))
                .hasMessageContaining("anchor.gas-limit = '20999'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.batch-size", "many")))
                .hasMessageContaining("anchor.batch-size = 'many'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.batch-size", 0))).hasMessageContaining("anchor.batch-size = '0'");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.batch-age-s", -1)))
                .hasMessageContaining("anchor.batch-age-s = '-1'");
        // typed values beyond the range (or the int they end in) are refused, not narrowed or clamped
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.batch-size", 4_294_967_296L)))
                .hasMessageContaining("anchor.batch-size = '4294967296' must be a whole number in 1..67108863");
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.confirmations", 99_999_999_999L)))
                .hasMessageContaining("anchor.confirmations = '99999999999' must be a whole number in 0..10000");
        // the passphrase itself is refused, and not echoed back
        assertThatThrownBy(() -> AnchoringOptions.from(with(p, "anchor.account-pass", "hunter2")))
                .hasMessageContaining("anchor.account-pass must be file:PATH or env:NAME").hasMessageNotContaining("hunter2");
        Map<String, Object> noKey = new HashMap<>(p);
        noKey.remove("anchor.account-key");
        assertThatThrownBy(() -> AnchoringOptions.from(noKey)).hasMessageContaining("anchor.account-key is required");
    }
}
