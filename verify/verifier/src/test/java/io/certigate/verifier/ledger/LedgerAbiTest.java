package io.certigate.verifier.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/** The per-device calls of the anchor contract and the registry, from their byte layout. */
@Tag("unit")
class LedgerAbiTest {
    private static final String DEVICE = "11".repeat(32);
    private static final String ROOT = "22".repeat(32);

    private static String selector(String signature) {
        return Hash.sha3String(signature).substring(0, 10);
    }

    @Test
    void blockOfTakesTheDeviceThenTheRoot() {
        HexFormat hex = HexFormat.of();
        assertThat(AnchorAbi.encodeBlockOf(hex.parseHex(DEVICE), hex.parseHex(ROOT)))
                .isEqualTo(selector("blockOf(bytes32,bytes32)") + DEVICE + ROOT);
    }

    @Test
    void deviceOfAccountIsTheDeviceWhileActiveAndNothingOtherwise() {
        assertThat(RegistryAbi.encodeDeviceOfAccount("0x" + "ab".repeat(20)))
                .isEqualTo(selector("deviceOfAccount(address)") + "0".repeat(24) + "ab".repeat(20));
        assertThat(RegistryAbi.activeDevice("0x" + DEVICE // bytes32 device
                + "0".repeat(63) + "1")) // bool active
                .hasValueSatisfying(d -> assertThat(HexFormat.of().formatHex(d)).isEqualTo(DEVICE));
        assertThat(RegistryAbi.activeDevice("0x" + "0".repeat(128))).isEmpty();
        assertThatThrownBy(() -> RegistryAbi.activeDevice("0x" + DEVICE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> RegistryAbi.activeDevice("0x")).isInstanceOf(IllegalArgumentException.class);
    }
}
