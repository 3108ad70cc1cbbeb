package io.certigate.verifier.completeness;

import io.certigate.core.model.StoredRecord;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verdict.Check;
import io.certigate.verifier.ledger.AnchorAbi.AnchoredEvent;
import io.certigate.verifier.merkle.MerkleAccumulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Completeness of an export against the ledger, judged one entry at a time: it is fed the export's
 * entries in seq order (signed records, tombstones and hash-only entries alike: a seq and its leaf
 * hash, SHA-256(0x00 ‖ COSE bytes)) and, for each anchored range of the device's
 * {@link LedgerHistory}, recomputes the batch's RFC 9162 root from those leaves
 * ({@link MerkleAccumulator}) and compares it with the root on chain. A record changed, dropped or
 * added inside an anchored batch changes the root, so it is caught without per-record proofs.
 *
 * <p>It reports which anchored ranges the export covers; every record of an anchored range whose
 * leaf is not in the export; a history that continues on the ledger past the end of the export
 * (or starts before it); and the export's records that are not anchored yet, which are not a
 * failure (a batch waits for its transaction). With a requested range ({@code --range A..B}) only
 * the anchored ranges that meet it count, and only their seqs inside it must be present: the
 * verdict then says "range A..B, complete within the range".
 *
 * <p>Memory is one batch's worth at most (the accumulator is logarithmic in the batch size, the
 * missing seqs of a batch are kept as a few spans), plus the ledger history itself and one check
 * per failing range. Not thread-safe: one consumer per export.
 */
public final class CompletenessCheck {
    /** Missing spans named per range; more are counted, not listed. */
    private static final int SPANS_LISTED = 5;

    private final LedgerHistory history;
    private final SeqRange requested;
    private final List<AnchoredEvent> ranges;
    private final List<Check> failures = new ArrayList<>();
    private final MerkleAccumulator leaves = new MerkleAccumulator();

    private int next;
    /** The next seq expected inside the open range, 0 when no leaf of it was seen. */
    private long expected;
    private final List<long[]> missing = new ArrayList<>();
    private long missingSpans;
    private long highestClosedSeq;

    private long exportFirst;
    private long exportLast;
    private long entries;
    private long disorderedAt;
    private long disordered;

    private final Group covered = new Group();
    private final Group before = new Group();
    private final Group after = new Group();
    private final Group outside = new Group();
    private final Group partial = new Group();
    private final Group unanchored = new Group();
    private final List<String> partialNotes = new ArrayList<>();

    /**
     * @param history   the device's anchored ranges, read from the ledger
     * @param requested the range the user asked for, or null for the device's whole history
     */
    public CompletenessCheck(LedgerHistory history, SeqRange requested) {
        this.history = history;
        this.requested = requested;
        this.ranges = history.ranges();
    }

    /** The next entry of the export: a signed record, a tombstone or a hash-only entry. */
    public void accept(StoredRecord r) {
        accept(r.seq(), r.leafHash());
    }

    /**
     * The next entry: its seq and its leaf hash. Entries must come in increasing seq order; one
     * that does not (a duplicate, a reorder) is counted and reported, and left out of the roots.
     */
    public void accept(long seq, byte[] leafHash) {
        if (seq <= exportLast) {
            if (disordered++ == 0) {
                disorderedAt = seq;
            }
            return;
        }
        if (entries++ == 0) {
            exportFirst = seq;
        }
        exportLast = seq;
        while (next < ranges.size() && ranges.get(next).lastSeq() < seq) {
            close(ranges.get(next++));
        }
        skipOverlapping();
        AnchoredEvent r = next < ranges.size() ? ranges.get(next) : null;
        if (r == null || seq < r.firstSeq()) {
            unanchored.add(seq, seq, -1, null);
            return;
        }
        long from = expected == 0 ? r.firstSeq() : expected;
        if (seq > from) {
            missing(from, seq - 1);
        }
        leaves.add(leafHash);
        expected = seq + 1;
    }

    /** Closes the ranges left (those past the export's end) and gives the verdict. */
    public Verdict finish() {
        while (next < ranges.size()) {
            skipOverlapping();
            if (next < ranges.size()) {
                close(ranges.get(next++));
            }
        }
        List<Check> checks = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        String where = "device " + history.device() + " on chain " + history.chainId() + ", contract " + history.contract()
                + ", up to block " + history.headBlock();
        if (ranges.isEmpty()) {
            notChecked.add("completeness against the ledger: the ledger holds no anchored range of " + where);
        } else {
            checks.add(new Check("anchored history", 0, true, ranges.size() + " anchored range(s) of " + where
                    + ": seq " + ranges.get(0).firstSeq() + ".." + history.lastAnchoredSeq()));
        }
        if (covered.count > 0) {
            checks.add(new Check("anchored ranges covered", 0, true, covered.count + " range(s), seq " + covered.first + ".."
                    + covered.last + " (blocks " + covered.firstBlock + ".." + covered.lastBlock + "): each batch root"
                    + " recomputed from the export's leaves equals the root on chain"));
        }
        if (before.count > 0) {
            checks.add(new Check("history before the export", before.first, false, "the ledger holds seq " + before.first
                    + ".." + before.last + " of " + history.device() + " (" + before.count + " anchored range(s), blocks "
                    + before.firstBlock + ".." + before.lastBlock + "), the export starts at seq " + exportFirst
                    + " (give --range to check only part of the history)"));
        }
        checks.addAll(failures);
        if (after.count > 0) {
            String ends = entries == 0 ? "the export holds no entry" : "the export ends at seq " + exportLast;
            checks.add(new Check("history continues on the ledger", after.first, false, "seq " + after.last
                    + " anchored at block " + after.lastBlock + " (tx " + after.lastTx + "), " + ends + " < " + after.last
                    + ": " + after.count + " anchored range(s), seq " + after.first + ".." + after.last
                    + ", are not in the file"));
        }
        if (disordered > 0) {
            checks.add(new Check("entries out of order", disorderedAt, false, disordered + " entr" + (disordered == 1 ? "y" : "ies")
                    + " not in increasing seq order (first at seq " + disorderedAt + "), left out of the batch roots"));
        }
        if (partial.count > 0) {
            notChecked.add(partial.count + " anchored range(s) only partly inside range " + requested
                    + ": their roots were not recomputed (" + String.join("; ", partialNotes) + ")");
        }
        if (unanchored.count > 0) {
            notChecked.add("not yet anchored: " + unanchored.count + " entr" + (unanchored.count == 1 ? "y" : "ies")
                    + " of the export, seq " + unanchored.first + ".." + unanchored.last + " (the ledger's last anchored seq of "
                    + history.device() + " is " + history.lastAnchoredSeq() + " at block " + history.headBlock()
                    + " or before)");
        }
        if (requested != null) {
            boolean ok = checks.stream().allMatch(Check::ok);
            checks.add(new Check("range " + requested, 0, ok, ok ? "range " + requested + ", complete within the range"
                    : "range " + requested + ", NOT complete within the range"));
        }
        return new Verdict(checks, notChecked);
    }

