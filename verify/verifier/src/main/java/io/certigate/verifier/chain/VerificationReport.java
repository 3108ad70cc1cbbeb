package io.certigate.verifier.chain;

import io.certigate.verifier.Verdict;
import java.util.ArrayList;
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
 * @param findings    the findings, in seq order: all of them, or the first ones found when there were more than
 *                    the verifier lists (a file where every record fails); the others are counted
 * @param unlistedFailures failures found beyond the listed findings
 * @param unlistedNotes    notes (erased, flagged) found beyond the listed findings
 */
public record VerificationReport(String device, long records, long verified, long erased, long omitted, long firstSeq, long lastSeq,
        List<Finding> findings, long unlistedFailures, long unlistedNotes) {

    /** A report listing every finding. */
    public VerificationReport(String device, long records, long verified, long erased, long omitted, long firstSeq,
            long lastSeq, List<Finding> findings) {
        this(device, records, verified, erased, omitted, firstSeq, lastSeq, findings, 0, 0);
    }

    public boolean ok() {
        return unlistedFailures == 0 && findings.stream().noneMatch(f -> f.kind().isFailure());
    }

    public long failures() {
        return unlistedFailures + findings.stream().filter(f -> f.kind().isFailure()).count();
    }

    /**
     * The report as a {@link Verdict}: one check for the chain as a whole (counts and seq range),
     * then one failed check per failing finding, by seq, in the finding's words.
     */
    public Verdict verdict() {
        List<Verdict.Check> checks = new ArrayList<>();
        checks.add(new Verdict.Check("device " + device, 0, ok(), records + " records, seq " + firstSeq + ".." + lastSeq
                + ": " + verified + " verified, " + erased + " erased, " + omitted + " omitted"
                + (ok() ? "" : ", " + failures() + " problem(s)")
                + (unlistedFailures + unlistedNotes == 0 ? "" : " (" + findings.size() + " findings listed, "
                        + (unlistedFailures + unlistedNotes) + " more counted)")));
        for (Finding f : findings) {
            if (f.kind().isFailure()) {
                checks.add(new Verdict.Check("seq " + f.seq(), f.seq(), false, f.toString()));
            }
        }
        return Verdict.of(checks);
    }

    public long count(Finding.Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).count();
    }
}
