package io.certigate.core.buffer;

import io.certigate.core.model.RecordHashes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;

/**
 * Erasure of record payloads: a record's COSE bytes are replaced by a tombstone keeping its seq,
 * chain hash and leaf hash, so the chain and the anchored Merkle trees stay verifiable.
 */
final class Erasure {
    private final BufferConnections db;
    private volatile long erasures; // written under writeLock

    Erasure(BufferConnections db) {
        this.db = db;
    }

    /** Erase calls that erased at least one record so far. */
    long erasures() {
        return erasures;
    }

    /** Erases the given records; returns how many were erased (already-erased ones are skipped). */
    int erase(List<Long> seqs) throws BufferException {
        synchronized (db.writeLock) {
            int erased = db.write(c -> {
                int n = 0;
                try (PreparedStatement get = c.prepareStatement(BufferSql.RANGE);
                        PreparedStatement put = c.prepareStatement(BufferSql.ERASE)) {
                    for (long seq : seqs) {
                        get.setLong(1, seq);
                        get.setLong(2, seq);
                        byte[] cose = null;
                        try (ResultSet rs = get.executeQuery()) {
                            if (rs.next()) {
                                cose = rs.getBytes(2);
                            }
                        }
                        if (cose == null) {
                            continue;
                        }
                        byte[] tomb = Arrays.copyOf(RecordHashes.chainHash(cose), 64);
                        System.arraycopy(RecordHashes.leafHash(cose), 0, tomb, 32, 32);
                        put.setBytes(1, tomb);
                        put.setLong(2, seq);
                        n += put.executeUpdate();
                    }
                }
                return n;
            }, "erase " + seqs.size() + " records");
            if (erased > 0) {
                erasures++;
            }
            return erased;
        }
    }
}
