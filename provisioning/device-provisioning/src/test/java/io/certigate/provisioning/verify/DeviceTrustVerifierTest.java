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
import io.certigate.verifier.Verdict;
import io.certigate.verifier.ledger.RegistryAbi;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.trust.DeviceTrustVerifier;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Trust checks of proof bundles against a real anvil dev chain (anchor contract and registry deployed,
 * the anchor contract bound to the registry): records anchored before the device's revocation or
 * key rotation stay valid, records anchored at or after it fail (a key file left behind after a
 * rotation certifies nothing new); the certificate chain is checked at the anchoring block's time
 * as well as at the reading's, and a reading may not be dated after its anchoring block beyond the
 * tolerance; roots are looked up in the verifier's anchor contract, not the bundle's.
 */
@Tag("integration")
class DeviceTrustVerifierTest {
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

    static Csr.Identity meter(String deviceId) {
        return new Csr.Identity(deviceId, "SN-" + deviceId, "CG-TIC-1", Csr.SubjectKind.METER, "09111111111111");
    }

    /** A one-record batch per record: each record is its batch's root, anchored by a transaction of its own. */
    static final class Bundle {
        final String device;
        final List<ProofBundle.Anchor> anchors = new ArrayList<>();
        final List<ProofBundle.Entry> entries = new ArrayList<>();

        Bundle(String device) {
            this.device = device;
        }

        static byte[] record(MemoryKey key, String device, long seq, Instant t) throws Exception {
            Reading r = new Reading(t.toEpochMilli(), TimeQuality.NTP, "tic", "meter.energy.import", "09111111111111",
                    ReadingValue.of(1000 + seq), "Wh", List.of());
            return CoseSign1.sign(key, ReadingCodec.encode(new ChainedReading(device, seq, new byte[32], new byte[16], r)));
        }

        /** Signs record {@code seq} at {@code t} with {@code key} and anchors it from {@code from}; returns the receipt. */
        TransactionReceipt add(MemoryKey key, long seq, Instant t, LedgerAccount from) throws Exception {
            byte[] cose = record(key, device, seq, t);
            byte[] root = RecordHashes.leafHash(cose);
            TransactionReceipt r = ledger.anchor(from, root, device);
            assertThat(r.isStatusOK()).as("anchor of seq " + seq).isTrue();
            anchors.add(new ProofBundle.Anchor(1337, ledger.config.contract(), r.getTransactionHash(),
                    r.getBlockNumber().longValueExact(), root, seq, seq));
            entries.add(new ProofBundle.Entry(seq, cose, anchors.size() - 1, new InclusionProof(0, 1, List.of())));
            return r;
        }

        ProofBundle of(List<X509Certificate> chain) {
            return new ProofBundle(device, chain, anchors, entries);
        }
    }

    static Verdict verify(LedgerClient c, ProofBundle b) {
        return new DeviceTrustVerifier(ca.root(), new DeviceRegistryClient(c, ledger.registry, null, Ledger.TIMEOUT), c)
                .verify(b);
    }

    @Test
    void revocationCountsFromItsBlockAndCertificatesFromTheirValidity() throws Exception {
        Csr.Identity id = meter("m-trust");
        MemoryKey key = new MemoryKey(CoseAlgorithm.ES256);
        List<X509Certificate> chain = ca.issue(Csr.build(key, id), id, Duration.ofDays(30));
        key.withChain(chain);
        LedgerAccount account = ledger.newAccount("m-trust");
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT);
            reg.register("m-trust", key.publicKey(), chain.get(0), account.address());

            Instant now = Instant.now();
            Bundle b = new Bundle("m-trust");
            // seq 1: signed and anchored by the device while registered
            TransactionReceipt a1 = b.add(key, 1, now, account);
            // seq 3 and 4: signed after the certificate expires / before it was valid, anchored now
            b.add(key, 3, now.plus(Duration.ofDays(31)), account);
            b.add(key, 4, now.minus(Duration.ofDays(1)), account);

            DeviceRegistryClient.Receipt revoked = reg.revoke(key.publicKey(), "meter replaced");

