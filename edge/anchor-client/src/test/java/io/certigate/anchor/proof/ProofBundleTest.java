package io.certigate.anchor.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.Anchorer;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proof bundles exported from a real buffer, anchored on a real anvil dev chain, verified on and off chain. */
@Tag("integration")
class ProofBundleTest {
    @TempDir
    static Path dir;
    static TestChain chain;
    static TestDevice device;
    static ProofExporter exporter;

    @BeforeAll
    static void anchorSomeReadings() throws Exception {
        chain = TestChain.start(dir);
        device = new TestDevice(dir, "dev-proof", Clock.systemUTC());
        device.produce(57);
        BatchStore store = new BatchStore(device.buffer);
        new AnchorBatcher(store, new AnchorBatcher.Options(20, Duration.ofHours(1)), Clock.systemUTC()).cutAll();
        try (LedgerClient c = chain.client()) {
            Anchorer a = new Anchorer(store, c, chain.gateway, device.id, Clock.systemUTC());
            for (int i = 0; i < 100 && a.step() != Anchorer.Outcome.IDLE; i++) {
                Thread.sleep(20);
            }
        }
        assertThat(store.unanchoredCount()).isZero();
        exporter = new ProofExporter(device.buffer, store);
    }

    @AfterAll
    static void stop() throws Exception {
        device.close();
        chain.close();
    }

    private static ProofBundle roundTrip(ProofBundle b) throws Exception {
        return ProofBundleJson.read(ProofBundleJson.write(b));
    }

    @Test
    void everyRecordOfEveryBatchVerifiesOnChain() throws Exception {
        ProofBundle b = roundTrip(exporter.export(1, 57, device.key.certificateChain()));
        assertThat(b.anchors()).hasSize(3);
        assertThat(b.records()).hasSize(57);
        io.certigate.verifier.Verdict r = BundleVerifier.verify(b, chain.chain.rpcUrl(), chain.contract);
        assertThat(r.valid()).as(BundleVerifier.render(r)).isTrue();
        assertThat(r.notChecked().isEmpty()).isTrue();
        assertThat(r.checks()).filteredOn(c -> c.subject().startsWith("anchor")).hasSize(3);
        assertThat(BundleVerifier.render(r)).contains("VALID (signatures, inclusion and on-chain anchors)").doesNotContain("OFFLINE");
    }

    /**
     * RFC 9942 receipts signed by the anchoring device key: every record's receipt verifies with its
     * anchor on chain; a receipt moved to another block, put on another record, or signed by another
     * key fails naming why; the JSON bundle keeps them (base64url) and reads back.
     */
    @Test
    void receiptsOfEveryRecordVerifyAndTamperedOnesFail() throws Exception {
        ProofBundle b = roundTrip(exporter.export(1, 57, device.key.certificateChain(), device.key));
        assertThat(b.records()).allSatisfy(e -> assertThat(e.receipt()).isNotNull());
        io.certigate.verifier.Verdict r = BundleVerifier.verify(b, chain.chain.rpcUrl(), chain.contract);
        assertThat(r.valid()).as(BundleVerifier.render(r)).isTrue();
        assertThat(r.checks()).filteredOn(c -> c.subject().startsWith("receipt")).hasSize(57)
                .allSatisfy(c -> assertThat(c.detail()).contains("RFC 9942 receipt"));
        assertThat(new String(ProofBundleJson.write(b), StandardCharsets.UTF_8)).contains("\"receipt\"");

        ProofBundle.Entry e = b.records().get(25);
        ProofBundle.Anchor a = b.anchors().get(e.anchor());
        io.certigate.verifier.receipt.Receipt parsed = io.certigate.verifier.receipt.ReceiptCodec.parse(e.receipt());
        assertThat(parsed.ledger()).isEqualTo(new io.certigate.verifier.receipt.LedgerReference(a.chainId(),
                a.contract(), a.txHash(), a.blockNumber()));

        byte[] moved = io.certigate.verifier.receipt.ReceiptCodec.encode(
                io.certigate.verifier.receipt.ReceiptCodec.protectedHeader(parsed.algorithm(), parsed.keyId(),
                        new io.certigate.verifier.receipt.LedgerReference(a.chainId(), a.contract(), a.txHash(),
                                a.blockNumber() + 1)), parsed.proof(), parsed.signature());
        assertInvalid(with(b, new ProofBundle.Entry(e.seq(), e.cose(), 0, e.proof(), moved), a), null,
                "receipt signature does not verify");
        ProofBundle.Entry other = b.records().get(26);
        assertInvalid(with(b, new ProofBundle.Entry(e.seq(), e.cose(), 0, e.proof(), other.receipt()), a), null,
                "receipt signature does not verify");
        byte[] truncated = java.util.Arrays.copyOf(e.receipt(), e.receipt().length - 5);
        assertInvalid(with(b, new ProofBundle.Entry(e.seq(), e.cose(), 0, e.proof(), truncated), a), null,
                "not deterministic CBOR");

        io.certigate.signing.SoftwareDeviceKey stranger = io.certigate.signing.Pkcs12KeyStore.create(
                dir.resolve("stranger.p12"), io.certigate.signing.CoseAlgorithm.EDDSA, "stranger", "pw".toCharArray());
        assertThatThrownBy(() -> exporter.export(1, 2, device.key.certificateChain(), stranger))
                .isInstanceOf(ProofExporter.ProofException.class)
                .hasMessageContaining("receipts must be signed by the key the bundle's certificate certifies");
    }

