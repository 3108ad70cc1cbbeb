package io.certigate.fleet.verify;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The verification's state stores (persistent RocksDB, each backed by a compacted changelog topic)
 * and the layout of their keys. A device's key is its id's UTF-8 bytes; a (device, seq) key is
 * {@code [id length][id][seq, 8 bytes big-endian]}, so one device's entries sort by seq and are
 * read with a range scan.
 */
final class VerifyStores {
    /** Device -> {@link DeviceState}: head seq and chain hash, records waiting ahead of a gap, flags. */
    static final String HEADS = "fleet-verify-heads";
    /**
     * (device, seq mod window) -> seq, chain hash, leaf hash, flags of the accepted record: a ring of the
     * device's recent records (one write per record, no deletes), to tell duplicates from forks and prove erasures.
     */
    static final String RECENT = "fleet-verify-recent";
    /** (device, seq) -> COSE bytes of a verified record waiting for the gap before it to close. */
    static final String AHEAD = "fleet-verify-ahead";
    /** (device, first seq) -> last seq, chain hash of first - 1, prev of last + 1: a reported gap, for late records. */
    static final String GAPS = "fleet-verify-gaps";
    /** Device -> since when (epoch ms) records wait ahead of a gap: the devices the gap punctuator looks at. */
    static final String OPEN_GAPS = "fleet-verify-open-gaps";
    /** (device, seq, 8 bytes of the chain hash) -> COSE bytes of a record no trusted key of its device verifies yet. */
    static final String PARKED = "fleet-verify-parked";
    /** Device -> its last status payload (or nothing): the devices with parked records. */
    static final String PARKED_DEVICES = "fleet-verify-parked-devices";
    /** Device -> the public keys (SubjectPublicKeyInfo DER, each with a 2-byte length) learned from its status. */
    static final String LEARNED_KEYS = "fleet-verify-learned-keys";

    static final List<String> ALL = List.of(HEADS, RECENT, AHEAD, GAPS, OPEN_GAPS, PARKED, PARKED_DEVICES, LEARNED_KEYS);

    private VerifyStores() {}

    static StoreBuilder<KeyValueStore<Bytes, byte[]>> builder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(java.util.Map.of());
    }

    static Bytes device(byte[] id) {
        return Bytes.wrap(id);
    }

    static Bytes seq(byte[] id, long seq) {
        return Bytes.wrap(ByteBuffer.allocate(1 + id.length + 8).put((byte) id.length).put(id).putLong(seq).array());
    }

    /** The first key of {@code id}'s entries in a (device, seq) store. */
    static Bytes first(byte[] id) {
        return seq(id, 0);
    }

    /** A key after every (device, seq[, suffix]) key of {@code id}. */
    static Bytes last(byte[] id) {
        ByteBuffer b = ByteBuffer.allocate(1 + id.length + 16).put((byte) id.length).put(id);
        while (b.hasRemaining()) {
            b.put((byte) 0xff);
        }
        return Bytes.wrap(b.array());
    }

    static Bytes parked(byte[] id, long seq, byte[] chainHash) {
        return Bytes.wrap(ByteBuffer.allocate(1 + id.length + 16).put((byte) id.length).put(id).putLong(seq)
                .put(chainHash, 0, 8).array());
    }

    /** The seq of a (device, seq[, suffix]) key. */
    static long seqOf(Bytes key) {
        byte[] k = key.get();
        return ByteBuffer.wrap(k, 1 + (k[0] & 0xff), 8).getLong();
    }
}
