package io.certigate.verifier.export;

import io.certigate.core.model.StoredRecord;

/**
 * One entry of an export's {@code records}, as the file holds it: a signed record
 * ({@link StoredRecord.Signed}), a tombstone of an erased record, or a hash-only entry left out of a
 * filtered export ({@code omitted}). Tombstones and hash-only entries are both
 * {@link StoredRecord.Erased}: they keep the seq, the chain hash and the leaf hash, so the chain and
 * each anchored batch's Merkle root stay checkable without the payload.
 *
 * @param record  the record or its hashes
 * @param omitted a hash-only entry outside the export's selection (not erased: the payload exists)
 */
public record ExportEntry(StoredRecord record, boolean omitted) {
    public ExportEntry {
        if (omitted && !(record instanceof StoredRecord.Erased)) {
            throw new IllegalArgumentException("only a hash-only entry can be omitted");
        }
    }

    public long seq() {
        return record.seq();
    }

    /** Whether the entry carries the signed record (not only its hashes). */
    public boolean present() {
        return record instanceof StoredRecord.Signed;
    }

    /** Whether the entry is the tombstone of an erased record. */
    public boolean erased() {
        return record instanceof StoredRecord.Erased && !omitted;
    }
}