    @Test
    void offlineVerificationSaysSoPlainly() throws Exception {
        ProofBundle one = roundTrip(exporter.export(33, 33, device.key.certificateChain()));
        assertThat(one.records()).singleElement().extracting(ProofBundle.Entry::seq).isEqualTo(33L);
        io.certigate.verifier.Verdict r = BundleVerifier.verify(one, null, null);
        assertThat(r.valid()).isTrue();
        assertThat(r.notChecked().isEmpty()).isFalse();
        assertThat(BundleVerifier.render(r)).contains("OFFLINE: the anchors were NOT checked").contains("VALID OFFLINE ONLY");
    }

    @Test
    void tamperedRecordsPathsAndAnchorsAreRejected() throws Exception {
        ProofBundle good = exporter.export(21, 22, device.key.certificateChain());
        ProofBundle.Entry e = good.records().get(0);
        ProofBundle.Anchor a = good.anchors().get(0);

        byte[] cose = e.cose();
        cose[cose.length - 1] ^= 1;
        assertInvalid(with(good, new ProofBundle.Entry(e.seq(), cose, 0, e.proof()), a), null, "record 21");

        List<byte[]> path = e.proof().path();
        path.get(1)[0] ^= 1;
        assertInvalid(with(good, new ProofBundle.Entry(e.seq(), e.cose(), 0,
                new InclusionProof(0, 20, path)), a), null, "recomputed root differs");
        assertInvalid(with(good, new ProofBundle.Entry(e.seq(), e.cose(), 0,
                new InclusionProof(1, 20, e.proof().path())), a), null, "does not match seq");

        String rpc = chain.chain.rpcUrl();
        assertInvalid(with(good, e, new ProofBundle.Anchor(a.chainId(), a.contract(), a.txHash(), a.blockNumber() + 1,
                a.root(), a.firstSeq(), a.lastSeq())), rpc, "not " + (a.blockNumber() + 1));
        assertInvalid(with(good, e, new ProofBundle.Anchor(a.chainId() + 1, a.contract(), a.txHash(), a.blockNumber(),
                a.root(), a.firstSeq(), a.lastSeq())), rpc, "the node is on chain");
        ProofBundle.Anchor other = exporter.export(1, 1, List.of()).anchors().get(0);
        assertInvalid(with(good, e, new ProofBundle.Anchor(a.chainId(), a.contract(), other.txHash(), a.blockNumber(),
                a.root(), a.firstSeq(), a.lastSeq())), rpc, "transaction");
        assertInvalid(with(good, e, new ProofBundle.Anchor(a.chainId(), "0x" + "1".repeat(40), a.txHash(),
                a.blockNumber(), a.root(), a.firstSeq(), a.lastSeq())), rpc, "the bundle names anchor contract 0x"
                + "1".repeat(40) + ", but this verifier checks against anchor contract " + chain.contract);
        byte[] unanchored = a.root();
        unanchored[0] ^= 1;
        assertInvalid(with(good, e, new ProofBundle.Anchor(a.chainId(), a.contract(), a.txHash(), a.blockNumber(),
                unanchored, a.firstSeq(), a.lastSeq())), rpc, "does not hold this root");
        assertInvalid(new ProofBundle(good.device(), List.of(), good.anchors(), good.records()), null, "no device certificate");
    }

    private static ProofBundle with(ProofBundle b, ProofBundle.Entry e, ProofBundle.Anchor a) {
        return new ProofBundle(b.device(), b.certificateChain(), List.of(a), List.of(e));
    }

    private static void assertInvalid(ProofBundle b, String rpc, String reason) throws Exception {
        io.certigate.verifier.Verdict r = BundleVerifier.verify(roundTrip(b), rpc, chain.contract);
        assertThat(r.valid()).as(BundleVerifier.render(r)).isFalse();
        assertThat(BundleVerifier.render(r)).contains(reason).contains("INVALID");
    }

