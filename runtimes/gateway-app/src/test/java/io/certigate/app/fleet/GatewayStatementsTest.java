package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.uplink.BatchDecoder;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.statement.BatchStatement;
import io.certigate.verifier.statement.BatchStatementCodec;
import io.certigate.verifier.statement.StatementChainVerifier;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statements of a simulated gateway: seq ranges cut across its uplink batches, the roots
 * recomputed here by hand per RFC 9162 §2.1.1 from the records' COSE bytes (not with the project's
 * Merkle tree), one chain from the first statement that the verifier accepts with the gateway's key.
 */
@Tag("component")
class GatewayStatementsTest {
    @TempDir
    Path dir;

    @Test
    void statesEveryRecordInChainedStatementsWithTheRootOfTheirLeaves() throws Exception {
        // 7 records in uplink batches of 3 (1-3, 4-6, 7), stated every 5: 1-5 and 6-7
        SimulatedGateways.Gateway g = SimulatedGateways.generate(dir, TestPki.create("test CA"), "gw", 1, 7, 3,
                1_700_000_000_000L, 1_000).get(0);
        SoftwareDeviceKey key = Pkcs12KeyStore.open(dir.resolve(g.id() + ".p12"), TestDevice.passphrase());
        List<GatewayStatements.Stated> stated = GatewayStatements.of(g, key, 5);

        assertThat(stated).hasSize(2);
        List<byte[]> records = new ArrayList<>();
        for (byte[] batch : g.batches()) {
            records.addAll(BatchDecoder.items(batch));
        }
        List<byte[]> l = records.stream().map(GatewayStatementsTest::leaf).toList();
        byte[] root5 = node(node(node(l.get(0), l.get(1)), node(l.get(2), l.get(3))), l.get(4));
        byte[] root2 = node(l.get(5), l.get(6));

        PublicKey pub = g.chain().get(0).getPublicKey();
        BatchStatement first = BatchStatementCodec.read(stated.get(0).cose(), pub);
        BatchStatement second = BatchStatementCodec.read(stated.get(1).cose(), pub);
        assertThat(List.of(first.firstSeq(), first.lastSeq(), first.treeSize())).containsExactly(1L, 5L, 5L);
        assertThat(List.of(second.firstSeq(), second.lastSeq(), second.treeSize())).containsExactly(6L, 7L, 2L);
        assertThat(first.root()).isEqualTo(root5);
        assertThat(second.root()).isEqualTo(root2);
        assertThat(first.device()).isEqualTo(g.id());
        assertThat(first.prev()).isEqualTo(BatchStatement.firstPrev());
        assertThat(second.prev()).isEqualTo(sha256(stated.get(0).cose()));
        assertThat(stated.get(1).hash()).isEqualTo(sha256(stated.get(1).cose()));
        assertThat(List.of(stated.get(1).first(), stated.get(1).last())).containsExactly(6L, 7L);

        Verdict v = StatementChainVerifier.verify(g.id(), stated.stream().map(GatewayStatements.Stated::cose).toList(),
                pub);
        assertThat(v.valid()).as(v.failures().toString()).isTrue();
        // signed with the gateway's key: another device's key does not read them
        PublicKey other = TestDevice.create(dir, "other").key().publicKey();
        assertThatThrownBy(() -> BatchStatementCodec.read(stated.get(0).cose(), other))
                .isInstanceOf(io.certigate.verifier.statement.StatementFormatException.class);
    }

    @Test
    void oneStatementWhenTheBatchHoldsEveryRecord() throws Exception {
        SimulatedGateways.Gateway g = SimulatedGateways.generate(dir, TestPki.create("test CA"), "gw", 1, 3, 2,
                1_700_000_000_000L, 1_000).get(0);
        SoftwareDeviceKey key = Pkcs12KeyStore.open(dir.resolve(g.id() + ".p12"), TestDevice.passphrase());
        List<GatewayStatements.Stated> stated = GatewayStatements.of(g, key, 100);
        assertThat(stated).hasSize(1);
        assertThat(List.of(stated.get(0).first(), stated.get(0).last())).containsExactly(1L, 3L);
        assertThatThrownBy(() -> GatewayStatements.of(g, key, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] leaf(byte[] cose) {
        return sha256(new byte[] {0}, cose);
    }

    private static byte[] node(byte[] left, byte[] right) {
        return sha256(new byte[] {1}, left, right);
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
