package io.certigate.app.provision;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.ledger.SignedTx;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.ProvisioningPsk;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.enrol.SpineHandover;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.technician.Provisioner;
import io.certigate.provisioning.technician.ProvisioningRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs11DeviceKey;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.RegistryAbi;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.testbed.chain.DevChain;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@code certigate provision --self-test}: the whole provisioning flow on this machine. A fresh
 * SoftHSM2 token holds the device key, an anvil dev chain holds the anchor contract bound to a new
 * device registry, the consortium CA lives in PKCS#12 files, and technician and device talk CoAP
 * over DTLS on loopback. Then the device anchors, is decommissioned, and must fail to anchor.
 * SoftHSM reads SOFTHSM2_CONF when the JVM first loads it: without that variable the self-test
 * re-runs itself in a child JVM with a private configuration.
 */
final class SelfTest {
    static final Path SOFTHSM = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Path requestedDir;
    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();

    SelfTest(Path workDir, PrintStream out) {
        this.requestedDir = workDir;
        this.out = out;
    }

    int run() throws Exception {
        Path dir = requestedDir != null ? Files.createDirectories(requestedDir) : Files.createTempDirectory("certigate-selftest");
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null || !conf.startsWith(dir.toAbsolutePath().toString())) {
            return relaunch(dir);
        }
        if (!Files.exists(SOFTHSM)) {
            throw new IOException(SOFTHSM + " is missing: install the Debian package softhsm2");
        }
        out.println("self-test in " + dir);
        String pin = HexFormat.of().formatHex(bytes(8));
        long slot = initToken(Path.of(conf), pin);
        out.println("  SoftHSM token initialised in slot " + slot);

