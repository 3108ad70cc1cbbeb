package io.certigate.fleet.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.uplink.StatusMessage;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate chains {@link DeviceKeys} keeps with the keys it takes, for the proof bundles the
 * consumer API serves: a status message's chain the consortium CA accepts, a renewed certificate of
 * the same key in place of the older one, a configured PEM certificate; nothing from a chain the
 * policy refuses.
 */
@Tag("component")
class DeviceKeysChainsTest {
    @TempDir
    Path dir;

    @Test
    void theChainsOfAcceptedKeysAreKeptAndNothingOfARefusedOne() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice device = TestDevice.create(dir, "dev-c");
        TestDevice other = TestDevice.create(dir, "dev-o");
        DeviceKeys keys = new DeviceKeys(List.of(pki.caCertificate()), false, null, Clock.systemUTC());

        X509Certificate cert = pki.issueDevice(device.key().publicKey(), "dev-c");
        assertThat(keys.learn(status("dev-c", cert, pki))).isTrue();
        assertThat(keys.chainsFor("dev-c")).containsExactly(List.of(cert, pki.caCertificate()));

        X509Certificate renewed = pki.issueDevice(device.key().publicKey(), "dev-c");
        assertThat(keys.learn(status("dev-c", renewed, pki))).as("the key is known already").isFalse();
        assertThat(keys.chainsFor("dev-c")).as("the renewed certificate replaces the older one")
                .containsExactly(List.of(renewed, pki.caCertificate()));

        X509Certificate named = pki.issueDevice(other.key().publicKey(), "dev-c");
        assertThat(keys.learn(status("dev-o", named, pki))).as("a certificate of another device").isFalse();
        assertThat(keys.chainsFor("dev-o")).isEmpty();

        Path pem = TestPki.writePem(dir.resolve("devices.pem"), List.of(other.certificate()));
        keys.load(pem);
        assertThat(keys.keysFor("dev-o")).containsExactly(other.key().publicKey());
        assertThat(keys.chainsFor("dev-o")).containsExactly(List.of(other.certificate()));
    }

    private static StatusMessage status(String device, X509Certificate cert, TestPki pki) {
        return new StatusMessage(device, StatusMessage.State.ONLINE, 0, 0, List.of(cert, pki.caCertificate()));
    }
}
