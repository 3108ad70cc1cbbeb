package io.certigate.anchor.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.batch.Batch;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptVerifier;
import io.certigate.verifier.statement.BatchStatement;
import io.certigate.verifier.statement.BatchStatementCodec;
import io.certigate.verifier.statement.StatementChainVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A device's batches stated and chained by the writer, the chain accepted by the verifier's
 * {@link StatementChainVerifier}; and the aggregated-mode proof shape end to end without a fleet:
 * statements as the leaves of a tree whose root another key signs, each statement's RFC 9942
 * receipt verified for the statement's COSE bytes.
 */
@Tag("unit")
class BatchStatementWriterTest {
    @TempDir
    Path dir;

    static Batch batch(long id, long first, long last) {
        byte[] root = MerkleHash.leaf(("batch " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Batch(id, first, last, last - first + 1, root, 0, Batch.State.PENDING, null, null, null, 0, 0, null,
                -1, 0);
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void statementsChainAndTheirReceiptsVerify(CoseAlgorithm alg) throws Exception {
        SoftwareDeviceKey device = Pkcs12KeyStore.create(dir.resolve("d.p12"), alg, "gw-9", "pw".toCharArray());
        List<Batch> batches = List.of(batch(1, 1, 100), batch(2, 101, 150), batch(3, 151, 151), batch(4, 152, 400));
        List<byte[]> statements = new ArrayList<>();
        byte[] previous = null;
        for (Batch b : batches) {
            previous = BatchStatementWriter.sign(device, "gw-9", b, previous);
            statements.add(previous);
        }
        Verdict chain = StatementChainVerifier.verify("gw-9", statements, device.publicKey());
        assertThat(chain.valid()).as(chain.checks().toString()).isTrue();
        assertThat(new io.certigate.verifier.Verifier().statementChain("gw-9", statements, device.publicKey()).valid())
                .isTrue();
        BatchStatement second = BatchStatementCodec.read(statements.get(1), device.publicKey());
        assertThat(second).isEqualTo(new BatchStatement("gw-9", 101, 150, 50, batches.get(1).root(),
                BatchStatementCodec.hash(statements.get(0))));

        // a fleet tree over the statements (leaf = SHA-256(0x00 ‖ statement COSE)), its root signed by the fleet key
        SoftwareDeviceKey fleet = Pkcs12KeyStore.create(dir.resolve("f.p12"), CoseAlgorithm.ES256, "fleet", "pw".toCharArray());
        List<byte[]> leaves = new ArrayList<>();
        statements.forEach(s -> leaves.add(MerkleHash.leaf(s)));
        MerkleTree tree = MerkleTree.build(leaves);
        byte[] header = ReceiptCodec.protectedHeader(fleet.algorithm(), fleet.keyId(),
                new LedgerReference(1337, "0x" + "11".repeat(20), "0x" + "22".repeat(32), 7));
        byte[] signature = fleet.sign(ReceiptCodec.toBeSigned(header, tree.root()));
        for (int i = 0; i < statements.size(); i++) {
            byte[] receipt = ReceiptCodec.encode(header, tree.inclusionProof(i), signature);
            ReceiptVerifier.Result r = ReceiptVerifier.verify(receipt, statements.get(i), fleet.publicKey());
            assertThat(r.valid()).as(r.reason()).isTrue();
            assertThat(new io.certigate.verifier.Verifier().receipt(receipt, statements.get(i), fleet.publicKey()).root())
                    .isEqualTo(tree.root());
            assertThat(ReceiptVerifier.verify(receipt, statements.get((i + 1) % statements.size()), fleet.publicKey())
                    .valid()).isFalse();
        }
    }
}
