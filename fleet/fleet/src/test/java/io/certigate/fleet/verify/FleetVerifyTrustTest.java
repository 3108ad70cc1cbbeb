package io.certigate.fleet.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.config.ConfigValues;
import io.certigate.testbed.device.TestPki;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.testing.TestDevice;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("component")
class FleetVerifyTrustTest {
    @TempDir
    Path dir;

    @Test
    void readsTheCaAndConfiguredKeysFromFiles() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice configured = TestDevice.create(dir.resolve("c"), "dev-1");
        TestDevice issued = TestDevice.create(dir.resolve("i"), "dev-2");
        try {
            Path ca = TestPki.writePem(dir.resolve("ca.pem"), List.of(pki.caCertificate()));
            Path certs = TestPki.writePem(dir.resolve("dev-1.pem"), List.of(configured.key().certificateChain().get(0)));
            try (FleetVerifyTrust t = FleetVerifyTrust.open(new ConfigValues("fleet.properties", Map.of(
                    "fleet.verify.ca", ca.toString(), "fleet.verify.keys", " " + certs + " ,")), Clock.systemUTC())) {
                assertThat(t.ledger()).isNull();
                assertThat(t.keys().keysFor("dev-1")).containsExactly(configured.key().publicKey());
                assertThat(t.keys().learn(new StatusMessage("dev-2", StatusMessage.State.ONLINE, 0, 0,
                        List.of(pki.issueDevice(issued.key().publicKey(), "dev-2"), pki.caCertificate())))).isTrue();
            }
        } finally {
            configured.close();
            issued.close();
        }
    }

    @Test
    void theRegistrySettingsGoTogether() {
        assertThatThrownBy(() -> FleetVerifyTrust.open(new ConfigValues("f", Map.of(
                "fleet.verify.registry.rpc-url", "http://127.0.0.1:8545")), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("go together");
        assertThatThrownBy(() -> FleetVerifyTrust.open(new ConfigValues("f", Map.of(
                "fleet.verify.registry.rpc-url", "file:///etc/passwd", "fleet.verify.registry.chain-id", "1337",
                "fleet.verify.registry.address", "0x" + "ab".repeat(20))), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)");
    }
}
