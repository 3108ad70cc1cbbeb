package io.certigate.app.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The seq ranges an input holds (signed records, tombstones and hash-only entries alike), built
 * one seq at a time as the chain verifier hands the entries over: a run of consecutive seqs is one
 * range, so memory is one pair of numbers per gap in the input, not one per record.
 */
final class Coverage {
    private final List<long[]> ranges = new ArrayList<>();
    private boolean ordered = true;

    /** The next seq (the chain verifier passes them in increasing order; any order is merged correctly). */
    void add(long seq) {
        long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
        if (last != null && seq >= last[0] && seq <= last[1] + 1) {
            last[1] = Math.max(last[1], seq);
            return;
        }
        ordered &= last == null || seq > last[1];
        ranges.add(new long[] {seq, seq});
    }

    /** The ranges, sorted and merged. */
    List<long[]> ranges() {
        List<long[]> sorted = new ArrayList<>(ranges.size());
        ranges.forEach(r -> sorted.add(r.clone()));
        if (ordered) {
            return sorted;
        }
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : sorted) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        return merged;
    }
}
