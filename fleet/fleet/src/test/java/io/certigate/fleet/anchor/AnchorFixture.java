package io.certigate.fleet.anchor;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.statement.BatchStatementWriter;
import io.certigate.fleet.store.StoreSchema;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulated gateways in aggregated mode for the aggregator's tests: each has its own device key,
 * writes its verified records into the fleet store's {@code records} (as the store stage does), cuts
 * them into batches and signs chained batch statements with anchor-client's {@link BatchStatementWriter}.
 */
final class AnchorFixture {
    static final char[] PW = "pw".toCharArray();

    static final class Gateway {
        final String id;
        final SoftwareDeviceKey key;
        long nextSeq = 1;
        byte[] previous;
        final List<byte[]> statements = new ArrayList<>();

        Gateway(Path dir, String id) throws Exception {
            this.id = id;
            this.key = Pkcs12KeyStore.create(dir.resolve(id + ".p12"), CoseAlgorithm.ES256, id, PW);
        }

        /** {@code n} new records stored by the fleet, and the gateway's statement of them. */
        byte[] batch(Connection store, int n) throws Exception {
            long first = nextSeq;
            long last = first + n - 1;
            List<byte[]> leaves = new ArrayList<>();
            try (PreparedStatement ins = store.prepareStatement("INSERT INTO records (device, seq, leaf, hash, linked,"
                    + " verified_at) VALUES (?, ?, ?, ?, true, ?)")) {
                for (long s = first; s <= last; s++) {
                    byte[] leaf = MerkleHash.leaf((id + " record " + s).getBytes(StandardCharsets.UTF_8));
                    leaves.add(leaf);
                    ins.setString(1, id);
                    ins.setLong(2, s);
                    ins.setBytes(3, leaf);
                    ins.setBytes(4, leaf);
                    ins.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            byte[] root = MerkleTree.build(leaves).root();
            Batch b = new Batch(statements.size() + 1, first, last, n, root, 0, Batch.State.PENDING, null, null, null,
                    0, 0, null, -1, 0);
            previous = BatchStatementWriter.sign(key, id, b, previous);
            statements.add(previous);
            nextSeq = last + 1;
            return previous;
        }
    }

    static void storeSchema(Connection c) throws Exception {
        StoreSchema.createOrUpdate(c);
    }

    private AnchorFixture() {}
}
