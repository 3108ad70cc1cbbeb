package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.StoredRecord;
import io.certigate.testbed.time.ManualScheduler;
import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pump against a scripted peer (in the manner of Californium's lockstep endpoints) on virtual
 * time: the test decides when each batch is acknowledged or fails and when time passes, over a
 * real SQLite buffer and sequencer. Every pump task runs on the test's thread inside
 * {@code runDue}/{@code advance}, so "nothing more is sent" is checked exactly, not after a sleep.
 * The same pump on real threads: {@link ForwardingPumpRealThreadsTest}.
 */
@Tag("component")
class ForwardingPumpTest {
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofMillis(200));

    @TempDir
    Path dir;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final ScriptedPeer peer = new ScriptedPeer();
    private final AtomicLong commitsSeen = new AtomicLong();
    private TestDevice device;
    private ForwardingPump pump;

    @BeforeEach
    void setUp() throws Exception {
        device = TestDevice.create(dir, "dev-p");
        pump = pump(ForwardingPump.DEFAULT_MARK_INTERVAL);
        device.sequencer().addCommitListener(commitsSeen::set); // after the pump's: seeing a commit here means the pump was told
    }

    private ForwardingPump pump(Duration markInterval) {
        ForwardingPump p = new ForwardingPump(device.buffer(), peer, new ForwardingPump.Options(10, 3, RETRY, markInterval),
                scheduler.clock(), scheduler, new SplittableRandom(3));
        device.sequencer().addCommitListener(p::onCommit);
        return p;
    }

    @AfterEach
    void tearDown() throws Exception {
        pump.close();
        device.close();
        assertThat(scheduler.failures()).as("pump tasks that threw").isEmpty();
    }

    /** Commits {@code n} readings and waits until the sequencer has told its listeners (the pump's wake is queued). */
    private void produce(int n) throws Exception {
        device.produce(n);
        long head = device.buffer().head().seq();
        Await.until(Duration.ofSeconds(5), () -> "commit listeners told of " + head, () -> commitsSeen.get() == head);
    }

    @Test
    void keepsAtMostTheWindowInFlightInSeqOrderAndMarksOnlyWhatWasAcknowledged() throws Exception {
        produce(100);
        pump.linkUp();
        scheduler.runDue();
        assertThat(peer.sent).hasSize(3);
        scheduler.advance(Duration.ofMinutes(10)); // nothing more may leave while three batches are unanswered
        assertThat(peer.sent).hasSize(3);
        assertThat(scheduler.pending()).as("nothing left that could send").isZero();
        assertThat(device.undelivered()).isEqualTo(100);

        RecordBatch first = peer.answer(null);
        assertThat(first.firstSeq()).isEqualTo(1);
        scheduler.runDue();
        assertThat(device.undelivered()).as("the first mark is not held back").isEqualTo(90);
        assertThat(peer.sent).as("one slot freed, one batch sent").hasSize(4);
        while (peer.hasPending()) {
            peer.answer(null);
            scheduler.runDue();
            assertThat(peer.pendingCount()).isLessThanOrEqualTo(3);
        }
        assertThat(peer.sent).hasSize(10);
        assertThat(device.undelivered()).as("the last answer leaves the pump idle: marked at once").isZero();
        assertThat(pump.stats().recordsDelivered()).isEqualTo(100);
        assertThat(peer.maxPending).isEqualTo(3);
        long next = 1;
        for (RecordBatch b : peer.sent) {
            assertThat(b.firstSeq()).isEqualTo(next);
            next = b.lastSeq() + 1;
        }
    }

    @Test
    void aFailedBatchRewindsToTheOldestUndeliveredRecordAfterABackoff() throws Exception {
        produce(30);
        pump.linkUp();
        scheduler.runDue();
        assertThat(peer.sent).hasSize(3);
        peer.answer(null);                                 // 1..10 delivered
        peer.answer(new UplinkException("timeout"));       // 11..20 failed
        scheduler.runDue();
        assertThat(device.undelivered()).isEqualTo(20);
        peer.answer(null);                                 // 21..30 acknowledged late: still marked
        scheduler.advance(Duration.ofMillis(49));          // the first backoff is 50..100 ms
        assertThat(peer.sent).as("nothing resent during the backoff").hasSize(3);
        scheduler.advance(Duration.ofMillis(51));
        assertThat(device.undelivered()).isEqualTo(10);
        assertThat(peer.sent).hasSize(4);
        RecordBatch resent = peer.sent.get(3);
        assertThat(resent.firstSeq()).as("resent from the oldest undelivered").isEqualTo(11);
        assertThat(resent.lastSeq()).isEqualTo(20);
        peer.answer(null);
        scheduler.runDue();
        assertThat(device.undelivered()).isZero();
        assertThat(pump.stats().sendFailures()).isEqualTo(1);
    }

    @Test
    void nothingLeavesWhileTheLinkIsDownAndEverythingUnacknowledgedGoesAgainAfter() throws Exception {
        produce(20);
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(peer.sent).isEmpty();
        pump.linkUp();
        scheduler.runDue();
        assertThat(peer.sent).hasSize(2);
        pump.linkDown();
        peer.dropPending(); // the connection took them
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(peer.sent).hasSize(2);
        pump.linkUp();
        scheduler.runDue();
        assertThat(peer.sent).hasSize(4);
        assertThat(peer.sent.get(2).firstSeq()).isEqualTo(1);
    }

    @Test
    void freshRecordsAreHandedOverButAnErasedOneLeavesAsItsTombstone() throws Exception {
        produce(60);
        pump.linkUp();
        scheduler.runDue(); // window 3 of 10 records: 3 batches in flight, 3 read ahead, and the pump is caught up
        assertThat(peer.sent).hasSize(3);
        long handedBefore = pump.stats().recordsHandedOff();
        produce(10); // 61..70: handed over, waiting while the read-ahead is full
        device.buffer().erase(List.of(65L));
        answerAll();
        assertThat(pump.stats().recordsHandedOff()).as("the kept copies were dropped after the erasure")
                .isEqualTo(handedBefore);
        RecordBatch last = peer.sent.get(peer.sent.size() - 1);
        assertThat(last.firstSeq()).isEqualTo(61);
        assertThat(last.lastSeq()).isEqualTo(70);
        assertThat(BatchDecoder.items(last.payload()).get(4)[0]).as("65 as a tombstone map").isEqualTo((byte) 0xa4);

        int sentBefore = peer.sent.size();
        produce(10); // 71..80, the pump caught up and idle: sent from the hand-off
        answerAll();
        List<String> items = new ArrayList<>();
        for (RecordBatch b : peer.sent.subList(sentBefore, peer.sent.size())) {
            assertThat(b.firstSeq()).isEqualTo(71 + items.size());
            BatchDecoder.items(b.payload()).forEach(i -> items.add(HexFormat.of().formatHex(i)));
        }
        assertThat(pump.stats().recordsHandedOff()).isEqualTo(handedBefore + 10);
        assertThat(items).as("the handed-over bytes are the stored bytes").containsExactlyElementsOf(
                device.buffer().range(71, 80).stream()
                        .map(r -> HexFormat.of().formatHex(((StoredRecord.Signed) r).cose())).toList());
    }

    @Test
    void acknowledgementsAreGatheredForTheMarkIntervalWhileBatchesAreUnansweredAndMarkedAtOnceWhenNoneIs()
            throws Exception {
        produce(40);
        pump.linkUp();
        scheduler.runDue();
        peer.answer(null); // the first mark after a start is not held back
        scheduler.runDue();
        assertThat(device.undelivered()).isEqualTo(30);
        assertThat(peer.sent).as("31..40 went in the freed slot").hasSize(4);

        peer.answer(null); // two batches are still unanswered: held for the interval
        scheduler.advance(ForwardingPump.DEFAULT_MARK_INTERVAL.minusMillis(1));
        assertThat(device.undelivered()).isEqualTo(30);
        assertThat(pump.stats().markTransactions()).isEqualTo(1);
        scheduler.advance(Duration.ofMillis(1)); // the interval since the first mark is over
        assertThat(device.undelivered()).isEqualTo(20);
        assertThat(pump.stats().markTransactions()).isEqualTo(2);

        peer.answer(null); // held again: a mark was just written and 31..40 is unanswered
        scheduler.runDue();
        assertThat(device.undelivered()).isEqualTo(20);
        peer.answer(null); // the last one: the pump is idle, both are marked now, in one transaction
        scheduler.runDue();
        assertThat(device.undelivered()).isZero();
        assertThat(pump.stats().recordsDelivered()).isEqualTo(40);
        assertThat(pump.stats().markTransactions()).isEqualTo(3);
    }

    @Test
    void closingMarksWhatWasAcknowledgedAndHeldBack() throws Exception {
        produce(30);
        pump.linkUp();
        scheduler.runDue();
        peer.answer(null);
        scheduler.runDue();
        assertThat(device.undelivered()).isEqualTo(20);
        peer.answer(null);
        scheduler.runDue();
        assertThat(device.undelivered()).as("held back").isEqualTo(20);
        pump.close();
        assertThat(device.undelivered()).as("marked by close; the unanswered batch stays").isEqualTo(10);
        assertThat(device.buffer().deliveredThrough()).isEqualTo(20);
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(peer.sent).as("a closed pump sends nothing").hasSize(3);
    }

    /** Answers every batch, running the pump after each, until nothing is unanswered and nothing undelivered. */
    private void answerAll() throws Exception {
        scheduler.runDue();
        while (peer.hasPending()) {
            peer.answer(null);
            scheduler.runDue();
        }
        scheduler.advance(ForwardingPump.DEFAULT_MARK_INTERVAL);
        assertThat(device.undelivered()).isZero();
    }
}