            // seq 2: anchored after the revocation (the anchor contract's admin switched the registry
            // check off and anchored it itself): the registry says revoked at that block
            DeviceRegistryClient.bindAnchorContract(c, ledger.registrar, ledger.config.contract(),
                    "0x" + "0".repeat(40), Ledger.TIMEOUT);
            TransactionReceipt a2 = b.add(key, 2, now.plusSeconds(1), ledger.registrar);
            DeviceRegistryClient.bindAnchorContract(c, ledger.registrar, ledger.config.contract(), ledger.registry,
                    Ledger.TIMEOUT);

            Verdict report = verify(c, b.of(chain));
            String text = DeviceTrustVerifier.render(report);
            assertThat(report.checks()).extracting(Verdict.Check::seq).containsExactly(1L, 3L, 4L, 2L);
            assertThat(report.checks().get(0).ok()).as(text).isTrue();
            assertThat(report.checks().get(0).detail()).contains("active in the registry at block " + a1.getBlockNumber());
            assertThat(report.checks().get(1).ok()).as(text).isFalse();
            assertThat(report.checks().get(1).detail()).contains("at the reading's time").contains("expired");
            assertThat(report.checks().get(2).ok()).as(text).isFalse();
            assertThat(report.checks().get(2).detail()).contains("at the reading's time").contains("not yet valid");
            assertThat(report.checks().get(3).ok()).as(text).isFalse();
            assertThat(report.checks().get(3).detail()).contains("revoked in the registry at block " + a2.getBlockNumber())
                    .contains("revoked in block " + revoked.block());
            assertThat(report.valid()).isFalse();

