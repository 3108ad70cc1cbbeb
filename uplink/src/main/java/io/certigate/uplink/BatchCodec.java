package io.certigate.uplink;

import io.certigate.cbor.CborWriter;
import io.certigate.core.model.StoredRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The uplink payload: a definite-length CBOR array (RFC 8949 §3.1, major type 4) whose items are
 * the records exactly as the buffer holds them. A signed record is its tagged COSE_Sign1 bytes
 * (tag 18), unchanged, so its signature and chain hash verify on the other side; its payload
 * carries the idempotency key ({@code dev}, {@code seq}). An erased record is a tombstone map
 * {@code {"dev": tstr, "seq": uint, "leaf": bstr .size 32, "chain": bstr .size 32}}
 * (deterministic key order), which keeps the chain checkable without the erased payload.
 *
 * <p>{@link #split} cuts a run of records into batches of at most {@code maxRecords} records and
 * {@code maxPayloadBytes} bytes each. Pure; no I/O.
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
        return writer.reset().mapHeader(4)
                .text("dev").text(device)
                .text("seq").integer(r.seq())
                .text("leaf").bytes(r.leafHash())
                .text("chain").bytes(r.chainHash())
                .toByteArray();
    }

    static int arrayHeaderBytes(int n) {
        return n < 24 ? 1 : n < 256 ? 2 : 3;
    }

    /** Cuts {@code records} (in seq order) into batches, keeping their order. */
    public Split split(List<StoredRecord> records) {
        List<RecordBatch> batches = new ArrayList<>();
        List<Long> oversized = new ArrayList<>();
        List<byte[]> items = new ArrayList<>();
        List<StoredRecord> current = new ArrayList<>();
        int body = 0;
        for (StoredRecord r : records) {
            byte[] item = item(r);
            if (arrayHeaderBytes(1) + item.length > maxPayloadBytes) {
                oversized.add(r.seq());
                continue;
            }
            int n = current.size() + 1;
            if (n > maxRecords || arrayHeaderBytes(n) + body + item.length > maxPayloadBytes) {
                batches.add(encode(current, items, body));
                current.clear();
                items.clear();
                body = 0;
            }
            current.add(r);
            items.add(item);
            body += item.length;
        }
        if (!current.isEmpty()) {
            batches.add(encode(current, items, body));
        }
        return new Split(batches, oversized);
    }

    private RecordBatch encode(List<StoredRecord> recs, List<byte[]> items, int body) {
        CborWriter w = new CborWriter(arrayHeaderBytes(items.size()) + body);
        w.arrayHeader(items.size());
        for (byte[] item : items) {
            w.raw(item);
        }
        return new RecordBatch(device, recs.get(0).seq(), recs.get(recs.size() - 1).seq(), recs.size(), w.toByteArray());
    }
}