    /** Skips ranges that overlap one already closed (a second anchor over the same seqs), as a failure each. */
    private void skipOverlapping() {
        while (next < ranges.size() && ranges.get(next).firstSeq() <= highestClosedSeq) {
            AnchoredEvent r = ranges.get(next++);
            if (inScope(r)) {
                failures.add(new Check(label(r), r.firstSeq(), false, "overlaps another anchored range of the device"
                        + " ending at seq " + highestClosedSeq + ": the ledger holds two anchors for the same seqs"));
            }
        }
    }

    private void close(AnchoredEvent r) {
        boolean none = expected == 0;
        if (none) {
            missing(r.firstSeq(), r.lastSeq());
        } else if (expected <= r.lastSeq()) {
            missing(expected, r.lastSeq());
        }
        highestClosedSeq = Math.max(highestClosedSeq, r.lastSeq());
        try {
            if (!inScope(r)) {
                outside.add(r);
            } else if (none && requested == null && (entries == 0 || r.firstSeq() > exportLast)) {
                after.add(r);
            } else if (none && requested == null && r.lastSeq() < exportFirst) {
                before.add(r);
            } else if (missing.isEmpty()) {
                byte[] root = leaves.root();
                if (Arrays.equals(root, r.root())) {
                    covered.add(r);
                } else {
                    failures.add(new Check(label(r), r.firstSeq(), false, "the root recomputed from the export's "
                            + leaves.size() + " leaves, " + hex(root) + ", is not the root on chain " + hex(r.root())
                            + ": a record of seq " + r.firstSeq() + ".." + r.lastSeq() + " was changed, dropped or added"));
                }
            } else {
                List<long[]> inScope = missing.stream().filter(m -> requested == null || requested.intersects(m[0], m[1]))
                        .toList();
                if (inScope.isEmpty()) {
                    partial.add(r);
                    if (partialNotes.size() < SPANS_LISTED) {
                        partialNotes.add("seq " + r.firstSeq() + ".." + r.lastSeq() + " at block " + r.blockNumber());
                    }
                } else {
                    long n = inScope.stream().mapToLong(m -> clipCount(m[0], m[1])).sum();
                    StringBuilder b = new StringBuilder();
                    for (long[] m : inScope) {
                        b.append(b.length() == 0 ? "" : ", ").append(clip(m[0], m[1]));
                    }
                    long more = missingSpans - missing.size();
                    failures.add(new Check(label(r), inScope.get(0)[0], false, n + (more > 0 ? "+" : "") + " record(s) of"
                            + " this anchored range are not in the file, not even as hash-only entries: seq " + b
                            + (more > 0 ? " and " + more + " more span(s)" : "")));
                }
            }
        } finally {
            leaves.reset();
            missing.clear();
            missingSpans = 0;
            expected = 0;
        }
    }

    private void missing(long from, long to) {
        missingSpans++;
        if (missing.size() < SPANS_LISTED) {
            missing.add(new long[] {from, to});
        }
    }

    private boolean inScope(AnchoredEvent r) {
        return requested == null || requested.intersects(r.firstSeq(), r.lastSeq());
    }

    private String clip(long a, long b) {
        long from = requested == null ? a : Math.max(a, requested.first());
        long to = requested == null ? b : Math.min(b, requested.last());
        return from == to ? Long.toString(from) : from + ".." + to;
    }

    private long clipCount(long a, long b) {
        long from = requested == null ? a : Math.max(a, requested.first());
        long to = requested == null ? b : Math.min(b, requested.last());
        return Math.max(0, to - from + 1);
    }

    private static String label(AnchoredEvent r) {
        return "anchored range " + r.firstSeq() + ".." + r.lastSeq() + " (block " + r.blockNumber() + ")";
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Counts of ranges (or entries) of one kind and what they span. */
    private static final class Group {
        long count;
        long first;
        long last;
        long firstBlock;
        long lastBlock;
        String lastTx;

        void add(AnchoredEvent r) {
            add(r.firstSeq(), r.lastSeq(), r.blockNumber(), r.txHash());
        }

        void add(long a, long b, long block, String tx) {
            if (count++ == 0) {
                first = a;
                firstBlock = block;
            }
            first = Math.min(first, a);
            if (b >= last) {
                last = b;
                lastBlock = block;
                lastTx = tx;
            }
            firstBlock = Math.min(firstBlock, block);
        }
    }
}
