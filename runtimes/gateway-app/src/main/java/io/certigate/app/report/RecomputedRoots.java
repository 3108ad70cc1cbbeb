package io.certigate.app.report;

import io.certigate.verifier.merkle.MerkleAccumulator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Each anchor whose whole batch passes by, with its Merkle root recomputed from the input's leaves
 * (records, tombstones and hash-only entries alike, RFC 9162 §2.1.1) as they stream past and compared
 * with the anchored root: a record changed or dropped inside an anchored batch fails the anchor even
 * without per-record proofs. Anchors the input holds only part of, already failed or not anchored yet
 * are left as they are (the completeness section names what is missing).
 *
 * <p>Memory: the anchors themselves, and a logarithmic {@link MerkleAccumulator} per batch open at
 * the current seq (one, unless anchors overlap). Not thread-safe: one consumer per input.
 */
final class RecomputedRoots {
    private static final HexFormat HEX = HexFormat.of();

    private final Ledger ledger;
    private final Ledger.Anchor[] result;
    /** Anchor indexes by first seq. */
    private final int[] byFirst;
    private final List<Open> open = new ArrayList<>();
    private int next;

    /** An anchored batch whose first seq was reached. */
    private static final class Open {
        final int index;
        final Ledger.Anchor anchor;
        final MerkleAccumulator leaves = new MerkleAccumulator();
        long expect;

        Open(int index, Ledger.Anchor anchor) {
            this.index = index;
            this.anchor = anchor;
            this.expect = anchor.firstSeq();
        }
    }

    RecomputedRoots(Ledger ledger) {
        this.ledger = ledger;
        List<Ledger.Anchor> anchors = ledger.anchors();
        this.result = anchors.toArray(new Ledger.Anchor[0]);
        this.byFirst = java.util.stream.IntStream.range(0, result.length).boxed()
                .sorted(Comparator.comparingLong(i -> result[i].firstSeq())).mapToInt(Integer::intValue).toArray();
    }

    /** The next entry, in increasing seq order: its seq and leaf hash. */
    void accept(long seq, byte[] leafHash) {
        while (next < byFirst.length && result[byFirst[next]].firstSeq() <= seq) {
            Ledger.Anchor a = result[byFirst[next]];
            if (a.status() != Ledger.Status.FAILED && a.block() > 0 && a.lastSeq() >= a.firstSeq()) {
                open.add(new Open(byFirst[next], a));
            }
            next++;
        }
        for (Iterator<Open> it = open.iterator(); it.hasNext(); ) {
            Open o = it.next();
            if (seq != o.expect) {
                it.remove(); // a leaf of the batch is missing (or the batch ended before this seq): left as it is
                continue;
            }
            o.leaves.add(leafHash);
            o.expect++;
            if (seq == o.anchor.lastSeq()) {
                result[o.index] = judged(o);
                it.remove();
            }
        }
    }

    /** The ledger with every anchor whose whole batch went by judged by its recomputed root. */
    Ledger ledger() {
        return new Ledger(ledger.chainId(), ledger.contract(), ledger.rpcUrl(), List.of(result), ledger.note());
    }

    private static Ledger.Anchor judged(Open o) {
        Ledger.Anchor a = o.anchor;
        String root = "0x" + HEX.formatHex(o.leaves.root());
        boolean same = root.equalsIgnoreCase(a.root());
        String detail = (a.detail().isEmpty() ? "" : a.detail() + "; ") + (same
                ? "the root recomputed from the file's " + o.leaves.size() + " leaves matches"
                : "the file's records of seq " + a.firstSeq() + ".." + a.lastSeq() + " give root " + root
                        + ", not the anchored one: a record was changed or dropped");
        return new Ledger.Anchor(a.firstSeq(), a.lastSeq(), a.root(), a.txHash(), a.block(),
                same ? a.status() : Ledger.Status.FAILED, a.checkedAt(), detail);
    }
}