            // the first record alone verifies
            ProofBundle first = new ProofBundle("m-trust", chain, b.anchors.subList(0, 1), b.entries.subList(0, 1));
            assertThat(verify(c, first).valid()).isTrue();
            // and not against another consortium's root
            assertThat(new DeviceTrustVerifier(TestCa.create("Other", Clock.systemUTC()).root(), reg, c).verify(first)
                    .valid()).isFalse();
            assertThat(reg.statusAt(key.publicKey(), a2.getBlockNumber().longValueExact()))
                    .isEqualTo(RegistryAbi.Status.REVOKED);
        }
    }

    /**
     * Issue #20: a key file left on disk after a rotation signs new readings, and the device's ledger
     * account (kept across the rotation) anchors them after the rotation's block. The registry says
     * SUPERSEDED there: they fail, while what the old key anchored before the rotation still passes
     * and the new key's records pass.
     */
    @Test
    void aKeyLeftBehindByARotationCertifiesNothingAnchoredAfterTheRotation() throws Exception {
        Csr.Identity id = meter("m-rotated");
        MemoryKey oldKey = new MemoryKey(CoseAlgorithm.ES256);
        List<X509Certificate> oldChain = ca.issue(Csr.build(oldKey, id), id, Duration.ofDays(30));
        LedgerAccount account = ledger.newAccount("m-rotated");
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT);
            reg.register("m-rotated", oldKey.publicKey(), oldChain.get(0), account.address());
            Instant now = Instant.now();
            Bundle old = new Bundle("m-rotated");
            old.add(oldKey, 1, now, account);
            old.add(oldKey, 2, now, account);

            MemoryKey newKey = new MemoryKey(CoseAlgorithm.ES256);
            List<X509Certificate> newChain = ca.issue(Csr.build(newKey, id), id, Duration.ofDays(30));
            DeviceRegistryClient.Receipt rotated = reg.register("m-rotated", newKey.publicKey(), newChain.get(0),
                    account.address());
            assertThat(verify(c, old.of(oldChain)).valid()).as("anchored before the rotation").isTrue();

            // the old key, left behind, signs a reading after the rotation; the kept account anchors it
            TransactionReceipt late = old.add(oldKey, 3, now.plusSeconds(2), account);
            assertThat(late.getBlockNumber().longValueExact()).isGreaterThan(rotated.block());
            Verdict report = verify(c, old.of(oldChain));
            String text = DeviceTrustVerifier.render(report);
            assertThat(report.valid()).as(text).isFalse();
            assertThat(report.checks()).extracting(Verdict.Check::seq).containsExactly(1L, 2L, 3L);
            assertThat(report.checks()).extracting(Verdict.Check::ok).containsExactly(true, true, false);
            assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.detail())
                    .contains("device key superseded in the registry at block " + late.getBlockNumber())
                    .contains("superseded by a key rotation in block " + rotated.block()));

            // the new key's records, anchored after the rotation, pass
            Bundle current = new Bundle("m-rotated");
            current.add(newKey, 4, now.plusSeconds(3), account);
            Verdict fresh = verify(c, current.of(newChain));
            assertThat(fresh.valid()).as(DeviceTrustVerifier.render(fresh)).isTrue();
        }
    }

    /**
     * Issue #20: an expired certificate cannot be rescued by backdating a reading into its validity:
     * the chain is also checked at the anchoring block's time, taken from the ledger.
     */
    @Test
    void anExpiredCertificateWithABackdatedReadingIsRefused() throws Exception {
        Instant now = Instant.now();
        ConsortiumCa past = TestCa.create("Past Consortium", Clock.fixed(now.minus(Duration.ofDays(60)), ZoneOffset.UTC));
        Csr.Identity id = meter("m-expired");
        MemoryKey key = new MemoryKey(CoseAlgorithm.ES256);
        List<X509Certificate> chain = past.issue(Csr.build(key, id), id, Duration.ofDays(30));
        assertThat(chain.get(0).getNotAfter().toInstant()).isBefore(now.minus(Duration.ofDays(29)));
        LedgerAccount account = ledger.newAccount("m-expired");
        try (LedgerClient c = ledger.client()) {
            new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT)
                    .register("m-expired", key.publicKey(), chain.get(0), account.address());
            Bundle b = new Bundle("m-expired");
            // dated inside the certificate's validity, anchored now, after it expired
            TransactionReceipt r = b.add(key, 1, now.minus(Duration.ofDays(45)), account);
            Verdict report = new DeviceTrustVerifier(past.root(),
                    new DeviceRegistryClient(c, ledger.registry, null, Ledger.TIMEOUT), c).verify(b.of(chain));
            assertThat(report.valid()).as(DeviceTrustVerifier.render(report)).isFalse();
            assertThat(report.failures()).singleElement().satisfies(f -> {
                assertThat(f.seq()).isEqualTo(1);
                assertThat(f.detail()).contains("at the anchoring block's time (block " + r.getBlockNumber() + ")")
                        .contains("expired");
            });
        }
    }

    /**
     * Issue #20: a reading cannot be dated after the block that anchored it, beyond the stated
     * tolerance; within it, it passes. And the roots are looked up in the verifier's anchor
     * contract: a bundle naming another contract fails, both addresses named.
     */
    @Test
    void aReadingDatedAfterItsAnchoringBlockBeyondTheToleranceIsRefused() throws Exception {
        Csr.Identity id = meter("m-future");
        MemoryKey key = new MemoryKey(CoseAlgorithm.ES256);
        List<X509Certificate> chain = ca.issue(Csr.build(key, id), id, Duration.ofDays(30));
        LedgerAccount account = ledger.newAccount("m-future");
        try (LedgerClient c = ledger.client()) {
            new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT)
                    .register("m-future", key.publicKey(), chain.get(0), account.address());
            Instant now = Instant.now();
            Bundle b = new Bundle("m-future");
            b.add(key, 1, now.plus(Duration.ofMinutes(2)), account);
            TransactionReceipt late = b.add(key, 2, now.plus(Duration.ofHours(1)), account);
            Verdict report = verify(c, b.of(chain));
            String text = DeviceTrustVerifier.render(report);
            assertThat(report.checks()).extracting(Verdict.Check::ok).as(text).containsExactly(true, false);
            assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.detail())
                    .contains("after its anchoring block " + late.getBlockNumber())
                    .contains("tolerance of " + DeviceTrustVerifier.READING_AFTER_BLOCK_TOLERANCE.toMinutes() + " minutes"));

            String other = "0x" + "1".repeat(40);
            ProofBundle.Anchor a = b.anchors.get(0);
            ProofBundle elsewhere = new ProofBundle("m-future", chain, List.of(new ProofBundle.Anchor(a.chainId(), other,
                    a.txHash(), a.blockNumber(), a.root(), a.firstSeq(), a.lastSeq())), b.entries.subList(0, 1));
            Verdict pinned = verify(c, elsewhere);
            assertThat(pinned.valid()).isFalse();
            assertThat(pinned.failures()).singleElement().satisfies(f -> assertThat(f.detail())
                    .contains("the bundle names anchor contract " + other)
                    .contains("this verifier checks against anchor contract " + ledger.config.contract()));
        }
    }
}