        DevChain chain = new DevChain(DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"))).start();
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        try {
            char[] pass = HexFormat.of().formatHex(bytes(16)).toCharArray();
            LedgerAccount registrar = LedgerAccount.importKey(dir.resolve("registrar.key.json"), chain.adminKey(), pass,
                    LedgerAccount.KeyFileCost.LIGHT);
            LedgerConfig base = LedgerConfig.of(chain.rpcUrl(), chain.chainId(), "0x" + "0".repeat(40));
            String anchor;
            String registryAddress;
            try (LedgerClient c = LedgerClient.connect(base)) {
                anchor = new LedgerAdmin(c, registrar, TIMEOUT).deploy();
                registryAddress = DeviceRegistryClient.deploy(c, registrar, TIMEOUT);
                DeviceRegistryClient.bindAnchorContract(c, registrar, anchor, registryAddress, TIMEOUT);
            }
            LedgerConfig config = base.withContract(anchor);
            out.println("  dev chain " + chain.rpcUrl() + ": anchor contract " + anchor + ", registry " + registryAddress);

            // the consortium CA in PKCS#12 files
            KeyBackend rootB = new KeyBackend.Pkcs12(dir.resolve("ca/ca-root.p12"), pass);
            KeyBackend issB = new KeyBackend.Pkcs12(dir.resolve("ca/ca-issuing.p12"), pass);
            ConsortiumCa.Hierarchy h = ConsortiumCa.init(rootB.generate(CoseAlgorithm.ES256, "root"),
                    issB.generate(CoseAlgorithm.ES256, "issuing"), "Self-test Consortium", Clock.systemUTC(),
                    Duration.ofDays(3650), Duration.ofDays(1825));
            rootB.installChain(h.rootChain());
            ConsortiumCa ca = new ConsortiumCa(issB.installChain(h.issuingChain()), Clock.systemUTC());
            out.println("  consortium CA created");

            // the device: key on the token, its own ledger account, in provisioning mode
            Csr.Identity id = new Csr.Identity("selftest-gw", "SN-SELFTEST", "CG-SELFTEST", Csr.SubjectKind.SITE, "LOOPBACK-1");
            LedgerAccount device = LedgerAccount.create(dir.resolve("device/ledger.key.json"), pass,
                    LedgerAccount.KeyFileCost.LIGHT);
            try (LedgerClient c = LedgerClient.connect(config)) {
                new LedgerAdmin(c, registrar, TIMEOUT).fund(device.address(), BigInteger.TEN.pow(19));
            }
            ProvisioningState state = new ProvisioningState(dir.resolve("device"));
            state.enter();
            KeyBackend deviceKeys = new KeyBackend.Pkcs11(new Pkcs11DeviceKey.TokenConfig(SOFTHSM, slot, "device"),
                    pin.toCharArray());
            ProvisioningRecord record;
            SpineHandover spine = SpineHandover.onBuffer(dir.resolve("device/buffer.db"), id.deviceId(), Clock.systemUTC(),
                    writer, Duration.ofSeconds(30));
            try (EnrolmentAgent agent = new EnrolmentAgent(state, deviceKeys, new EnrolmentAgent.Settings(
                    new InetSocketAddress("127.0.0.1", 0), id, CoseAlgorithm.ES256, Duration.ofSeconds(5), 8,
                    device.address(), h.root()), Clock.systemUTC(), random, ex, s -> out.println("  [device] " + s.replace("\n", "\n  [device] ")),
                    spine);
                    LedgerClient c = LedgerClient.connect(config)) {
                int port = agent.start().getPort();
                ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());
                DeviceRegistryClient registry = new DeviceRegistryClient(c, registryAddress, registrar, TIMEOUT);
                Provisioner p = new Provisioner(ca, registry, Clock.systemUTC(), random, TIMEOUT);
                record = p.provision(new Provisioner.Request(URI.create("coaps://127.0.0.1:" + port),
                        psk, id, Duration.ofDays(365),
                        Map.of("rpc", chain.rpcUrl(), "anchor-contract", anchor, "registry", registryAddress)));
                DeviceKey installed = agent.provisioned().get(30, TimeUnit.SECONDS);
                record.write(dir.resolve("provisioning-record.json"));
                out.println(ProvisionCommand.summary(record).replaceAll("(?m)^", "  "));
                check(installed instanceof Pkcs11DeviceKey k && k.privateKeyHandle().getEncoded() == null,
                        "device key is on the token and not exportable");
                check(!state.inProvisioningMode() && !Files.exists(state.labelFile()), "device left provisioning mode");
                try (io.certigate.core.spine.Spine running = spine.spine().get(30, TimeUnit.SECONDS)) {
                    check(java.util.Arrays.equals(((io.certigate.core.model.StoredRecord.Signed) running.buffer()
                            .range(1, 1).get(0)).cose(), record.testRecord()),
                            "test reading went through the sequencer: seq 1 of the device's buffer");
                }
                check(new ChainValidator(ca.root()).validate(record.chain(), Clock.systemUTC().instant()).equals(id),
                        "certificate chain validates to the consortium root");

                try (io.certigate.provisioning.technician.EnrolmentClient again =
                        new io.certigate.provisioning.technician.EnrolmentClient(URI.create("coaps://127.0.0.1:" + port),
                                psk, Duration.ofSeconds(3))) {
                    again.csr();
                    check(false, "reused PSK refused");
                } catch (io.certigate.provisioning.enrol.EnrolmentException expected) {
                    check(true, "reused PSK refused");
                }

                TransactionReceipt ok = anchorFrom(c, device, anchor, id.deviceId());
                check(ok.isStatusOK(), "registered device anchors");
                long anchoredIn = ok.getBlockNumber().longValueExact();
                DeviceRegistryClient.Receipt revoked = Provisioner.decommission(registry, record, "self-test");
                check(!anchorFrom(c, device, anchor, id.deviceId()).isStatusOK(), "revoked device cannot anchor");
                var key = record.chain().get(0).getPublicKey();
                check(registry.statusAt(key, anchoredIn) == RegistryAbi.Status.ACTIVE,
                        "anchor made before the revocation stays valid");
                check(registry.statusAt(key, revoked.block()) == RegistryAbi.Status.REVOKED,
                        "registry reports the key revoked from block " + revoked.block());
            }
        } finally {
            ex.shutdownNow();
            writer.shutdownNow();
            chain.stop();
        }
        out.println(failures.isEmpty() ? "self-test passed" : "self-test FAILED: " + String.join("; ", failures));
        return failures.isEmpty() ? 0 : 1;
    }

    private void check(boolean ok, String what) {
        out.println("  " + (ok ? "ok   " : "FAIL ") + what);
        if (!ok) {
            failures.add(what);
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static TransactionReceipt anchorFrom(LedgerClient c, LedgerAccount from, String anchor, String deviceId)
            throws Exception {
        byte[] root = new byte[32];
        new SecureRandom().nextBytes(root);
        SignedTx tx = c.sign(from, c.nonce(from.address(), true), anchor, BigInteger.ZERO,
                AnchorContract.encodeAnchor(root, AnchorAbi.deviceKey(deviceId), 1, 1), BigInteger.valueOf(300_000));
        c.broadcast(tx.raw());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TransactionReceipt> r = c.receipt(tx.hash());
            if (r.isPresent()) {
                return r.get();
            }
            Thread.sleep(c.config().pollInterval().toMillis());
        }
        throw new IOException("no receipt for anchor transaction " + tx.hash());
    }

    private static long initToken(Path conf, String pin) throws Exception {
        Path tokens = conf.getParent().resolve("tokens");
        Files.createDirectories(tokens);
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "certigate-selftest",
                "--pin", pin, "--so-pin", "so-" + pin).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("softhsm2-util failed: " + text);
        }
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(text);
        if (!m.find()) {
            throw new IOException("softhsm2-util did not report a slot: " + text);
        }
        return Long.parseLong(m.group(1));
    }

    /** Runs the self-test in a child JVM whose SOFTHSM2_CONF points into the work directory. */
    private int relaunch(Path dir) throws Exception {
        Path conf = dir.toAbsolutePath().resolve("softhsm2/softhsm2.conf");
        Files.createDirectories(conf.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        for (String prop : List.of("certigate.anvil", "certigate.home", "org.sqlite.tmpdir")) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.addAll(List.of("io.certigate.app.CertigateCli", "provision", "--self-test", "--work-dir", dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = pb.start();
        p.getInputStream().transferTo(out);
        out.flush();
        return p.waitFor();
    }
}
