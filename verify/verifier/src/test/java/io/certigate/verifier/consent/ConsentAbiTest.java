package io.certigate.verifier.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The consent registry's ABI from literal words. Event topics and selectors were computed
 * independently of web3j, with the keccak256 of the npm package js-sha3 in the root node_modules
 * ({@code require('js-sha3').keccak256('Revoked(uint256,address,address)')}).
 */
@Tag("unit")
class ConsentAbiTest {
    static String word(String hex) {
        return "0".repeat(64 - hex.length()) + hex;
    }

    @Test
    void eventTopicsAndSelectorsAreTheSignaturesKeccak() {
        assertThat(ConsentAbi.GRANTED_TOPIC)
                .isEqualTo("0xececf55901d847d38a462f47e9ebd94c4fcc64a14157f936d16046f6b8eb1c4e");
        assertThat(ConsentAbi.REVOKED_TOPIC)
                .isEqualTo("0xa96db3edccc72000dff77fc380cfbabe1646529eadd835eb11f2f8315669ec76");
        assertThat(ConsentAbi.encodeInForce(7, 100, Instant.ofEpochSecond(0x6553f100))).isEqualTo("0xf55cb7d8"
                + word("7") + word("64") + word("6553f100"));
        assertThat(ConsentAbi.encodeConsent(1)).isEqualTo("0x9eef6ce8" + word("1"));
        assertThat(ConsentAbi.encodeFindInForce("0x" + "11".repeat(20), "0x" + "22".repeat(20), new byte[32],
                ConsentCodes.purpose("insurance.mileage"), ConsentCodes.kind("vehicle.odometer"), 5, Instant.EPOCH))
                .startsWith("0x86134bf7" + word("11".repeat(20)) + word("22".repeat(20)) + "0".repeat(64)
                        + "696e737572616e63652e6d696c65616765");
    }

    @Test
    void aConsentIsDecodedFromItsWords() {
        String odometer = "76656869636c652e6f646f6d65746572" + "0".repeat(32); // "vehicle.odometer"
        String speed = "76656869636c652e7370656564" + "0".repeat(38); // "vehicle.speed"
        String hex = "0x"
                + word("aa".repeat(20))          // holder
                + word("bb".repeat(20))          // consumer
                + "cd".repeat(32)                // subject hash
                + "696e737572616e63652e6d696c65616765" + "0".repeat(30) // purpose "insurance.mileage"
                + word("120")                    // offset of kinds: after the nine head words
                + word("0")                      // validFrom
                + word("7a432b80")               // validUntil 2035-01-01T00:00:00Z
                + word("b")                      // grantedIn 11
                + word("d")                      // revokedIn 13
                + word("2") + odometer + speed;  // kinds
        Consent c = ConsentAbi.decodeConsent(4, hex).orElseThrow();
        assertThat(c.id()).isEqualTo(4);
        assertThat(c.holder()).isEqualTo("0x" + "aa".repeat(20));
        assertThat(c.consumer()).isEqualTo("0x" + "bb".repeat(20));
        assertThat(c.subject()).containsOnly((byte) 0xcd);
        assertThat(c.purpose()).isEqualTo("insurance.mileage");
        assertThat(c.kinds()).containsExactly("vehicle.odometer", "vehicle.speed");
        assertThat(c.validFrom()).isEqualTo(Instant.EPOCH);
        assertThat(c.validUntil()).isEqualTo(Instant.parse("2035-01-01T00:00:00Z"));
        assertThat(c.grantedIn()).isEqualTo(11);
        assertThat(c.revokedIn()).isEqualTo(13);
    }

    @Test
    void anUnknownIdDecodesToNothing() {
        // what the contract returns for an id it never gave: zeros and an empty kinds array
        String hex = "0x" + word("0").repeat(4) + word("120") + word("0").repeat(4) + word("0");
        assertThat(ConsentAbi.decodeConsent(99, hex)).isEmpty();
    }

    @Test
    void idsAreDecoded() {
        assertThat(ConsentAbi.decodeIds("0x" + word("20") + word("3") + word("1") + word("4") + word("9")))
                .containsExactly(1L, 4L, 9L);
        assertThat(ConsentAbi.decodeIds("0x" + word("20") + word("0"))).isEmpty();
    }

    @Test
    void aRevertIsExplainedByItsCustomError() {
        assertThat(ConsentAbi.explainRevert("eth_call failed: execution reverted (data 0xaf9f2410" + word("1") + word("5")
                + ")")).isEqualTo("NotHolder: only the consent's holder may revoke it");
        assertThat(ConsentAbi.explainRevert("eth_call failed: execution reverted (data 0xFDDD48A9" + word("1") + ")"))
                .isEqualTo("NotRegisteredParty: the account is not an active party of the DeviceRegistry");
        assertThat(ConsentAbi.explainRevert("eth_call failed: out of gas")).isNull();
        assertThat(ConsentAbi.explainRevert(null)).isNull();
    }
}
