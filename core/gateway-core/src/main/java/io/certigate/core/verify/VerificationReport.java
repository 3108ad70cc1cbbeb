package io.certigate.core.verify;

import java.util.List;

/**
 * What {@link ChainVerifier} found over a set of records.
 *
 * @param device      the device the records claim
 * @param records     records examined
 * @param verified    signed records whose signature, payload and link all checked out
 * @param erased      tombstones
 * @param omitted     hash-only entries outside a filtered export's selection
 * @param firstSeq    lowest seq present (0 if none)
 * @param lastSeq     highest seq present (0 if none)
 * @param findings    every finding, in seq order
 */
public record VerificationReport(String device, long records, long verified, long erased, long omitted, long firstSeq, long lastSeq,
        List<Finding> findings) {

    public boolean ok() {
        return findings.stream().noneMatch(f -> f.kind().isFailure());
    }

    public long failures() {
        return findings.stream().filter(f -> f.kind().isFailure()).count();
    }

    public long count(Finding.Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).count();
    }
}
