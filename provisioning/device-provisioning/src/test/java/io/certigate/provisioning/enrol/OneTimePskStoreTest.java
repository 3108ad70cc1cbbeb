package io.certigate.provisioning.enrol;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The provisioning PSK answers for its identity only, until invalidated. */
@Tag("unit")
class OneTimePskStoreTest {
    static final byte[] KEY = java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    static PskSecretResult ask(OneTimePskStore s, String identity) {
        return s.requestPskSecretResult(new org.eclipse.californium.scandium.dtls.ConnectionId(new byte[] {1, 2}), null, new PskPublicInformation(identity), "HmacSHA256", null, null, false);
    }

    @Test
    void answersOnlyForItsIdentityAndNeverAfterInvalidation() {
        OneTimePskStore s = new OneTimePskStore(new ProvisioningPsk("certigate-1", KEY));
        assertThat(ask(s, "certigate-1").getSecret().getEncoded()).isEqualTo(KEY);
        assertThat(ask(s, "certigate-2").getSecret()).isNull();
        s.invalidate();
        assertThat(s.isValid()).isFalse();
        assertThat(ask(s, "certigate-1").getSecret()).isNull();
    }

    @Test
    void manyHandshakesDoNotInvalidateIt() {
        // failures are limited per peer (PeerBackoff), not by burning the PSK for everyone
        OneTimePskStore s = new OneTimePskStore(new ProvisioningPsk("certigate-1", KEY));
        for (int i = 0; i < 100; i++) {
            assertThat(ask(s, "certigate-1").getSecret()).isNotNull();
        }
        assertThat(s.isValid()).isTrue();
    }
}
