package io.certigate.app.fleet;

import io.certigate.anchor.statement.BatchStatementWriter;
import io.certigate.core.model.RecordHashes;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import io.certigate.uplink.BatchDecoder;
import io.certigate.verifier.merkle.MerkleTree;
import io.certigate.verifier.statement.BatchStatement;
import io.certigate.verifier.statement.BatchStatementCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch statements of a {@link SimulatedGateways.Gateway} in aggregated anchoring (issue #17):
 * its records, seq 1 to the last, cut into anchor batches of {@code perStatement} records (the last
 * may hold fewer), each stated as a gateway in {@code anchor.mode = aggregated} states it
 * ({@link BatchStatementWriter}): the RFC 9162 root over the batch's leaves, SHA-256(0x00 ‖ record
 * COSE bytes), which are the leaves the fleet store keeps for the same records, chained to the
 * previous statement and signed with the gateway's device key.
 */
public final class GatewayStatements {
    private GatewayStatements() {}

    /**
     * One signed statement.
     *
     * @param first the seq of its first record
     * @param last  the seq of its last record
     * @param cose  the COSE_Sign1 bytes the gateway publishes
     * @param hash  SHA-256 of {@code cose}, the key a receipt names it by
     */
    public record Stated(long first, long last, byte[] cose, byte[] hash) {}

    /** The statements of {@code g}'s records, signed with {@code key} (the gateway's device key). */
    public static List<Stated> of(SimulatedGateways.Gateway g, DeviceKey key, int perStatement)
            throws SigningException {
        if (perStatement < 1) {
            throw new IllegalArgumentException("records per statement must be at least 1");
        }
        List<byte[]> leaves = leaves(g);
        List<Stated> out = new ArrayList<>(leaves.size() / perStatement + 1);
        byte[] previous = null;
        for (int from = 0; from < leaves.size(); from += perStatement) {
            List<byte[]> part = leaves.subList(from, Math.min(leaves.size(), from + perStatement));
            BatchStatement s = new BatchStatement(g.id(), from + 1L, from + (long) part.size(), part.size(),
                    MerkleTree.build(part).root(), previous == null ? BatchStatement.firstPrev()
                            : BatchStatementCodec.hash(previous));
            byte[] cose = BatchStatementWriter.sign(key, s);
            out.add(new Stated(s.firstSeq(), s.lastSeq(), cose, BatchStatementCodec.hash(cose)));
            previous = cose;
        }
        return List.copyOf(out);
    }

    /** The leaf hashes of every record of {@code g}, in seq order, read back from its uplink batches. */
    static List<byte[]> leaves(SimulatedGateways.Gateway g) {
        List<byte[]> out = new ArrayList<>((int) g.lastSeq());
        for (byte[] batch : g.batches()) {
            try {
                for (byte[] record : BatchDecoder.items(batch)) {
                    out.add(RecordHashes.leafHash(record));
                }
            } catch (BatchDecoder.BatchFormatException e) {
                throw new IllegalStateException("a simulated batch of " + g.id() + " is not a CBOR array: "
                        + e.getMessage(), e);
            }
        }
        return out;
    }
}
