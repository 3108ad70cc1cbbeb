package io.certigate.app.anchor;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.statement.BatchStatementWriter;
import io.certigate.fleet.anchor.StatementInbox;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.SigningException;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulated gateways in aggregated mode for {@code certigate bench anchor --fleet}: each device has
 * its own Ed25519 key; per interval its {@code records} new records are written to the fleet store's
 * {@code records} table by the store stage's own {@link StoreWriter} (as verified records), and the
 * device states them in one batch statement chained to its previous one, signed with anchor-client's
 * {@link BatchStatementWriter} exactly as a gateway's {@code AggregatedAnchorer} does.
 *
 * <p>The records' bytes are stand-ins ({@code "<device> record <seq>"}): the aggregator reads only
 * their leaf hashes; record signatures are the verification stage's work, which {@code bench fleet}
 * measures.
 */
final class AggregatedDevices {
    /** Records per {@link StoreWriter#write} call (one PostgreSQL transaction each). */
    static final int WRITE_CHUNK = 20_000;

    /** One simulated device. */
    static final class Device {
        final String id;
        final MemoryEd25519Key key;
        long nextSeq = 1;
        byte[] previous;
        int statements;

        Device(String id, MemoryEd25519Key key) {
            this.id = id;
            this.key = key;
        }
    }

    private final List<Device> devices;
    private long batchIds;

    private AggregatedDevices(List<Device> devices) {
        this.devices = devices;
    }

    /** {@code count} devices named {@code prefix-00000..}, each with a new key. */
    static AggregatedDevices generate(String prefix, int count) throws GeneralSecurityException, IOException {
        KeyPairGenerator g = MemoryEd25519Key.generator();
        List<Device> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Device(String.format("%s-%05d", prefix, i), MemoryEd25519Key.generate(g)));
        }
        return new AggregatedDevices(out);
    }

    List<Device> devices() {
        return devices;
    }

    /** Each device's public key by device id: what the fleet trusts them with. */
    Map<String, PublicKey> keys() {
        Map<String, PublicKey> out = new HashMap<>();
        for (Device d : devices) {
            out.put(d.id, d.key.publicKey());
        }
        return out;
    }

    /**
     * One interval of every device: {@code records} new records each, stored through {@code store},
     * and each device's statement of them, in device order, as the statement consumer hands them to
     * the inbox (the device id from the Kafka key).
     */
    List<StatementInbox.Incoming> interval(StoreWriter store, int records, long nowMs)
            throws SQLException, SigningException {
        List<StatementInbox.Incoming> out = new ArrayList<>(devices.size());
        List<VerifiedRecord> pending = new ArrayList<>(Math.min(WRITE_CHUNK, devices.size() * records));
        List<byte[]> leaves = new ArrayList<>(records);
        MessageDigest sha256 = sha256();
        for (Device d : devices) {
            long first = d.nextSeq;
            long last = first + records - 1;
            leaves.clear();
            for (long seq = first; seq <= last; seq++) {
                byte[] cose = (d.id + " record " + seq).getBytes(StandardCharsets.UTF_8);
                byte[] leaf = MerkleHash.leaf(cose);
                leaves.add(leaf);
                pending.add(new VerifiedRecord(d.id, seq, nowMs, "vehicle.odometer", null, leaf, sha256.digest(cose),
                        cose, seq > 1, nowMs));
                if (pending.size() == WRITE_CHUNK) {
                    store.write(pending, List.of());
                    pending.clear();
                }
            }
            Batch b = new Batch(++batchIds, first, last, records, MerkleTree.build(leaves).root(), nowMs,
                    Batch.State.PENDING, null, null, null, 0, 0, null, -1, 0);
            d.previous = BatchStatementWriter.sign(d.key, d.id, b, d.previous);
            d.statements++;
            d.nextSeq = last + 1;
            out.add(new StatementInbox.Incoming(d.id, d.previous));
        }
        if (!pending.isEmpty()) {
            store.write(pending, List.of());
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
