package io.certigate.verifier.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The registry's answers as the verifier reads them: which statuses certify an anchor, and the
 * {@code entries(bytes32)} getter's six ABI words (device, certHash, account, registeredIn,
 * supersededIn, revokedIn) decoded from literal return data.
 */
@Tag("unit")
class RegistryAbiTest {
    private static String word(long v) {
        return String.format("%064x", v);
    }

    @Test
    void onlyAnActiveKeyCertifiesAnAnchor() {
        // statusAt answers for the block asked about: SUPERSEDED and REVOKED mean at or after the rotation or revocation
        assertThat(RegistryAbi.Status.ACTIVE.validForAnchoring()).isTrue();
        assertThat(RegistryAbi.Status.SUPERSEDED.validForAnchoring()).isFalse();
        assertThat(RegistryAbi.Status.REVOKED.validForAnchoring()).isFalse();
        assertThat(RegistryAbi.Status.UNKNOWN.validForAnchoring()).isFalse();
        assertThat(RegistryAbi.status("0x" + word(2))).isEqualTo(RegistryAbi.Status.SUPERSEDED);
        assertThatThrownBy(() -> RegistryAbi.status("0x" + word(4))).hasMessageContaining("unknown status 4");
    }

    @Test
    void anEntryGivesTheBlocksOfRegistrationRotationAndRevocation() {
        String out = "0x"
                + "11".repeat(32) // device
                + "22".repeat(32) // certHash
                + "000000000000000000000000" + "33".repeat(20) // account
                + word(7) // registeredIn
                + word(42) // supersededIn
                + word(0); // revokedIn
        RegistryAbi.KeyEntry e = RegistryAbi.keyEntry(out);
        assertThat(e).isEqualTo(new RegistryAbi.KeyEntry(7, 42, 0));
        assertThat(e.invalidFrom()).isEqualTo(42);
        assertThat(new RegistryAbi.KeyEntry(7, 0, 50).invalidFrom()).isEqualTo(50);
        assertThat(new RegistryAbi.KeyEntry(7, 42, 50).invalidFrom()).isEqualTo(42);
        assertThat(new RegistryAbi.KeyEntry(7, 0, 0).invalidFrom()).isZero();
        // an unknown key: all zeros; no data at all (not a contract): the same
        assertThat(RegistryAbi.keyEntry("0x" + word(0).repeat(6))).isEqualTo(new RegistryAbi.KeyEntry(0, 0, 0));
        assertThat(RegistryAbi.keyEntry("0x")).isEqualTo(new RegistryAbi.KeyEntry(0, 0, 0));
        assertThatThrownBy(() -> RegistryAbi.keyEntry("0x" + word(1))).hasMessageContaining("32 bytes for entries");
        assertThat(RegistryAbi.encodeEntries(new byte[32])).startsWith("0x").hasSize(2 + 8 + 64);
    }
}
