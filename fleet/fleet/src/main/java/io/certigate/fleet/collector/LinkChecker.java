package io.certigate.fleet.collector;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import java.util.Arrays;

/**
 * The prev-hash chain of one device's stored records, checked one record at a time in seq order
 * (the collector's report feeds it page by page). Only the previous record's chain hash is kept,
 * so the check runs in constant memory whatever the number of records.
 *
 * <p>Signatures are not checked again here: a record is stored as verified only after its
 * signature checked out (see {@link RecordCollector}). What is checked is the link: the {@code prev}
 * of seq 1 is 32 zero bytes, and the {@code prev} of seq n is the chain hash of seq n-1 when that
 * record is stored (a tombstone's kept chain hash counts). Across a gap nothing can be checked;
 * gaps are counted from the row counts.
 */
final class LinkChecker {
    private static final byte[] GENESIS = new byte[32];

    private long prevSeq = -1;
    private byte[] prevHash;
    private long broken;

    void accept(StoredRecord r) {
        long seq = r.seq();
        byte[] expected = seq == 1 ? GENESIS : seq == prevSeq + 1 ? prevHash : null;
        if (expected != null && r instanceof StoredRecord.Signed s && !Arrays.equals(expected, prevOf(s))) {
            broken++;
        }
        prevSeq = seq;
        prevHash = r.chainHash();
    }

    /** Stored records whose prev is not the chain hash of their predecessor. */
    long broken() {
        return broken;
    }

    private static byte[] prevOf(StoredRecord.Signed s) {
        try {
            ChainedReading c = ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload());
            return c.prev();
        } catch (CoseException | RecordFormatException e) {
            return null; // cannot link: counted as broken
        }
    }
}
