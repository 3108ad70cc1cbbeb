package io.certigate.app.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.app.CertigateCli;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.technician.ProvisioningRecord;
import io.certigate.testbed.chain.DevChain;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The technician and device commands against each other: {@code certigate enrol} waits in
 * provisioning mode, {@code certigate provision --device coaps://...} provisions it over DTLS on a
 * real anvil dev chain, {@code certigate decommission} revokes it, and the used PSK is refused.
 */
@Tag("integration")
class ProvisionOverDtlsCliTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static int execute(String... args) {
        var cl = CertigateCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute(args);
        if (code != 0) {
            System.err.println(String.join(" ", args) + " -> " + code + ": " + err);
        }
        return code;
    }

    @Test
    void enrolProvisionDecommission() throws Exception {
        Path pass = Files.writeString(dir.resolve("pass"), "secret passphrase\n");
        DevChain chain = new DevChain(DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"))).start();
        try {
            LedgerAccount registrar = LedgerAccount.importKey(dir.resolve("registrar.key.json"), chain.adminKey(),
                    Files.readString(pass).strip().toCharArray(), LedgerAccount.KeyFileCost.LIGHT);
            String anchor;
            String registry;
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(), "0x" + "0".repeat(40)))) {
                anchor = new LedgerAdmin(c, registrar, TIMEOUT).deploy();
                registry = DeviceRegistryClient.deploy(c, registrar, TIMEOUT);
                DeviceRegistryClient.bindAnchorContract(c, registrar, anchor, registry, TIMEOUT);
            }
            assertThat(execute("ca", "init", "--dir", dir.resolve("ca").toString(), "--consortium", "CLI Fleet",
                    "--secret", "file:" + pass)).isZero();

            int port;
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path state = dir.resolve("device");
            List<String> identity = List.of("--device-id", "van-12", "--serial", "SN-12", "--model", "CG-OBD-2",
                    "--subject", "vin:VF1AB000000000012");
            List<String> enrol = new ArrayList<>(List.of("enrol", "--state-dir", state.toString(), "--enter-mode",
                    "--bind", "127.0.0.1:" + port, "--secret", "file:" + pass, "--ledger-passphrase", "file:" + pass,
                    "--trust-root", dir.resolve("ca/root.pem").toString()));
            enrol.addAll(identity);
            CompletableFuture<Integer> device = CompletableFuture.supplyAsync(() -> execute(enrol.toArray(new String[0])));

            Path label = state.resolve("provisioning-psk.txt");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(label) && System.nanoTime() < deadline && !device.isDone()) {
                Thread.sleep(100);
            }
            assertThat(label).exists();
            Path psk = Files.copy(label, dir.resolve("psk-copy.txt"));
            String deviceAccount = LedgerAccount.open(state.resolve("ledger.key.json"),
                    Files.readString(pass).strip().toCharArray()).address();
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(), anchor))) {
                new LedgerAdmin(c, registrar, TIMEOUT).fund(deviceAccount, BigInteger.TEN.pow(18));
            }

            List<String> ledger = List.of("--rpc", chain.rpcUrl(), "--chain-id", Long.toString(chain.chainId()),
                    "--registry", registry, "--registrar-key", dir.resolve("registrar.key.json").toString(),
                    "--registrar-passphrase", "file:" + pass);
            List<String> provision = new ArrayList<>(List.of("provision", "--device", "coaps://127.0.0.1:" + port,
                    "--psk-file", psk.toString(), "--ca-dir", dir.resolve("ca").toString(), "--secret", "file:" + pass,
                    "--record", dir.resolve("van-12.json").toString(), "--anchor-contract", anchor));
            provision.addAll(identity);
            provision.addAll(ledger);
            assertThat(execute(provision.toArray(new String[0]))).isZero();
            assertThat(device.get(60, TimeUnit.SECONDS)).isZero();
            ProvisioningRecord record = ProvisioningRecord.read(dir.resolve("van-12.json"));
            assertThat(record.identity().qualifiedSubject()).isEqualTo("vin:VF1AB000000000012");
            assertThat(record.ledgerAccount()).isEqualToIgnoringCase(deviceAccount);
            assertThat(state.resolve("ledger.properties")).exists();
            assertThat(Files.readString(state.resolve("ledger.properties"))).contains(registry);

            // the PSK was single-use: provisioning again with it fails
            provision.set(provision.indexOf("--record") + 1, dir.resolve("again.json").toString());
            provision.addAll(List.of("--timeout", "5s"));
            assertThat(execute(provision.toArray(new String[0]))).isEqualTo(1);
            assertThat(dir.resolve("again.json")).doesNotExist();

            List<String> decommission = new ArrayList<>(List.of("decommission", "--record",
                    dir.resolve("van-12.json").toString(), "--reason", "van sold"));
            decommission.addAll(ledger);
            assertThat(execute(decommission.toArray(new String[0]))).isZero();
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(), anchor))) {
                assertThat(new DeviceRegistryClient(c, registry, null, TIMEOUT).isActiveAccount(deviceAccount)).isFalse();
            }
        } finally {
            chain.stop();
        }
    }
}
