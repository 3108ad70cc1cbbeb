package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.app.spine.VerifyCommand;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.technician.ProvisioningRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import io.certigate.signing.testing.SoftHsmToken;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.testbed.chain.DevChain;
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
 * coaps://...} on an anvil dev chain, and the same process carries on as the gateway: its readings,
 * the provisioning test reading first, are chained and signed by the new key, anchored with the
 * installed ledger settings, and pass {@code certigate verify} with the device trust check. The
 * used PSK is refused afterwards. A key rotation through {@code run} (a new key name, provisioned
 * again) continues the same chain under the new certificate.
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

    /** The ledger (anchor contract bound to a device registry) and the consortium CA of one test. */
    record Consortium(DevChain chain, String anchor, String registry) {}

    private Consortium consortium(Path pass, char[] secret) throws Exception {
        DevChain chain = new DevChain(DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"))).start();
        try {
            LedgerAccount registrar = LedgerAccount.importKey(dir.resolve("registrar.key.json"), chain.adminKey(), secret,
                    LedgerAccount.KeyFileCost.LIGHT);
            String anchor;
            String registry;
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(), "0x" + "0".repeat(40)))) {
                anchor = new LedgerAdmin(c, registrar, TIMEOUT).deploy();
                registry = DeviceRegistryClient.deploy(c, registrar, TIMEOUT);
                DeviceRegistryClient.bindAnchorContract(c, registrar, anchor, registry, TIMEOUT);
            }
            assertThat(CliRun.run("ca", "init", "--dir", dir.resolve("ca").toString(), "--consortium", "Run Fleet",
                    "--secret", "file:" + pass).exit()).isZero();
            return new Consortium(chain, anchor, registry);
        } catch (Exception | AssertionError e) {
            chain.stop();
            throw e;
        }
    }

    /** The run configuration of device hub-run-1 with the given key lines, provisioning mode on. */
    private Path config(List<String> keyLines, int port) throws Exception {
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
                "provisioning.ledger-passphrase = file:" + dir.resolve("pass"),
                "provisioning.trust-root = " + dir.resolve("ca/root.pem"), ""));
        return Files.writeString(dir.resolve("certigate.conf"), String.join("\n", lines));
    }

    /** The arguments of {@code certigate provision} for the device waiting on {@code port}. */
    private List<String> provisionArgs(Consortium l, int port, Path psk, Path recordFile) {
        return new ArrayList<>(List.of("provision", "--device", "coaps://127.0.0.1:" + port,
                "--psk-file", psk.toString(), "--ca-dir", dir.resolve("ca").toString(), "--secret",
                "file:" + dir.resolve("pass"), "--record", recordFile.toString(), "--anchor-contract", l.anchor(),
                "--device-id", "hub-run-1", "--serial", "SN-RUN-1", "--model", "CG-ROAD-1", "--subject", "site:A7-PR200",
                "--rpc", l.chain().rpcUrl(), "--chain-id", Long.toString(l.chain().chainId()), "--registry", l.registry(),
                "--registrar-key", dir.resolve("registrar.key.json").toString(), "--registrar-passphrase",
                "file:" + dir.resolve("pass")));
    }

    /** Provisions the device waiting on {@code port} with the PSK in {@code psk} (a copy of its label). */
    private ProvisioningRecord provision(Consortium l, int port, Path psk, Path recordFile) throws Exception {
        CliRun.Result provisioned = CliRun.run(provisionArgs(l, port, psk, recordFile).toArray(new String[0]));
        assertThat(provisioned.exit()).as(provisioned.out() + provisioned.err()).isZero();
        assertThat(provisioned.out()).contains("test reading committed by the device's sequencer as seq");
        return ProvisioningRecord.read(recordFile);
    }

    /** Reads an export and checks that {@code certigate verify}'s verifier passes every record of it. */
    private static ExportFile.Contents verifiedExport(Path export) throws Exception {
        ExportFile.Contents contents = ExportFile.read(export);
        VerificationReport report = VerifyCommand.verify(contents);
        assertThat(report.ok()).as(report.findings().toString()).isTrue();
        assertThat(report.verified()).isEqualTo(contents.records().size());
        return contents;
    }

    /** Exports the proof of record {@code seq} and checks that it passes {@code verify} with the device trust check. */
    private void assertTrustedProof(Consortium l, long seq) {
        Path bundle = dir.resolve("proof-" + seq + ".json");
        CliRun.Result proof = CliRun.run("proof", "export", "--buffer", dir.resolve("buffer.db").toString(),
                "--device", "hub-run-1", "--seq", Long.toString(seq), "--out", bundle.toString());
        assertThat(proof.exit()).as(proof.out() + proof.err()).isZero();
        CliRun.Result verified = CliRun.run("verify", bundle.toString(), "--rpc", l.chain().rpcUrl(),
                "--trust-root", dir.resolve("ca/root.pem").toString(), "--registry", l.registry(), "--contract", l.anchor());
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(verified.out()).contains("ok   record " + seq).contains("device trust: verified");
    }

    /** The block that anchored the batch of record {@code seq} (from the device's batch store). */
    private long anchoringBlock(long seq) throws Exception {
        try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), "hub-run-1")) {
            return new BatchStore(b).all().stream().filter(x -> x.contains(seq)).findFirst()
                    .orElseThrow(() -> new AssertionError("record " + seq + " is in no batch")).blockNumber();
        }
    }

    /** Waits (bounded) until the running gateway's buffer holds record {@code seq} in an anchored batch. */
    private void awaitAnchored(long seq) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), "hub-run-1")) {
                if (new BatchStore(b).all().stream().anyMatch(x -> x.contains(seq) && x.state() == Batch.State.ANCHORED)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("record " + seq + " was not anchored within 90 s");
            }
            Thread.sleep(200);
        }
    }

    /** The proof of record {@code seq}, signed by a key superseded in {@code rotationBlock}, fails the trust check. */
    private void assertSupersededProof(Consortium l, long seq, long rotationBlock) {
        Path bundle = dir.resolve("proof-" + seq + ".json");
        CliRun.Result proof = CliRun.run("proof", "export", "--buffer", dir.resolve("buffer.db").toString(),
                "--device", "hub-run-1", "--seq", Long.toString(seq), "--out", bundle.toString());
        assertThat(proof.exit()).as(proof.out() + proof.err()).isZero();
        CliRun.Result verified = CliRun.run("verify", bundle.toString(), "--rpc", l.chain().rpcUrl(),
                "--trust-root", dir.resolve("ca/root.pem").toString(), "--registry", l.registry(), "--contract", l.anchor());
        assertThat(verified.exit()).as(verified.out() + verified.err()).isEqualTo(1);
        assertThat(verified.out()).contains("FAIL record " + seq)
                .contains("superseded by a key rotation in block " + rotationBlock);
    }

    private void stop(Process run) throws Exception {
        new ProcessBuilder("kill", "-TERM", Long.toString(run.pid())).start().waitFor();
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        awaitLine(l -> l.contains("stopped cleanly"), run);
    }

    /** Seconds a run keeps producing before it is stopped: readings at 20/s, batches closing every second. */
    private static void produceFor(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
    }

    @Test
    void aKeyRotationThroughRunContinuesTheChainUnderTheNewCertificate() throws Exception {
        Path pass = Files.writeString(dir.resolve("pass"), "run provisioning pass\n");
        char[] secret = "run provisioning pass".toCharArray();
        Consortium l = consortium(pass, secret);
        Path state = dir.resolve("state");
        Path label = state.resolve("provisioning-psk.txt");
        Process run = null;
        try {
            int port;
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String passLine = "key.passphrase = file:" + pass;

            // first key: provisioned, runs, anchors
            run = start(config(List.of("key.store = " + dir.resolve("device-1.p12"), passLine), port));
            awaitLine(x -> x.contains("PSK label in"), run);
            String deviceAccount = LedgerAccount.open(state.resolve("ledger.key.json"), secret).address();
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(l.chain().rpcUrl(), l.chain().chainId(), l.anchor()))) {
                LedgerAccount registrar = LedgerAccount.open(dir.resolve("registrar.key.json"), secret);
                new LedgerAdmin(c, registrar, TIMEOUT).fund(deviceAccount, BigInteger.TEN.pow(18));
            }
            ProvisioningRecord first = provision(l, port, Files.copy(label, dir.resolve("psk-1.txt")), dir.resolve("first.json"));
            awaitLine(x -> x.contains("certigate run: anchoring on chain"), run);
            produceFor(3);
            stop(run);
            long lastOfFirst;
            try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("hub-run-1"))) {
                lastOfFirst = b.head().seq();
            }
            assertThat(lastOfFirst).isGreaterThan(10);

            // rotation: the configuration names a new key; the device waits to be provisioned again
            output.clear();
            run = start(config(List.of("key.store = " + dir.resolve("device-2.p12"), passLine), port));
            awaitLine(x -> x.contains("PSK label in"), run);
            assertThat(dir.resolve("device-2.p12")).exists();
            assertThat(LedgerAccount.open(state.resolve("ledger.key.json"), secret).address())
                    .as("the device keeps its ledger account").isEqualTo(deviceAccount);
            ProvisioningRecord second = provision(l, port, Files.copy(label, dir.resolve("psk-2.txt")), dir.resolve("second.json"));
            assertThat(second.chain().get(0).getPublicKey()).isNotEqualTo(first.chain().get(0).getPublicKey());
            awaitLine(x -> x.contains("carrying on as the gateway"), run);
            // the first key is retired: a key file left behind could sign readings that look genuine
            assertThat(String.join("\n", output)).contains("certigate run: key rotation: the previous key is retired:"
                    + " PKCS#12 file " + dir.resolve("device-1.p12").toAbsolutePath().normalize() + " deleted");
            assertThat(dir.resolve("device-1.p12")).doesNotExist();
            awaitLine(x -> x.contains("certigate run: anchoring on chain"), run);
            produceFor(3);
            awaitAnchored(lastOfFirst + 2); // a loaded machine may not have anchored it within those seconds
            stop(run);
            run = null;

            // one chain: the first key's records, the rotation's test record, then the second key's
            byte[] kid1 = KeyIds.of(first.chain().get(0).getPublicKey());
            byte[] kid2 = KeyIds.of(second.chain().get(0).getPublicKey());
            Path export = dir.resolve("export.json");
            try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("hub-run-1"))) {
                assertThat(DeviceIdentity.chains(b)).containsExactly(first.chain(), second.chain());
                assertThat(((StoredRecord.Signed) b.range(1, 1).get(0)).cose()).isEqualTo(first.testRecord());
                assertThat(((StoredRecord.Signed) b.range(lastOfFirst + 1, lastOfFirst + 1).get(0)).cose())
                        .as("the rotation's test record follows the first key's last record").isEqualTo(second.testRecord());
                assertThat(b.head().seq()).isGreaterThan(lastOfFirst + 10);
                Exporter.export(b, Selection.ALL, export);
            }
            ExportFile.Contents contents = verifiedExport(export);
            for (StoredRecord r : contents.records()) {
                byte[] kid = CoseSign1.parse(((StoredRecord.Signed) r).cose()).keyId();
                assertThat(kid).isEqualTo(r.seq() <= lastOfFirst ? kid1 : kid2);
            }

            // the first key's records keep their trust where they were anchored before the block of
            // the rotation (the second registration); any of its records anchored at or after it
            // (its last batch, when the rotation came first) fail as signed by a superseded key.
            // The second key's records, anchored while it is active, pass.
            long rotationBlock = second.registrationBlock();
            assertThat(rotationBlock).isPositive();
            for (long seq : new long[] {2, lastOfFirst}) {
                long anchoredIn = anchoringBlock(seq);
                if (anchoredIn < rotationBlock) {
                    assertTrustedProof(l, seq);
                } else {
                    assertSupersededProof(l, seq, rotationBlock);
                }
            }
            assertTrustedProof(l, lastOfFirst + 2);
        } finally {
            if (run != null) {
                run.destroyForcibly();
            }
            l.chain().stop();
        }
    }

    private void provisionAndRun(List<String> keyLines, KeyCheck keyGenerated) throws Exception {
        Path pass = dir.resolve("pass");
        if (!Files.exists(pass)) {
            Files.writeString(pass, "run provisioning pass\n");
        }
        char[] secret = "run provisioning pass".toCharArray();
        Consortium consortium = consortium(pass, secret);
        DevChain chain = consortium.chain();
        String anchor = consortium.anchor();
        Process run = null;
        try {
            int port;
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path state = dir.resolve("state");
            run = start(config(keyLines, port));

            Path label = state.resolve("provisioning-psk.txt");
            awaitLine(l -> l.contains("PSK label in"), run);
            assertThat(label).exists();
            // standard output is not a terminal (as under systemd): the PSK is only in the 0600 label
            assertThat(String.join("\n", output)).contains("waits on coaps://127.0.0.1:" + port)
                    .contains("PSK identity certigate-SN-RUN-1").doesNotContain("psk=")
                    .contains("not shown here because standard output is not a terminal");
            keyGenerated.check(); // generated in the configured backend
            Path psk = Files.copy(label, dir.resolve("psk-copy.txt"));
            String deviceAccount = LedgerAccount.open(state.resolve("ledger.key.json"), secret).address();
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(chain.rpcUrl(), chain.chainId(), anchor))) {
                LedgerAccount registrar = LedgerAccount.open(dir.resolve("registrar.key.json"), secret);
                new LedgerAdmin(c, registrar, TIMEOUT).fund(deviceAccount, BigInteger.TEN.pow(18));
            }

            ProvisioningRecord record = provision(consortium, port, psk, dir.resolve("hub-run-1.json"));

            // the same process leaves provisioning mode and runs as the gateway with anchoring
            awaitLine(l -> l.contains("carrying on as the gateway"), run);
            awaitLine(l -> l.contains("certigate run: anchoring on chain " + chain.chainId()), run);
            assertThat(label).doesNotExist();
            assertThat(state.resolve("provisioning-mode")).doesNotExist();

            // the PSK was single-use
            List<String> again = provisionArgs(consortium, port, psk, dir.resolve("again.json"));
            again.addAll(List.of("--timeout", "5s"));
            assertThat(CliRun.run(again.toArray(new String[0])).exit()).isEqualTo(1);
            assertThat(dir.resolve("again.json")).doesNotExist();

            produceFor(3);
            stop(run);

            // seq 1 is the test reading the technician verified; then readings signed by the new key
            byte[] kid = KeyIds.of(record.chain().get(0).getPublicKey());
            Path export = dir.resolve("export.json");
            try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("hub-run-1"))) {
                assertThat(DeviceIdentity.chains(b)).containsExactly(record.chain());
                assertThat(((StoredRecord.Signed) b.range(1, 1).get(0)).cose()).isEqualTo(record.testRecord());
                assertThat(b.head().seq()).isGreaterThan(10);
                Exporter.export(b, Selection.ALL, export);
            }
            ExportFile.Contents contents = verifiedExport(export);
            for (StoredRecord r : contents.records()) {
                byte[] cose = ((StoredRecord.Signed) r).cose();
                assertThat(CoseSign1.parse(cose).keyId()).isEqualTo(kid);
            }
            ChainedReading second = ReadingCodec.decode(CoseSign1.parse(
                    ((StoredRecord.Signed) contents.records().get(1)).cose()).payload());
            assertThat(second.reading().source()).isEqualTo("sim");

            // anchored with the installed ledger settings from the device's own account; the proof
            // passes verify with the consortium root and the registry
            assertTrustedProof(consortium, 2);
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
