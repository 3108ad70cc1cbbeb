package io.certigate.anchor.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.batch.Batch;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A batch row signed once, its leaves' receipts verified; only an anchored batch gets receipts. */
@Tag("unit")
class BatchReceiptsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void oneSignaturePerBatchGivesEveryLeafAReceipt(CoseAlgorithm alg) throws Exception {
        SoftwareDeviceKey key = Pkcs12KeyStore.create(dir.resolve("k.p12"), alg, "gw", "pw".toCharArray());
        List<byte[]> records = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            records.add(("record " + (i + 101)).getBytes(StandardCharsets.UTF_8));
            leaves.add(MerkleHash.leaf(records.get(i)));
        }
        MerkleTree tree = MerkleTree.build(leaves);
        String contract = "0x" + "5e".repeat(20);
        String tx = "0x" + "7a".repeat(32);
        Batch anchored = new Batch(3, 101, 113, 13, tree.root(), 0, Batch.State.ANCHORED, 7L, tx, null, 0, 1337,
                contract, 99, 0);
        BatchReceipts receipts = BatchReceipts.sign(key, anchored);
        for (int i = 0; i < 13; i++) {
            byte[] receipt = receipts.receipt(tree.inclusionProof(i));
            ReceiptVerifier.Result r = ReceiptVerifier.verify(receipt, records.get(i), key.publicKey());
            assertThat(r.valid()).as(r.reason()).isTrue();
            assertThat(r.root()).isEqualTo(tree.root());
            assertThat(ReceiptCodec.parse(receipt).ledger()).isEqualTo(new LedgerReference(1337, contract, tx, 99));
        }
        assertThat(BatchReceipts.sign(key, anchored).receipt(tree.inclusionProof(4)))
                .as("deterministic signatures: the same batch signed again gives the same receipts")
                .isEqualTo(receipts.receipt(tree.inclusionProof(4)));
        assertThatThrownBy(() -> receipts.receipt(MerkleTree.build(leaves.subList(0, 5)).inclusionProof(1)))
                .hasMessageContaining("not this batch's 13");

        Batch sent = new Batch(3, 101, 113, 13, tree.root(), 0, Batch.State.SENT, 7L, tx, null, 0, 1337, contract, -1, 0);
        assertThatThrownBy(() -> BatchReceipts.sign(key, sent)).hasMessageContaining("only an anchored root gets receipts");
    }
}
