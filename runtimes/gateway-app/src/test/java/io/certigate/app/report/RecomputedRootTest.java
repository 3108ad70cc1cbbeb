package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.StoredRecord;
import io.certigate.verifier.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** An anchored batch's root recomputed from the file's leaves, as the passport's ledger section shows it. */
@Tag("unit")
class RecomputedRootTest {
    private static StoredRecord entry(long seq, int tweak) {
        byte[] leaf = new byte[32];
        leaf[0] = (byte) seq;
        leaf[1] = (byte) tweak;
        return new StoredRecord.Erased(seq, new byte[32], leaf);
    }

    private static String root(List<StoredRecord> records) {
        List<byte[]> leaves = new ArrayList<>();
        records.forEach(r -> leaves.add(r.leafHash()));
        return "0x" + HexFormat.of().formatHex(MerkleTree.build(leaves).root());
    }

    /** The entries fed one at a time, in seq order, as the streaming pass does. */
    private static Ledger recomputed(Ledger ledger, List<StoredRecord> entries) {
        RecomputedRoots roots = new RecomputedRoots(ledger);
        entries.forEach(r -> roots.accept(r.seq(), r.leafHash()));
        return roots.ledger();
    }

    private static Ledger.Anchor anchor(long first, long last, String root) {
        return new Ledger.Anchor(first, last, root, "0x" + "aa".repeat(32), 7, Ledger.Status.CONFIRMED, null, "");
    }

    @Test
    void aChangedRecordInsideAnAnchoredBatchFailsItsAnchor() {
        List<StoredRecord> batch1 = List.of(entry(1, 0), entry(2, 0), entry(3, 0));
        List<StoredRecord> batch2 = List.of(entry(4, 0), entry(5, 0));
        Ledger ledger = new Ledger(1337L, null, "http://node", List.of(anchor(1, 3, root(batch1)), anchor(4, 5, root(batch2)),
                anchor(6, 9, "0x" + "00".repeat(32))), "");
        List<StoredRecord> file = new ArrayList<>(batch1);
        file.add(entry(4, 1)); // changed
        file.add(entry(5, 0));
        file.add(entry(6, 0)); // batch 3 only in part
        Ledger checked = recomputed(ledger, file);
        assertThat(checked.anchors()).extracting(Ledger.Anchor::status)
                .containsExactly(Ledger.Status.CONFIRMED, Ledger.Status.FAILED, Ledger.Status.CONFIRMED);
        assertThat(checked.anchors().get(0).detail()).isEqualTo("the root recomputed from the file's 3 leaves matches");
        assertThat(checked.anchors().get(1).detail()).contains("give root 0x").contains("a record was changed or dropped");
        assertThat(checked.anchors().get(2).detail()).as("left to the completeness section").isEmpty();
        assertThat(checked.failed()).isEqualTo(1);
    }

    @Test
    void completenessNamesWhatTheFileLacks() {
        Ledger ledger = new Ledger(1337L, null, "http://node", List.of(anchor(1, 3, "r1"), anchor(4, 8, "r2")), "");
        Completeness c = PassportReport.completeness(ledger, List.of(new long[] {1, 5}), Completeness.Basis.LEDGER, "events");
        assertThat(c.covered()).extracting(Completeness.Range::toString).containsExactly("seq 1..3");
        assertThat(c.missing()).extracting(Completeness.Range::toString).containsExactly("seq 6..8");
        assertThat(c.missing().get(0).note()).contains("the history goes on after the file's last record, seq 5");
        assertThat(c.incomplete()).isTrue();
        Completeness whole = PassportReport.completeness(ledger, List.of(new long[] {1, 10}), Completeness.Basis.LEDGER, "events");
        assertThat(whole.complete()).isTrue();
        assertThat(whole.notYetAnchored()).extracting(Completeness.Range::toString).containsExactly("seq 9..10");
    }

    @Test
    void aBatchWithAHoleIsLeftAsItIsAndOverlappingBatchesAreEachJudged() {
        List<StoredRecord> all = List.of(entry(1, 0), entry(2, 0), entry(3, 0), entry(4, 0), entry(5, 0));
        Ledger ledger = new Ledger(1337L, null, "http://node", List.of(anchor(1, 3, root(all.subList(0, 3))),
                anchor(2, 5, root(all.subList(1, 5))), anchor(4, 5, root(all.subList(3, 5)))), "");
        Ledger whole = recomputed(ledger, all);
        assertThat(whole.anchors()).extracting(Ledger.Anchor::detail).containsExactly(
                "the root recomputed from the file's 3 leaves matches", "the root recomputed from the file's 4 leaves matches",
                "the root recomputed from the file's 2 leaves matches");
        List<StoredRecord> holed = List.of(all.get(0), all.get(2), all.get(3), all.get(4)); // seq 2 missing
        Ledger checked = recomputed(ledger, holed);
        assertThat(checked.anchors()).extracting(Ledger.Anchor::detail).containsExactly("", "",
                "the root recomputed from the file's 2 leaves matches");
        assertThat(checked.failed()).isZero();
    }

    @Test
    void coverageKeepsOneRangePerGap() {
        Coverage c = new Coverage();
        for (long seq : new long[] {1, 2, 3, 7, 8, 20}) {
            c.add(seq);
        }
        assertThat(c.ranges()).extracting(r -> r[0] + ".." + r[1]).containsExactly("1..3", "7..8", "20..20");
        c.add(4); // out of order: merged all the same
        c.add(5);
        c.add(6);
        assertThat(c.ranges()).extracting(r -> r[0] + ".." + r[1]).containsExactly("1..8", "20..20");
    }
}
