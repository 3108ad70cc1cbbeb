package io.certigate.uplink;

import io.certigate.cbor.CborWriter;
import io.certigate.core.model.StoredRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The uplink payload: a definite-length CBOR array (RFC 8949 §3.1, major type 4) whose items are
 * the records exactly as the buffer holds them. A signed record is its tagged COSE_Sign1 bytes
 * (tag 18), unchanged, so its signature and chain hash verify on the other side; its payload
 * carries the idempotency key ({@code dev}, {@code seq}). An erased record is a tombstone map
 * {@code {"dev": tstr, "seq": uint, "leaf": bstr .size 32, "chain": bstr .size 32}}
 * (deterministic key order), which keeps the chain checkable without the erased payload. A
 * forwarding route sends a record it does not cover as a hash-only item, the tombstone's map with
 * one more key: {@code {"dev", "seq", "leaf", "chain", "omitted": true}}, which says the record
 * was left out for that destination (it exists, it was not erased); its payload never leaves.
 *
 * <p>Batches hold at most {@code maxRecords} records and {@code maxPayloadBytes} bytes each.
 * {@link #split} cuts a list; a {@link Cutter} cuts records as they are read, writing each payload
 * once: the array header, then every item's bytes copied straight into one byte array of the exact
 * size. Pure; no I/O; not thread-safe (one per reader).
 */
public final class BatchCodec {
    private final String device;
    private final int maxRecords;
    private final int maxPayloadBytes;
    private final CborWriter writer = new CborWriter(256);

    /** The result of a split: the batches, and records too large to travel even alone. */
    public record Split(List<RecordBatch> batches, List<Long> oversized) {}

    public BatchCodec(String device, int maxRecords, int maxPayloadBytes) {
        if (maxRecords < 1 || maxRecords > 65_535) {
            throw new IllegalArgumentException("records per batch must be 1..65535, got " + maxRecords);
        }
        if (maxPayloadBytes < 64) {
            throw new IllegalArgumentException("maximum payload must be at least 64 bytes, got " + maxPayloadBytes);
        }
        this.device = device;
        this.maxRecords = maxRecords;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Bytes one record takes inside the array. */
    public int itemBytes(StoredRecord r) {
        return item(r).length;
    }

    private byte[] item(StoredRecord r) {
        if (r instanceof StoredRecord.Signed s) {
            return s.coseUnsafe();
        }
        return tombstone(r.seq(), r.chainHash(), 0, r.leafHash(), 0);
    }

    private byte[] tombstone(long seq, byte[] chain, int chainOff, byte[] leaf, int leafOff) {
        return writer.reset().mapHeader(4)
                .text("dev").text(device)
                .text("seq").integer(seq)
                .text("leaf").bytes(leaf, leafOff, 32)
                .text("chain").bytes(chain, chainOff, 32)
                .toByteArray();
    }

    /** A hash-only item for a record left out for a destination: its seq, leaf and chain hash, {@code "omitted": true}. */
    byte[] omitted(long seq, byte[] cose) {
        return writer.reset().mapHeader(5)
                .text("dev").text(device)
                .text("seq").integer(seq)
                .text("leaf").bytes(io.certigate.core.model.RecordHashes.leafHash(cose))
                .text("chain").bytes(io.certigate.core.model.RecordHashes.chainHash(cose))
                .text("omitted").bool(true)
                .toByteArray();
    }

    static int arrayHeaderBytes(int n) {
        return n < 24 ? 1 : n < 256 ? 2 : 3;
    }

    /** Cuts {@code records} (in seq order) into batches, keeping their order. */
    public Split split(List<StoredRecord> records) {
        List<RecordBatch> batches = new ArrayList<>();
        List<Long> oversized = new ArrayList<>();
        Cutter cutter = cutter(batches::add, oversized::add);
        for (StoredRecord r : records) {
            cutter.add(r.seq(), item(r));
        }
        cutter.flush();
        return new Split(batches, oversized);
    }

    /** A definite-length array header (RFC 8949 §3.1, major type 4) at the start of {@code out}. */
    private static void writeArrayHeader(byte[] out, int n) {
        if (n < 24) {
            out[0] = (byte) (0x80 | n);
        } else if (n < 256) {
            out[0] = (byte) 0x98;
            out[1] = (byte) n;
        } else {
            out[0] = (byte) 0x99;
            out[1] = (byte) (n >> 8);
            out[2] = (byte) n;
        }
    }

    /**
     * A cutter that hands each finished batch to {@code batches} and the seq of each record too
     * large to travel even alone to {@code oversized} (such a record is left out).
     */
    public Cutter cutter(Consumer<RecordBatch> batches, LongConsumer oversized) {
        return new Cutter(batches, oversized);
    }

    /**
     * Cuts records into batches as they come (in seq order): {@link #add} keeps a reference to
     * each item, a batch is written when the next record would not fit or on {@link #flush}.
     */
    public final class Cutter {
        private final Consumer<RecordBatch> out;
        private final LongConsumer oversized;
        private byte[][] items = new byte[16][];
        private int count;
        private int body;
        private long firstSeq;
        private long lastSeq;

        private Cutter(Consumer<RecordBatch> out, LongConsumer oversized) {
            this.out = out;
            this.oversized = oversized;
        }

        /**
         * One record as the buffer holds it: {@code cose} when signed, else {@code tomb} (chain
         * hash ‖ leaf hash). Matches {@code RecordBuffer.RowSink}.
         */
        public void add(long seq, byte[] cose, byte[] tomb) {
            add(seq, cose != null ? cose : tombstone(seq, tomb, 0, tomb, 32));
        }

        /** A signed record that leaves as a hash-only item ({@code "omitted": true}): its payload is not written. */
        public void addOmitted(long seq, byte[] cose) {
            add(seq, omitted(seq, cose));
        }

        void add(long seq, byte[] item) {
            if (arrayHeaderBytes(1) + item.length > maxPayloadBytes) {
                oversized.accept(seq);
                return;
            }
            int n = count + 1;
            if (count > 0 && (n > maxRecords || arrayHeaderBytes(n) + body + item.length > maxPayloadBytes)) {
                flush();
            }
            if (count == items.length) {
                items = Arrays.copyOf(items, Math.min(Math.max(16, count * 2), maxRecords));
            }
            if (count == 0) {
                firstSeq = seq;
            }
            items[count++] = item;
            body += item.length;
            lastSeq = seq;
        }

        /** Writes the batch being cut, if any. */
        public void flush() {
            if (count == 0) {
                return;
            }
            int header = arrayHeaderBytes(count);
            byte[] payload = new byte[header + body];
            writeArrayHeader(payload, count);
            int at = header;
            for (int i = 0; i < count; i++) {
                System.arraycopy(items[i], 0, payload, at, items[i].length);
                at += items[i].length;
                items[i] = null;
            }
            RecordBatch b = new RecordBatch(device, firstSeq, lastSeq, count, payload);
            count = 0;
            body = 0;
            out.accept(b);
        }
    }
}
