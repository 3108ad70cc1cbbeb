package io.certigate.fleet.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.testbed.chain.DevChain;
import io.certigate.testbed.device.TestPki;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.testing.TestDevice;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerReader;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's registry check against a real anvil dev chain with the {@code DeviceRegistry}
 * deployed: a key from a status message whose chain the consortium CA issued is learned only
 * while the registry holds it as active; an unregistered key and a revoked one are not.
 */
@Tag("integration")
class DeviceKeysRegistryTest {
    private static final char[] PASSPHRASE = "registry test".toCharArray();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aKeyIsLearnedOnlyWhileActiveInTheRegistry() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        try (DevChain chain = new DevChain(DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"))).start();
                TestDevice device = TestDevice.create(dir, "dev-r")) {
            LedgerAccount registrar = LedgerAccount.importKey(dir.resolve("registrar.key.json"), chain.adminKey(),
                    PASSPHRASE, LedgerAccount.KeyFileCost.LIGHT);
            LedgerAccount account = LedgerAccount.create(dir.resolve("device.key.json"), PASSPHRASE,
                    LedgerAccount.KeyFileCost.LIGHT);
            X509Certificate cert = pki.issueDevice(device.key().publicKey(), "dev-r");
            StatusMessage status = new StatusMessage("dev-r", StatusMessage.State.ONLINE, 0, 0,
                    List.of(cert, pki.caCertificate()));
            try (LedgerClient client = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(),
                    "0x" + "0".repeat(40)))) {
                String registry = DeviceRegistryClient.deploy(client, registrar, TIMEOUT);
                DeviceRegistryClient registrarClient = new DeviceRegistryClient(client, registry, registrar, TIMEOUT);
                try (LedgerReader reader = LedgerReader.connect(chain.rpcUrl(), registry)) {
                    DeviceKeys.Registry reg = new DeviceKeys.Registry(reader, new DeviceRegistryReader(reader, registry));

                    assertThat(keys(pki, reg).learn(status)).as("not registered").isFalse();

                    registrarClient.register("dev-r", device.key().publicKey(), cert, account.address());
                    DeviceKeys registered = keys(pki, reg);
                    assertThat(registered.learn(status)).as("active").isTrue();
                    assertThat(registered.keysFor("dev-r")).containsExactly(device.key().publicKey());

                    registrarClient.revoke(device.key().publicKey(), "key compromised");
                    assertThat(keys(pki, reg).learn(status)).as("revoked").isFalse();
                }
            }
        }
    }

    private static DeviceKeys keys(TestPki pki, DeviceKeys.Registry reg) {
        return new DeviceKeys(List.of(pki.caCertificate()), false, reg, Clock.systemUTC());
    }
}
