package io.certigate.anchor.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.time.ManualClock;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.statement.BatchStatementCodec;
import io.certigate.verifier.statement.StatementChainVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in aggregated mode on a real buffer: its batches stated in order and chained, the
 * chain kept across a restart, a fleet's receipt (RFC 9942, fleet key, ledger reference) checked,
 * stored and marking the batch and its records anchored; receipts for another statement, by another
 * key or for an unknown statement refused; a repeated receipt changes nothing.
 */
@Tag("unit")
class AggregatedAnchorerTest {
    @TempDir
    Path dir;

    @Test
    void batchesAreStatedChainedAndAnchoredByTheFleetsReceipts() throws Exception {
        ManualClock clock = new ManualClock();
        SoftwareDeviceKey fleet = Pkcs12KeyStore.create(dir.resolve("fleet.p12"), CoseAlgorithm.ES256, "fleet",
                "pw".toCharArray());
        TestDevice device = new TestDevice(dir, "gw-agg", clock);
        try {
            device.produce(10);
            BatchStore store = new BatchStore(device.buffer);
            new AnchorBatcher(store, new AnchorBatcher.Options(5, Duration.ofHours(1)), clock).cutRipe();
            AggregatedAnchorer a = new AggregatedAnchorer(store, device.key, device.id, fleet.publicKey(), clock);
            assertThat(a.step()).isEqualTo(2);
            assertThat(a.step()).isZero();
            List<AggregatedAnchorer.Stated> out = a.unreceipted();
            assertThat(out).hasSize(2);
            assertThat(StatementChainVerifier.verify(device.id, out.stream().map(AggregatedAnchorer.Stated::cose)
                    .toList(), device.key.publicKey()).valid()).isTrue();

            // the fleet's tree: another gateway's statement and this gateway's two
            List<byte[]> leaves = new ArrayList<>();
            leaves.add(MerkleHash.leaf("another gateway's statement".getBytes()));
            out.forEach(s -> leaves.add(MerkleHash.leaf(s.cose())));
            MerkleTree tree = MerkleTree.build(leaves);
            byte[] header = ReceiptCodec.protectedHeader(fleet.algorithm(), fleet.keyId(),
                    new LedgerReference(1337, "0x" + "11".repeat(20), "0x" + "22".repeat(32), 42));
            byte[] sig = fleet.sign(ReceiptCodec.toBeSigned(header, tree.root()));
            byte[] r1 = ReceiptCodec.encode(header, tree.inclusionProof(1), sig);
            byte[] r2 = ReceiptCodec.encode(header, tree.inclusionProof(2), sig);

            assertThat(a.accept(out.get(1).hash(), r1)).isEqualTo(AggregatedAnchorer.Outcome.INVALID);
            byte[] foreignSig = device.key.sign(ReceiptCodec.toBeSigned(ReceiptCodec.protectedHeader(
                    device.key.algorithm(), device.key.keyId(), new LedgerReference(1337, "0x" + "11".repeat(20),
                            "0x" + "22".repeat(32), 42)), tree.root()));
            assertThat(a.accept(out.get(0).hash(), ReceiptCodec.encode(ReceiptCodec.protectedHeader(
                    device.key.algorithm(), device.key.keyId(), new LedgerReference(1337, "0x" + "11".repeat(20),
                            "0x" + "22".repeat(32), 42)), tree.inclusionProof(1), foreignSig)))
                    .isEqualTo(AggregatedAnchorer.Outcome.INVALID);
            assertThat(a.accept(new byte[32], r1)).isEqualTo(AggregatedAnchorer.Outcome.UNKNOWN_STATEMENT);
            assertThat(store.all()).allMatch(b -> b.state() == Batch.State.PENDING);

            assertThat(a.accept(out.get(0).hash(), r1)).isEqualTo(AggregatedAnchorer.Outcome.ANCHORED);
            assertThat(a.accept(out.get(0).hash(), r1)).isEqualTo(AggregatedAnchorer.Outcome.DUPLICATE);
            Batch first = store.byId(out.get(0).batchId()).orElseThrow();
            assertThat(first.state()).isEqualTo(Batch.State.ANCHORED);
            assertThat(first.blockNumber()).isEqualTo(42);
            assertThat(store.lastAnchoredSeq()).isEqualTo(5);
            assertThat(a.unreceipted()).extracting(AggregatedAnchorer.Stated::batchId)
                    .containsExactly(out.get(1).batchId());
            assertThat(a.receipt(out.get(0).batchId())).contains(r1);

            // a restart keeps the chain: the next statement continues from the stored one
            device.crash();
            device.open();
            store = new BatchStore(device.buffer);
            a = new AggregatedAnchorer(store, device.key, device.id, fleet.publicKey(), clock);
            device.produce(5);
            new AnchorBatcher(store, new AnchorBatcher.Options(5, Duration.ofHours(1)), clock).cutRipe();
            assertThat(a.step()).isEqualTo(1);
            List<byte[]> chain = new ArrayList<>();
            for (Batch b : store.all()) {
                chain.add(a.statement(b.id()).orElseThrow());
            }
            assertThat(chain).hasSize(3);
            assertThat(StatementChainVerifier.verify(device.id, chain, device.key.publicKey()).valid()).isTrue();
            assertThat(BatchStatementCodec.decodePayload(io.certigate.signing.CoseSign1.parse(chain.get(2)).payload())
                    .prev()).isEqualTo(BatchStatementCodec.hash(chain.get(1)));
            assertThat(a.accept(out.get(1).hash(), r2)).isEqualTo(AggregatedAnchorer.Outcome.ANCHORED);
            assertThat(store.lastAnchoredSeq()).isEqualTo(10);
        } finally {
            device.close();
        }
    }
}
