package io.certigate.core.model;

import java.util.Arrays;

/**
 * A record as the buffer or an export holds it: either the signed COSE bytes, or, after erasure, a
 * tombstone that keeps the seq and both hashes so that the chain and every Merkle proof stay
 * verifiable without the payload.
 */
public sealed interface StoredRecord {
    long seq();

    /** SHA-256 of the COSE bytes: what the next record's prev carries. */
    byte[] chainHash();

    /** RFC 9162 leaf hash of the COSE bytes. */
    byte[] leafHash();

    record Signed(long seq, byte[] cose) implements StoredRecord {
        public Signed {
            cose = cose.clone();
        }

        @Override
        public byte[] cose() {
            return cose.clone();
        }

        /** The COSE bytes without a defensive copy, for hashing and writing in hot loops. */
        public byte[] coseUnsafe() {
            return cose;
        }

        @Override
        public byte[] chainHash() {
            return RecordHashes.chainHash(cose);
        }

        @Override
        public byte[] leafHash() {
            return RecordHashes.leafHash(cose);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Signed s && seq == s.seq && Arrays.equals(cose, s.cose);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq) * 31 + Arrays.hashCode(cose);
        }
    }

    record Erased(long seq, byte[] chainHash, byte[] leafHash) implements StoredRecord {
        public Erased {
            if (chainHash.length != 32 || leafHash.length != 32) {
                throw new IllegalArgumentException("tombstone hashes must be 32 bytes");
            }
            chainHash = chainHash.clone();
            leafHash = leafHash.clone();
        }

        @Override
        public byte[] chainHash() {
            return chainHash.clone();
        }

        @Override
        public byte[] leafHash() {
            return leafHash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Erased e && seq == e.seq && Arrays.equals(chainHash, e.chainHash)
                    && Arrays.equals(leafHash, e.leafHash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq);
        }
    }
}
