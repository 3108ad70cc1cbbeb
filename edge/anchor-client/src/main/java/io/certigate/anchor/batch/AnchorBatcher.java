package io.certigate.anchor.batch;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.verifier.merkle.MerkleTree;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a device's committed records into anchor batches: a batch closes when it holds
 * {@code maxSize} records, or when its oldest record is {@code maxAge} old. Each cut stores the
 * batch's RFC 9162 root, seq range and size in one buffer transaction with the records' assignment.
 *
 * <p>Leaf hashes of records not yet cut are kept in memory between calls (32 bytes each), so a call
 * after every commit reads only the new records; after a restart they are read again from the
 * buffer. Not thread-safe: one caller (the anchor service's executor) drives it.
 */
public final class AnchorBatcher {
    private static final System.Logger LOG = System.getLogger(AnchorBatcher.class.getName());
    private static final int PAGE = 4096;

    /** When to close a batch. */
    public record Options(int maxSize, Duration maxAge) {
        public static final Options DEFAULT = new Options(10_000, Duration.ofMinutes(10));

        public Options {
            if (maxSize < 1 || maxSize > (Integer.MAX_VALUE / MerkleTree.HASH_LEN)) {
                throw new IllegalArgumentException("batch size must be between 1 and " + Integer.MAX_VALUE / 32);
            }
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("batch age must not be negative");
            }
        }
    }

    private final BatchStore store;
    private final RecordBuffer buffer;
    private final Options options;
    private final Clock clock;

    private long cursor = -1;
    private long firstSeq;
    private long oldestMs;
    private int count;
    private byte[] leaves = new byte[0];

    public AnchorBatcher(BatchStore store, Options options, Clock clock) {
        this.store = store;
        this.buffer = store.buffer();
        this.options = options;
        this.clock = clock;
    }

    /** Reads newly committed records and cuts every batch that is full or old enough. */
    public List<Batch> cutRipe() throws BufferException {
        return cut(false);
    }

    /** Like {@link #cutRipe()}, but also closes a partial batch whatever its age (shutdown, demo). */
    public List<Batch> cutAll() throws BufferException {
        return cut(true);
    }

    private List<Batch> cut(boolean force) throws BufferException {
        if (cursor < 0) {
            cursor = store.lastBatchedSeq();
        }
        List<Batch> out = new ArrayList<>();
        while (true) {
            int room = options.maxSize() - count;
            List<RecordBuffer.Created> page = buffer.unbatched(cursor, Math.min(PAGE, room));
            boolean gap = false;
            for (RecordBuffer.Created r : page) {
                long seq = r.record().seq();
                if (count > 0 && seq != cursor + 1) {
                    LOG.log(System.Logger.Level.WARNING, "seq {0} follows {1} among unbatched records: closing the batch at the gap",
                            Long.toString(seq), Long.toString(cursor));
                    gap = true;
                    break;
                }
                add(seq, r);
            }
            if (count == options.maxSize() || (gap && count > 0)) {
                out.add(close());
                continue;
            }
            if (page.size() == Math.min(PAGE, room)) {
                continue; // more records may follow
            }
            break;
        }
        if (count > 0 && (force || clock.millis() - oldestMs >= options.maxAge().toMillis())) {
            out.add(close());
        }
        return out;
    }

    private void add(long seq, RecordBuffer.Created r) {
        if (count == 0) {
            firstSeq = seq;
            oldestMs = r.createdMs();
        }
        int need = (count + 1) * MerkleTree.HASH_LEN;
        if (need > leaves.length) {
            leaves = Arrays.copyOf(leaves, Math.max(need, Math.min(leaves.length * 2,
                    options.maxSize() * MerkleTree.HASH_LEN)));
        }
        System.arraycopy(r.record().leafHash(), 0, leaves, count * MerkleTree.HASH_LEN, MerkleTree.HASH_LEN);
        count++;
        cursor = seq;
    }

    private Batch close() throws BufferException {
        byte[] flat = Arrays.copyOf(leaves, count * MerkleTree.HASH_LEN);
        byte[] root = MerkleTree.buildFlat(flat).root();
        long last = firstSeq + count - 1;
        count = 0;
        try {
            Batch b = store.cut(firstSeq, last, root, clock.millis());
            LOG.log(System.Logger.Level.DEBUG, "cut {0}", b);
            return b;
        } catch (BufferException e) {
            cursor = -1; // re-read from the buffer next time
            throw e;
        }
    }

    /** Records read but not yet in a batch. */
    public int pending() {
        return count;
    }
}
