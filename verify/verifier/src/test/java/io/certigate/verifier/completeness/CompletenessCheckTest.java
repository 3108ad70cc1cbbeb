package io.certigate.verifier.completeness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.verifier.Verdict;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.AnchorAbi.AnchoredEvent;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The completeness check on a ledger history built in the test: three anchored batches of 100
 * (seq 1..300, blocks 11..13), each root the {@link MerkleTree} of its leaves; the dev-chain
 * versions of these cases, with a gateway's exports, are gateway-app's {@code VerifyCompletenessCliTest}.
 */
@Tag("unit")
class CompletenessCheckTest {
    static final String DEVICE = "gw-complete";
    static final LedgerHistory HISTORY = history(100, 3);

    static byte[] leaf(long seq) {
        return MerkleHash.leaf(ByteBuffer.allocate(8).putLong(seq).array());
    }

    static LedgerHistory history(int batch, int batches) {
        List<AnchoredEvent> events = new ArrayList<>();
        for (int b = batches - 1; b >= 0; b--) { // out of order on purpose: the history sorts them
            List<byte[]> leaves = new ArrayList<>();
            for (long s = (long) b * batch + 1; s <= (long) (b + 1) * batch; s++) {
                leaves.add(leaf(s));
            }
            events.add(new AnchoredEvent("0x" + "a".repeat(40), MerkleTree.build(leaves).root(),
                    AnchorAbi.deviceKey(DEVICE), (long) b * batch + 1, (long) (b + 1) * batch, "0xtx" + b, 11 + b));
        }
        return new LedgerHistory(DEVICE, 1337, "0x" + "a".repeat(40), 20, events);
    }

    static Verdict run(SeqRange range, long from, long to, LongPredicate keep) {
        CompletenessCheck c = new CompletenessCheck(HISTORY, range);
        for (long s = from; s <= to; s++) {
            if (keep.test(s)) {
                c.accept(s, leaf(s));
            }
        }
        return c.finish();
    }

    static String text(Verdict v) {
        StringBuilder b = new StringBuilder();
        v.checks().forEach(c -> b.append(c.ok() ? "ok " : "FAIL ").append(c.subject()).append(": ").append(c.detail()).append('\n'));
        v.notChecked().forEach(n -> b.append("not checked: ").append(n).append('\n'));
        return b.toString();
    }

    @Test
    void theWholeAnchoredHistoryIsValidAndCovered() {
        Verdict v = run(null, 1, 300, s -> true);
        assertThat(v.result()).as(text(v)).isEqualTo(Verdict.Result.VALID);
        assertThat(text(v)).contains("3 range(s), seq 1..300 (blocks 11..13)");
    }

    @Test
    void aLastBatchNotYetAnchoredIsNotAFailure() {
        Verdict v = run(null, 1, 342, s -> true);
        assertThat(v.result()).as(text(v)).isEqualTo(Verdict.Result.VALID_PARTIAL);
        assertThat(v.notChecked()).singleElement().asString().startsWith("not yet anchored: 42 entries of the export,"
                + " seq 301..342");
    }

    @Test
    void aTruncatedExportFailsBecauseTheHistoryContinuesOnTheLedger() {
        Verdict v = run(null, 1, 200, s -> true);
        assertThat(v.valid()).isFalse();
        assertThat(v.failures()).singleElement().satisfies(c -> {
            assertThat(c.subject()).isEqualTo("history continues on the ledger");
            assertThat(c.detail()).startsWith("seq 300 anchored at block 13 (tx 0xtx2), the export ends at seq 200 < 300");
        });
    }

    @Test
    void aTruncatedExportCutInsideABatchNamesTheMissingRecords() {
        Verdict v = run(null, 1, 250, s -> true);
        assertThat(v.failures()).singleElement().satisfies(c -> assertThat(c.detail())
                .contains("50 record(s) of this anchored range are not in the file").contains("seq 251..300"));
    }