    /**
     * Issue #20: the anchor contract is the verifier's setting, never the bundle's. A device anchors
     * in a second CertigateAnchor contract deployed on the same chain (its own rules, its own admin);
     * the bundle, valid against that contract, fails against the pinned one, naming both addresses.
     */
    @Test
    void aBundleAnchoredInAnotherContractFailsAgainstThePinnedContract() throws Exception {
        String second;
        try (LedgerClient c = chain.client()) {
            LedgerAdmin admin = new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30));
            second = admin.deploy();
        }
        try (LedgerClient c = LedgerClient.connect(chain.config().withContract(second))) {
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).allowAnchorer(chain.gateway.address(), true);
        }
        assertThat(second).isNotEqualToIgnoringCase(chain.contract);
        try (TestDevice d = new TestDevice(dir, "dev-other-contract", Clock.systemUTC())) {
            d.produce(4);
            BatchStore store = new BatchStore(d.buffer);
            new AnchorBatcher(store, new AnchorBatcher.Options(4, Duration.ofHours(1)), Clock.systemUTC()).cutRipe();
            try (LedgerClient c = LedgerClient.connect(chain.config().withContract(second))) {
                Anchorer a = new Anchorer(store, c, chain.gateway, d.id, Clock.systemUTC());
                for (int i = 0; i < 100 && a.step() != Anchorer.Outcome.IDLE; i++) {
                    Thread.sleep(20);
                }
            }
            assertThat(store.unanchoredCount()).isZero();
            ProofBundle b = roundTrip(new ProofExporter(d.buffer, store).export(1, 4, d.key.certificateChain()));
            assertThat(b.anchors()).singleElement().extracting(ProofBundle.Anchor::contract).asString().isEqualToIgnoringCase(second);

            io.certigate.verifier.Verdict there = BundleVerifier.verify(b, chain.chain.rpcUrl(), second);
            assertThat(there.valid()).as(BundleVerifier.render(there)).isTrue();

            io.certigate.verifier.Verdict pinned = BundleVerifier.verify(b, chain.chain.rpcUrl(), chain.contract);
            assertThat(pinned.valid()).as(BundleVerifier.render(pinned)).isFalse();
            assertThat(pinned.failures()).singleElement().satisfies(f -> assertThat(f.detail())
                    .contains("the bundle names anchor contract " + second)
                    .contains("this verifier checks against anchor contract " + chain.contract));
        }
        assertThatThrownBy(() -> BundleVerifier.verify(exporter.export(1, 1, device.key.certificateChain()),
                chain.chain.rpcUrl(), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never taken from the bundle");
    }

    @Test
    void erasingAReadingKeepsTheOthersProvableAndRefusesItsOwnProof() throws Exception {
        try (TestDevice d = new TestDevice(dir, "dev-erase", Clock.systemUTC())) {
            d.produce(10);
            BatchStore store = new BatchStore(d.buffer);
            new AnchorBatcher(store, new AnchorBatcher.Options(10, Duration.ofHours(1)), Clock.systemUTC()).cutRipe();
            try (LedgerClient c = chain.client()) {
                Anchorer a = new Anchorer(store, c, chain.gateway, d.id, Clock.systemUTC());
                for (int i = 0; i < 100 && a.step() != Anchorer.Outcome.IDLE; i++) {
                    Thread.sleep(20);
                }
            }
            assertThat(d.buffer.erase(List.of(4L))).isEqualTo(1);
            ProofExporter ex = new ProofExporter(d.buffer, store);
            for (long[] range : new long[][] {{1, 3}, {5, 10}}) {
                io.certigate.verifier.Verdict r = BundleVerifier.verify(roundTrip(ex.export(range[0], range[1],
                        d.key.certificateChain())), chain.chain.rpcUrl(), chain.contract);
                assertThat(r.valid()).as(BundleVerifier.render(r)).isTrue();
            }
            assertThatThrownBy(() -> ex.export(4, 4, List.of())).hasMessageContaining("record 4 was erased");
        }
    }

    @Test
    void unanchoredOrMissingRecordsCannotBeExported() throws Exception {
        assertThatThrownBy(() -> exporter.export(50, 60, List.of())).hasMessageContaining("record 58 is not in an anchor batch");
        assertThatThrownBy(() -> exporter.export(0, 3, List.of())).hasMessageContaining("bad seq range");
    }

    @Test
    void malformedBundlesAreRefusedWithTheirReason() {
        String good = new String(ProofBundleJson.write(new ProofBundle("d", List.of(), List.of(), List.of())),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProofBundleJson.read("{".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ProofBundleJson.read(good.replace("certigate-proof/1", "x").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("format");
        assertThatThrownBy(() -> ProofBundleJson.read(("{\"format\":\"certigate-proof/1\",\"device\":\"d\","
                + "\"certificateChain\":[],\"anchors\":[{\"chainId\":1,\"contract\":\"0x\",\"txHash\":\"0x\","
                + "\"blockNumber\":1,\"root\":\"AAAA\",\"firstSeq\":1,\"lastSeq\":1}],\"records\":[]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("anchors.root has 3 bytes");
        assertThatThrownBy(() -> ProofBundleJson.read(("{\"format\":\"certigate-proof/1\",\"device\":\"d\","
                + "\"certificateChain\":[\"!!\"],\"anchors\":[],\"records\":[]}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not base64url");
        assertThatThrownBy(() -> ProofBundleJson.read(("{\"format\":\"certigate-proof/1\",\"device\":\"d\","
                + "\"certificateChain\":[],\"anchors\":[],\"records\":[{\"seq\":1,\"cose\":\"AA\",\"anchor\":0,"
                + "\"leafIndex\":0,\"treeSize\":1,\"auditPath\":[]}]}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("refers to anchor 0 of 0");
    }
}
