package io.certigate.verifier.chain;

import io.certigate.core.model.Reading;
import io.certigate.verifier.export.ExportEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-order half of {@link ChainVerifier}: takes the entries, whose signatures and payloads the
 * parallel half already checked, in input order and checks what needs order: seq continuity, the
 * prev-hash link to the entry before, duplicates, forks and entries out of order. Holds only the
 * last entry's hash, the hashes of a bounded window of recent entries (to tell a duplicate from a
 * fork) and the findings, of which at most {@code maxListed} are kept (the rest are counted).
 */
final class ChainState {
    /** Recent entries kept to tell a late duplicate from a fork. */
    private static final int RECENT = 1024;
    private static final byte[] GENESIS_PREV = new byte[32];

    private final String device;
    private final int maxListed;
    private final EntryObserver observer;
    private final List<Finding> findings = new ArrayList<>();
    private final Map<Long, byte[]> recent = new LinkedHashMap<>(RECENT * 2, 0.75f) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > RECENT;
        }
    };
    private long records;
    private long verified;
    private long erased;
    private long omitted;
    private long firstSeq;
    private long lastSeq;
    private long unlistedFailures;
    private long unlistedNotes;
    private boolean started;
    private long prevSeq;
    private byte[] prevHash;

    ChainState(String device, int maxListed, EntryObserver observer) {
        this.device = device;
        this.maxListed = maxListed;
        this.observer = observer;
    }

    /** Counts entries the caller refused before this stage (an in-memory list's duplicates), with their findings. */
    void refused(long count, List<Finding> found) {
        records += count;
        found.forEach(this::add);
    }

    void accept(ChainVerifier.Prepared p) {
        ExportEntry e = p.entry();
        long seq = e.seq();
        records++;
        if (started && seq <= prevSeq) {
            byte[] seen = recent.get(seq);
            if (seen != null) {
                boolean same = Arrays.equals(seen, p.chainHash());
                add(new Finding(same ? Finding.Kind.DUPLICATE : Finding.Kind.FORK, seq,
                        same ? "record appears more than once" : "two different records carry this seq"));
            } else {
                add(new Finding(Finding.Kind.REORDER, seq, "comes after seq " + prevSeq));
            }
            return;
        }
        if (started && seq != prevSeq + 1) {
            add(new Finding(Finding.Kind.GAP, prevSeq + 1,
                    (seq - prevSeq - 1) + " record(s) missing: seq " + (prevSeq + 1) + ".." + (seq - 1)));
        }
        byte[] expectedPrev = seq == 1 ? GENESIS_PREV : started && seq == prevSeq + 1 ? prevHash : null;
        List<Finding> mine = new ArrayList<>(1);
        boolean ok = false;
        if (e.omitted()) {
            omitted++;
        } else if (e.erased()) {
            erased++;
            mine.add(new Finding(Finding.Kind.ERASED, seq, "payload erased, hashes kept"));
        } else if (p.failure() != null) {
            mine.add(p.failure());
        } else if (expectedPrev != null && !Arrays.equals(expectedPrev, p.reading().prev())) {
            mine.add(new Finding(Finding.Kind.BROKEN_LINK, seq, "prev is not the hash of seq " + (seq - 1)));
        } else {
            ok = true;
            verified++;
            Reading r = p.reading().reading();
            List<String> alerts = r.flags().stream().filter(Reading::isAlert).toList();
            if (!alerts.isEmpty()) {
                mine.add(new Finding(Finding.Kind.FLAGGED, seq, r.kind() + " " + r.subject() + " = " + r.value()
                        + (r.unit() == null ? "" : " " + r.unit()) + " flags " + String.join(",", alerts)));
            }
        }
        mine.forEach(this::add);
        if (!started) {
            firstSeq = seq;
        }
        started = true;
        lastSeq = seq;
        prevSeq = seq;
        prevHash = p.chainHash();
        recent.put(seq, prevHash);
        observer.entry(new CheckedEntry(e, p.chainHash(), p.leafHash(), p.reading(), ok, List.copyOf(mine)));
    }

    private void add(Finding f) {
        if (findings.size() < maxListed) {
            findings.add(f);
        } else if (f.kind().isFailure()) {
            unlistedFailures++;
        } else {
            unlistedNotes++;
        }
    }

    /** What was found so far, findings by seq. */
    VerificationReport report() {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparingLong(Finding::seq));
        return new VerificationReport(device, records, verified, erased, omitted, started ? firstSeq : 0,
                started ? lastSeq : 0, List.copyOf(sorted), unlistedFailures, unlistedNotes);
    }
}
