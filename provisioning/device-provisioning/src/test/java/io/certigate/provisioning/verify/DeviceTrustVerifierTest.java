package io.certigate.provisioning.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.testing.Ledger;
import io.certigate.provisioning.testing.MemoryKey;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import io.certigate.verifier.ledger.RegistryAbi;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.trust.DeviceTrustVerifier;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Trust checks of proof bundles against a real ganache chain: records anchored before the device's
 * revocation stay valid, a record anchored after it fails, and records signed outside the
 * certificate's validity fail.
 */
@Tag("integration")
class DeviceTrustVerifierTest {
    static final Csr.Identity METER = new Csr.Identity("m-trust", "SN-T", "CG-TIC-1", Csr.SubjectKind.METER, "09111111111111");

    @TempDir
    static Path dir;
    static Ledger ledger;
    static ConsortiumCa ca;

    @BeforeAll
    static void chain() throws Exception {
        ledger = Ledger.start(dir);
        ca = TestCa.create("Trust Consortium", Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    static byte[] record(MemoryKey key, long seq, Instant t) throws Exception {
        Reading r = new Reading(t.toEpochMilli(), TimeQuality.NTP, "tic", "meter.energy.import", METER.subject(),
                ReadingValue.of(1000 + seq), "Wh", List.of());
        return CoseSign1.sign(key, ReadingCodec.encode(new ChainedReading("m-trust", seq, new byte[32], new byte[16], r)));
    }

    static ProofBundle.Anchor anchorOf(TransactionReceipt r, byte[] root, long seq) {
        return new ProofBundle.Anchor(1337, ledger.config.contract(), r.getTransactionHash(),
                r.getBlockNumber().longValueExact(), root, seq, seq);
    }

    @Test
    void revocationCountsFromItsBlockAndCertificatesFromTheirValidity() throws Exception {
        MemoryKey key = new MemoryKey(CoseAlgorithm.ES256);
        List<X509Certificate> chain = ca.issue(Csr.build(key, METER), METER, Duration.ofDays(30));
        key.withChain(chain);
        LedgerAccount account = ledger.newAccount("m-trust");
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT);
            reg.register("m-trust", key.publicKey(), chain.get(0), account.address());

            Instant now = Instant.now();
            List<ProofBundle.Anchor> anchors = new ArrayList<>();
            List<ProofBundle.Entry> entries = new ArrayList<>();
            // seq 1: signed and anchored by the device while registered
            byte[] r1 = record(key, 1, now);
            byte[] root1 = RecordHashes.leafHash(r1);
            TransactionReceipt a1 = ledger.anchor(account, root1, "m-trust");
            assertThat(a1.isStatusOK()).isTrue();
            anchors.add(anchorOf(a1, root1, 1));
            entries.add(new ProofBundle.Entry(1, r1, 0, new InclusionProof(0, 1, List.of())));

            reg.revoke(key.publicKey(), "meter replaced");

            // seq 2: anchored after the revocation (the anchor contract's admin switched the registry
            // check off and anchored it itself): the registry says revoked at that block
            byte[] r2 = record(key, 2, now.plusSeconds(1));
            byte[] root2 = RecordHashes.leafHash(r2);
            DeviceRegistryClient.bindAnchorContract(c, ledger.registrar, ledger.config.contract(),
                    "0x" + "0".repeat(40), Ledger.TIMEOUT);
            TransactionReceipt a2 = ledger.anchor(ledger.registrar, root2, "m-trust");
            assertThat(a2.isStatusOK()).isTrue();
            DeviceRegistryClient.bindAnchorContract(c, ledger.registrar, ledger.config.contract(), ledger.registry,
                    Ledger.TIMEOUT);
            anchors.add(anchorOf(a2, root2, 2));
            entries.add(new ProofBundle.Entry(2, r2, 1, new InclusionProof(0, 1, List.of())));

            // seq 3 and 4: signed after the certificate expired / before it was valid, anchored with seq 1
            entries.add(new ProofBundle.Entry(3, record(key, 3, now.plus(Duration.ofDays(31))), 0,
                    new InclusionProof(0, 1, List.of())));
            entries.add(new ProofBundle.Entry(4, record(key, 4, now.minus(Duration.ofDays(1))), 0,
                    new InclusionProof(0, 1, List.of())));

            ProofBundle bundle = new ProofBundle("m-trust", chain, anchors, entries);
            io.certigate.verifier.Verdict report = new DeviceTrustVerifier(ca.root(),
                    new DeviceRegistryClient(c, ledger.registry, null, Ledger.TIMEOUT)).verify(bundle);

            assertThat(report.checks()).hasSize(4);
            assertThat(report.checks().get(0).ok()).as(DeviceTrustVerifier.render(report)).isTrue();
            assertThat(report.checks().get(0).detail()).contains("active in the registry at block " + a1.getBlockNumber());
            assertThat(report.checks().get(1).ok()).isFalse();
            assertThat(report.checks().get(1).detail()).contains("revoked in the registry");
            assertThat(report.checks().get(2).ok()).isFalse();
            assertThat(report.checks().get(2).detail()).contains("expired");
            assertThat(report.checks().get(3).ok()).isFalse();
            assertThat(report.checks().get(3).detail()).contains("not yet valid");
            assertThat(report.valid()).isFalse();

            // the first record alone verifies
            ProofBundle first = new ProofBundle("m-trust", chain, anchors.subList(0, 1), entries.subList(0, 1));
            assertThat(new DeviceTrustVerifier(ca.root(), reg).verify(first).valid()).isTrue();
            // and not against another consortium's root
            assertThat(new DeviceTrustVerifier(TestCa.create("Other", Clock.systemUTC()).root(), reg).verify(first).valid())
                    .isFalse();
            assertThat(reg.statusAt(key.publicKey(), a2.getBlockNumber().longValueExact()))
                    .isEqualTo(RegistryAbi.Status.REVOKED);
        }
    }
}
