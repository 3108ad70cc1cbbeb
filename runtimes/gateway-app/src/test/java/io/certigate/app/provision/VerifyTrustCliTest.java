package io.certigate.app.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.ledger.SignedTx;
import io.certigate.app.CliRun;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import io.certigate.testbed.chain.DevChain;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@code certigate verify BUNDLE --rpc --trust-root --registry} on a real anvil dev chain: a record
 * anchored while its key was registered passes (also after a later revocation), the same bundle
 * fails against another consortium's root, and a record anchored after the revocation fails.
 */
@Tag("integration")
class VerifyTrustCliTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Csr.Identity METER = new Csr.Identity("m-verify", "SN-V", "CG-TIC-1", Csr.SubjectKind.METER,
            "09222222222222");

    @TempDir
    Path dir;

    @Test
    void verifyChecksChainToTheRootAndRegistryStatusAtTheAnchoringBlock() throws Exception {
        Path pass = Files.writeString(dir.resolve("pass"), "verify trust pass\n");
        char[] secret = "verify trust pass".toCharArray();
        assertThat(CliRun.run("ca", "init", "--dir", dir.resolve("ca").toString(), "--consortium", "Verify Fleet",
                "--secret", "file:" + pass).exit()).isZero();
        assertThat(CliRun.run("ca", "init", "--dir", dir.resolve("other-ca").toString(), "--consortium", "Other Fleet",
                "--secret", "file:" + pass).exit()).isZero();
        ConsortiumCa ca = new ConsortiumCa(new KeyBackend.Pkcs12(dir.resolve("ca/ca-issuing.p12"), secret).open(),
                Clock.systemUTC());
        DeviceKey key = new KeyBackend.Pkcs12(dir.resolve("m-verify.p12"), secret).generate(CoseAlgorithm.EDDSA, "m-verify");
        List<X509Certificate> chain = ca.issue(Csr.build(key, METER), METER, Duration.ofDays(30));

        DevChain devChain = new DevChain(DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"))).start();
        try {
            LedgerAccount registrar = LedgerAccount.importKey(dir.resolve("registrar.key.json"), devChain.adminKey(), secret,
                    LedgerAccount.KeyFileCost.LIGHT);
            LedgerAccount device = LedgerAccount.create(dir.resolve("device.key.json"), secret,
                    LedgerAccount.KeyFileCost.LIGHT);
            LedgerConfig base = LedgerConfig.of(devChain.rpcUrl(), devChain.chainId(), "0x" + "0".repeat(40));
            try (LedgerClient c = LedgerClient.connect(base)) {
                String anchor = new LedgerAdmin(c, registrar, TIMEOUT).deploy();
                String registry = DeviceRegistryClient.deploy(c, registrar, TIMEOUT);
                DeviceRegistryClient.bindAnchorContract(c, registrar, anchor, registry, TIMEOUT);
                new LedgerAdmin(c, registrar, TIMEOUT).fund(device.address(), BigInteger.TEN.pow(18));
                DeviceRegistryClient reg = new DeviceRegistryClient(c, registry, registrar, TIMEOUT);
                reg.register(METER.deviceId(), key.publicKey(), chain.get(0), device.address());

                // seq 1: signed and anchored by the registered device
                byte[] r1 = record(key, 1, new byte[32]);
                TransactionReceipt a1 = anchor(c, device, anchor, RecordHashes.leafHash(r1), 1);
                assertThat(a1.isStatusOK()).isTrue();
                ProofBundle.Anchor anchor1 = anchorOf(devChain.chainId(), anchor, a1, RecordHashes.leafHash(r1), 1);
                ProofBundle.Entry e1 = new ProofBundle.Entry(1, r1, 0, new InclusionProof(0, 1, List.of()));
                Path first = write("first.json", new ProofBundle(METER.deviceId(), chain, List.of(anchor1), List.of(e1)));

                String[] trust = {"--rpc", devChain.rpcUrl(), "--trust-root", dir.resolve("ca/root.pem").toString(),
                    "--registry", registry, "--contract", anchor};
                CliRun.Result ok = verify(first, trust);
                assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
                assertThat(ok.out()).contains("ok   record 1: chain valid to the consortium root")
                        .contains("active in the registry at block " + a1.getBlockNumber()).contains("device trust: verified");

                // another consortium's root: the chain does not lead to it
                CliRun.Result wrongRoot = verify(first, "--rpc", devChain.rpcUrl(), "--trust-root",
                        dir.resolve("other-ca/root.pem").toString(), "--registry", registry, "--contract", anchor);
                assertThat(wrongRoot.exit()).isEqualTo(1);
                assertThat(wrongRoot.out()).contains("FAIL record 1").contains("device trust: NOT verified");

                // revoked after anchoring: the record anchored before stays valid
                reg.revoke(key.publicKey(), "meter replaced");
                CliRun.Result afterRevocation = verify(first, trust);
                assertThat(afterRevocation.exit()).as(afterRevocation.out()).isZero();

                // seq 2 anchored after the revocation (the admin switched the registry check off): fails
                byte[] r2 = record(key, 2, RecordHashes.chainHash(r1));
                DeviceRegistryClient.bindAnchorContract(c, registrar, anchor, "0x" + "0".repeat(40), TIMEOUT);
                TransactionReceipt a2 = anchor(c, registrar, anchor, RecordHashes.leafHash(r2), 2);
                assertThat(a2.isStatusOK()).isTrue();
                ProofBundle.Anchor anchor2 = anchorOf(devChain.chainId(), anchor, a2, RecordHashes.leafHash(r2), 2);
                ProofBundle.Entry e2 = new ProofBundle.Entry(2, r2, 1, new InclusionProof(0, 1, List.of()));
                Path both = write("both.json", new ProofBundle(METER.deviceId(), chain, List.of(anchor1, anchor2),
                        List.of(e1, e2)));
                CliRun.Result late = verify(both, trust);
                assertThat(late.exit()).isEqualTo(1);
                assertThat(late.out()).contains("ok   record 1").contains("FAIL record 2")
                        .contains("revoked in the registry at block " + a2.getBlockNumber());
                // the signatures, inclusion and anchors alone are fine: only the device trust fails
                CliRun.Result proofOnly = verify(both, "--rpc", devChain.rpcUrl(), "--contract", anchor);
                assertThat(proofOnly.exit()).as(proofOnly.out()).isZero();

                // a registry needs a root; a root alone checks the chain and says the registry was not consulted
                CliRun.Result incomplete = verify(first, "--rpc", devChain.rpcUrl(), "--registry", registry, "--contract",
                        anchor);
                assertThat(incomplete.exit()).isEqualTo(2);
                assertThat(incomplete.err()).contains("--registry checks the status of keys trusted through a root");
                CliRun.Result unpinned = verify(first, "--rpc", devChain.rpcUrl(), "--trust-root",
                        dir.resolve("ca/root.pem").toString(), "--registry", registry);
                assertThat(unpinned.exit()).isEqualTo(2);
                assertThat(unpinned.err()).contains("--rpc needs --contract");
                CliRun.Result rootOnly = verify(first, "--rpc", devChain.rpcUrl(), "--contract", anchor, "--trust-root",
                        dir.resolve("ca/root.pem").toString());
                assertThat(rootOnly.exit()).as(rootOnly.out()).isZero();
                assertThat(rootOnly.out()).contains("ok   record 1: chain valid to the trust root")
                        .contains("note registry status of the device key").contains("device trust: verified (registry not checked)");
                CliRun.Result otherRootOnly = CliRun.run("proof", "verify", first.toString(), "--rpc", devChain.rpcUrl(),
                        "--contract", anchor, "--trust-root", dir.resolve("other-ca/root.pem").toString());
                assertThat(otherRootOnly.exit()).isEqualTo(1);
                assertThat(otherRootOnly.out()).contains("FAIL record 1: UNTRUSTED").contains("device trust: NOT verified");
                CliRun.Result selfAsserted = CliRun.run("proof", "verify", first.toString(), "--rpc", devChain.rpcUrl(),
                        "--contract", anchor);
                assertThat(selfAsserted.out()).contains("the device key was taken from the bundle's own certificate");
                CliRun.Result pinned = CliRun.run("proof", "verify", first.toString(), "--rpc", devChain.rpcUrl(),
                        "--contract", "0x" + "2".repeat(40));
                assertThat(pinned.exit()).isEqualTo(1);
                assertThat(pinned.out()).contains("the bundle names anchor contract " + anchor)
                        .contains("checks against anchor contract 0x" + "2".repeat(40));
            }
        } finally {
            devChain.stop();
        }
    }

    private CliRun.Result verify(Path bundle, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "verify";
        args[1] = bundle.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        return CliRun.run(args);
    }

    private Path write(String name, ProofBundle bundle) throws Exception {
        return Files.write(dir.resolve(name), ProofBundleJson.write(bundle));
    }

    private static byte[] record(DeviceKey key, long seq, byte[] prev) throws Exception {
        Reading r = new Reading(System.currentTimeMillis(), TimeQuality.NTP, "tic", "meter.energy.import",
                METER.subject(), ReadingValue.of(1000 + seq), "Wh", List.of());
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        return CoseSign1.sign(key, ReadingCodec.encode(new ChainedReading(METER.deviceId(), seq, prev, salt, r)));
    }

    private static ProofBundle.Anchor anchorOf(long chainId, String contract, TransactionReceipt r, byte[] root, long seq) {
        return new ProofBundle.Anchor(chainId, contract, r.getTransactionHash(), r.getBlockNumber().longValueExact(),
                root, seq, seq);
    }

    /** Anchors a one-record batch from {@code from}; returns the receipt (status may be a revert). */
    private static TransactionReceipt anchor(LedgerClient c, LedgerAccount from, String contract, byte[] root, long seq)
            throws Exception {
        SignedTx tx = c.sign(from, c.nonce(from.address(), true), contract, BigInteger.ZERO,
                AnchorContract.encodeAnchor(root, AnchorAbi.deviceKey(METER.deviceId()), seq, seq),
                BigInteger.valueOf(300_000));
        c.broadcast(tx.raw());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TransactionReceipt> r = c.receipt(tx.hash());
            if (r.isPresent()) {
                return r.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no receipt for anchor transaction " + tx.hash());
    }
}
