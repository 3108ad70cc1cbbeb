package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.devchain.DevChain;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.ExportFile;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.core.verify.VerificationReport;
import io.certigate.app.spine.VerifyCommand;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.technician.ProvisioningRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import io.certigate.signing.testing.SoftHsmToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate run} in provisioning mode as a real process: a blank device (no key yet) waits
 * with a single-use PSK, the technician provisions it with {@code certigate provision --device
 * coaps://...} on a ganache chain, and the same process carries on as the gateway: its readings,
 * the provisioning test reading first, are chained and signed by the new key, anchored with the
 * installed ledger settings, and pass {@code certigate verify} with the device trust check. The
 * used PSK is refused afterwards.
 */
@Tag("integration")
class RunProvisioningModeTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** The run process's output lines, collected by a reader thread. */
    final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aBlankDeviceWithAPkcs12KeyIsProvisionedByTheRunningGatewayAndCarriesOn() throws Exception {
        Path pass = Files.writeString(dir.resolve("pass"), "run provisioning pass\n");
        provisionAndRun(List.of("key.store = " + dir.resolve("device.p12"), "key.passphrase = file:" + pass),
                () -> assertThat(dir.resolve("device.p12")).exists());
    }

    @Test
    void aBlankDeviceWithATokenKeyIsProvisionedByTheRunningGatewayAndCarriesOn() throws Exception {
        SoftHsmToken token = SoftHsmToken.shared();
        Path pin = Files.writeString(dir.resolve("pin"), token.pin + "\n");
        provisionAndRun(List.of("key.type = pkcs11", "key.pkcs11.library = " + SoftHsmToken.LIBRARY,
                "key.pkcs11.slot = " + token.slot, "key.pkcs11.alias = run-device", "key.pkcs11.pin = file:" + pin,
                "provisioning.algorithm = es256"), () -> {
                    // generated on the token by the run process; OpenSC sees it sensitive, never extractable
                    String objects = token.listObjects();
                    assertThat(objects).contains("run-device").contains("sensitive").contains("never extractable");
                });
    }

    /** A check of the generated key, made while the device waits to be provisioned. */
    interface KeyCheck {
        void check() throws Exception;
    }

    private void provisionAndRun(List<String> keyLines, KeyCheck keyGenerated) throws Exception {
        Path pass = dir.resolve("pass");
        if (!Files.exists(pass)) {
            Files.writeString(pass, "run provisioning pass\n");
        }
        char[] secret = "run provisioning pass".toCharArray();
        DevChain chain = new DevChain(DevChain.Options.defaults(DevChain.locateGanache(), dir.resolve("chain"))).start();
        Process run = null;
        try {
            LedgerAccount registrar = LedgerAccount.importKey(dir.resolve("registrar.key.json"), chain.adminKey(), secret);
            String anchor;
            String registry;
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(), "0x" + "0".repeat(40)))) {
                anchor = new LedgerAdmin(c, registrar, TIMEOUT).deploy();
                registry = DeviceRegistryClient.deploy(c, registrar, TIMEOUT);
                DeviceRegistryClient.bindAnchorContract(c, registrar, anchor, registry, TIMEOUT);
            }
            assertThat(CliRun.run("ca", "init", "--dir", dir.resolve("ca").toString(), "--consortium", "Run Fleet",
                    "--secret", "file:" + pass).exit()).isZero();

            int port;
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path state = dir.resolve("state");
            List<String> lines = new ArrayList<>(keyLines);
            lines.addAll(List.of(
                    "device.id = hub-run-1",
                    "buffer.file = " + dir.resolve("buffer.db"),
                    "sources.synthetic.rate = 20",
                    "anchor.ledger = " + state.resolve("anchoring.properties"),
                    "anchor.batch-size = 10",
                    "anchor.batch-age-s = 1",
                    "provisioning.mode = auto",
                    "provisioning.state-dir = " + state,
                    "provisioning.listen = 127.0.0.1:" + port,
                    "provisioning.serial = SN-RUN-1",
                    "provisioning.model = CG-ROAD-1",
                    "provisioning.subject = site:A7-PR200",
                    "provisioning.ledger-passphrase = file:" + pass, ""));
            Path config = Files.writeString(dir.resolve("certigate.conf"), String.join("\n", lines));
            run = start(config);

            Path label = state.resolve("provisioning-psk.txt");
            awaitLine(l -> l.contains("PSK label also in"), run);
            assertThat(label).exists();
            assertThat(String.join("\n", output)).contains("waits on coaps://127.0.0.1:" + port)
                    .contains("psk-identity=certigate-SN-RUN-1").contains("psk=");
            keyGenerated.check(); // generated in the configured backend
            Path psk = Files.copy(label, dir.resolve("psk-copy.txt"));
            String deviceAccount = LedgerAccount.open(state.resolve("ledger.key.json"), secret).address();
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(), anchor))) {
                new LedgerAdmin(c, registrar, TIMEOUT).fund(deviceAccount, BigInteger.TEN.pow(18));
            }

            List<String> provision = new ArrayList<>(List.of("provision", "--device", "coaps://127.0.0.1:" + port,
                    "--psk-file", psk.toString(), "--ca-dir", dir.resolve("ca").toString(), "--secret", "file:" + pass,
                    "--record", dir.resolve("hub-run-1.json").toString(), "--anchor-contract", anchor,
                    "--device-id", "hub-run-1", "--serial", "SN-RUN-1", "--model", "CG-ROAD-1", "--subject", "site:A7-PR200",
                    "--rpc", chain.rpcUrl(), "--chain-id", Long.toString(chain.chainId()), "--registry", registry,
                    "--registrar-key", dir.resolve("registrar.key.json").toString(), "--registrar-passphrase",
                    "file:" + pass));
            CliRun.Result provisioned = CliRun.run(provision.toArray(new String[0]));
            assertThat(provisioned.exit()).as(provisioned.out() + provisioned.err()).isZero();
            assertThat(provisioned.out()).contains("test reading committed by the device's sequencer as seq 1");
            ProvisioningRecord record = ProvisioningRecord.read(dir.resolve("hub-run-1.json"));

            // the same process leaves provisioning mode and runs as the gateway with anchoring
            awaitLine(l -> l.contains("carrying on as the gateway"), run);
            awaitLine(l -> l.contains("certigate run: anchoring on chain " + chain.chainId()), run);
            assertThat(label).doesNotExist();
            assertThat(state.resolve("provisioning-mode")).doesNotExist();

            // the PSK was single-use
            provision.set(provision.indexOf("--record") + 1, dir.resolve("again.json").toString());
            provision.addAll(List.of("--timeout", "5s"));
            assertThat(CliRun.run(provision.toArray(new String[0])).exit()).isEqualTo(1);
            assertThat(dir.resolve("again.json")).doesNotExist();

            Thread.sleep(3000); // readings at 20/s, batches closing every second
            new ProcessBuilder("kill", "-TERM", Long.toString(run.pid())).start().waitFor();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            awaitLine(l -> l.contains("stopped cleanly"), run);

            // seq 1 is the test reading the technician verified; then readings signed by the new key
            byte[] kid = KeyIds.of(record.chain().get(0).getPublicKey());
            Path export = dir.resolve("export.json");
            try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("hub-run-1"))) {
                assertThat(DeviceIdentity.chains(b)).containsExactly(record.chain());
                assertThat(((StoredRecord.Signed) b.range(1, 1).get(0)).cose()).isEqualTo(record.testRecord());
                assertThat(b.head().seq()).isGreaterThan(10);
                Exporter.export(b, Selection.ALL, export);
            }
            ExportFile.Contents contents = ExportFile.read(export);
            VerificationReport report = VerifyCommand.verify(contents);
            assertThat(report.ok()).as(report.findings().toString()).isTrue();
            assertThat(report.verified()).isEqualTo(contents.records().size());
            for (StoredRecord r : contents.records()) {
                byte[] cose = ((StoredRecord.Signed) r).cose();
                assertThat(CoseSign1.parse(cose).keyId()).isEqualTo(kid);
            }
            ChainedReading second = ReadingCodec.decode(CoseSign1.parse(
                    ((StoredRecord.Signed) contents.records().get(1)).cose()).payload());
            assertThat(second.reading().source()).isEqualTo("sim");

            // anchored with the installed ledger settings from the device's own account; the proof
            // passes verify with the consortium root and the registry
            Path bundle = dir.resolve("proof.json");
            CliRun.Result proof = CliRun.run("proof", "export", "--buffer", dir.resolve("buffer.db").toString(),
                    "--device", "hub-run-1", "--seq", "2", "--out", bundle.toString());
            assertThat(proof.exit()).as(proof.out() + proof.err()).isZero();
            CliRun.Result verified = CliRun.run("verify", bundle.toString(), "--rpc", chain.rpcUrl(), "--trust-root",
                    dir.resolve("ca/root.pem").toString(), "--registry", registry);
            assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
            assertThat(verified.out()).contains("ok   record 2").contains("device trust: verified");
        } finally {
            if (run != null) {
                run.destroyForcibly();
            }
            chain.stop();
        }
    }

    private Process start(Path config) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    output.add(l);
                }
            } catch (java.io.IOException e) {
                output.add("(output closed: " + e.getMessage() + ")");
            }
        }, "run-output");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private void awaitLine(Predicate<String> what, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            synchronized (output) {
                if (output.stream().anyMatch(what)) {
                    return;
                }
            }
            if (!p.isAlive() && p.exitValue() != 0) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected line not printed; output so far:\n" + String.join("\n", output));
    }
}