    @Test
    void aRemovedBatchIsNamed() {
        Verdict v = run(null, 1, 300, s -> s <= 100 || s > 200);
        assertThat(v.failures()).singleElement().satisfies(c -> {
            assertThat(c.subject()).isEqualTo("anchored range 101..200 (block 12)");
            assertThat(c.detail()).contains("100 record(s)").contains("seq 101..200");
        });
        assertThat(text(v)).contains("2 range(s), seq 1..300");
    }

    @Test
    void aChangedLeafChangesTheRecomputedRoot() {
        CompletenessCheck c = new CompletenessCheck(HISTORY, null);
        for (long s = 1; s <= 300; s++) {
            c.accept(s, s == 150 ? leaf(9999) : leaf(s));
        }
        Verdict v = c.finish();
        assertThat(v.failures()).singleElement().satisfies(f -> assertThat(f.detail())
                .contains("is not the root on chain").contains("seq 101..200 was changed, dropped or added"));
    }

    @Test
    void singleDroppedRecordsAreListed() {
        Verdict v = run(null, 1, 300, s -> s != 5 && s != 7);
        assertThat(v.failures()).singleElement().satisfies(f -> assertThat(f.detail()).contains("2 record(s)")
                .contains("seq 5, 7"));
    }

    @Test
    void anExportStartingLateFailsUnlessARangeWasAskedFor() {
        Verdict whole = run(null, 101, 300, s -> true);
        assertThat(whole.failures()).singleElement().satisfies(f -> assertThat(f.detail())
                .startsWith("the ledger holds seq 1..100 of gw-complete").contains("the export starts at seq 101"));
        Verdict ranged = run(new SeqRange(101, 200), 101, 200, s -> true);
        assertThat(ranged.result()).as(text(ranged)).isEqualTo(Verdict.Result.VALID);
        assertThat(text(ranged)).contains("range 101..200, complete within the range");
    }

    @Test
    void aRangeCuttingBatchesChecksWhatIsInsideItAndSaysWhichRootsWereNotRecomputed() {
        Verdict v = run(new SeqRange(150, 250), 150, 250, s -> true);
        assertThat(v.result()).as(text(v)).isEqualTo(Verdict.Result.VALID_PARTIAL);
        assertThat(text(v)).contains("range 150..250, complete within the range")
                .contains("2 anchored range(s) only partly inside range 150..250");
        Verdict holed = run(new SeqRange(150, 250), 150, 250, s -> s != 240);
        assertThat(holed.valid()).isFalse();
        assertThat(text(holed)).contains("seq 240").contains("range 150..250, NOT complete within the range");
        Verdict short_ = run(new SeqRange(101, 300), 101, 200, s -> true);
        assertThat(text(short_)).contains("FAIL anchored range 201..300 (block 13)").contains("NOT complete");
    }

    @Test
    void entriesOutOfOrderAreReported() {
        CompletenessCheck c = new CompletenessCheck(HISTORY, null);
        for (long s = 1; s <= 300; s++) {
            c.accept(s, leaf(s));
            if (s == 20) {
                c.accept(10, leaf(10));
            }
        }
        Verdict v = c.finish();
        assertThat(v.failures()).singleElement().satisfies(f -> assertThat(f.detail()).contains("first at seq 10"));
    }

    @Test
    void aDeviceWithNothingAnchoredIsNotCheckedNotFailed() {
        CompletenessCheck c = new CompletenessCheck(new LedgerHistory(DEVICE, 1337, "0x" + "a".repeat(40), 20, List.of()), null);
        c.accept(1, leaf(1));
        Verdict v = c.finish();
        assertThat(v.notChecked()).anySatisfy(n -> assertThat(n).contains("holds no anchored range of device gw-complete"));
        assertThat(v.failures()).isEmpty();
    }

    @Test
    void rangesAreParsed() {
        assertThat(SeqRange.parse("101..300")).isEqualTo(new SeqRange(101, 300));
        assertThatThrownBy(() -> SeqRange.parse("300..101")).hasMessageContaining("1 <= FIRST <= LAST");
        assertThatThrownBy(() -> SeqRange.parse("101-300")).hasMessageContaining("'101-300'");
    }
}
