package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pump against a scripted peer (in the manner of Californium's lockstep endpoints): the test
 * decides when each batch is acknowledged or fails, over a real SQLite buffer and sequencer.
 */
@Tag("component")
class ForwardingPumpTest {
    @TempDir
    Path dir;

    private ScheduledExecutorService scheduler;
    private TestDevice device;
    private ScriptedPeer peer;
    private ForwardingPump pump;

    /** Holds every batch until the test answers it. */
    static final class ScriptedPeer implements BatchTransport {
        final ConcurrentLinkedQueue<Object[]> pending = new ConcurrentLinkedQueue<>();
        final List<RecordBatch> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile int maxPending;

        @Override
        public int maxPayloadBytes() {
            return 1 << 20;
        }

        @Override
        public void send(RecordBatch batch, Consumer<Throwable> done) {
            sent.add(batch);
            pending.add(new Object[] {batch, done});
            maxPending = Math.max(maxPending, pending.size());
        }

        @SuppressWarnings("unchecked")
        RecordBatch answer(Throwable failure) {
            Object[] p = pending.poll();
            ((Consumer<Throwable>) p[1]).accept(failure);
            return (RecordBatch) p[0];
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        device = TestDevice.create(dir, "dev-p");
        peer = new ScriptedPeer();
        pump = pump(ForwardingPump.DEFAULT_MARK_INTERVAL);
    }

    private ForwardingPump pump(Duration markInterval) {
        ForwardingPump p = new ForwardingPump(device.buffer(), peer,
                new ForwardingPump.Options(10, 3, new Backoff(Duration.ofMillis(50), Duration.ofMillis(100)), markInterval),
                Clock.systemUTC(), scheduler, new SplittableRandom(3));
        device.sequencer().addCommitListener(p::onCommit);
        return p;
    }

    @AfterEach
    void tearDown() throws Exception {
        pump.close();
        device.close();
        scheduler.shutdownNow();
    }

    @Test
    void keepsAtMostTheWindowInFlightInSeqOrderAndMarksOnlyWhatWasAcknowledged() throws Exception {
        device.produce(100);
        pump.linkUp();
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 3);
        Thread.sleep(200); // nothing more may leave while three batches are unanswered
        assertThat(peer.sent).hasSize(3);
        assertThat(device.undelivered()).isEqualTo(100);

        RecordBatch first = peer.answer(null);
        assertThat(first.firstSeq()).isEqualTo(1);
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 90);
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 4);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (peer.sent.size() < 10 || !peer.pending.isEmpty()) {
            assertThat(System.nanoTime()).as("all batches answered in time").isLessThan(deadline);
            if (!peer.pending.isEmpty()) {
                peer.answer(null);
            }
            Thread.sleep(1);
        }
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 0);
        assertThat(peer.maxPending).isEqualTo(3);
        long next = 1;
        for (RecordBatch b : peer.sent) {
            assertThat(b.firstSeq()).isEqualTo(next);
            next = b.lastSeq() + 1;
        }
        // the counter moves right after the marking transaction commits: wait for it, do not race it
        Await.until(Duration.ofSeconds(5), () -> "delivered " + pump.stats().recordsDelivered(),
                () -> pump.stats().recordsDelivered() == 100);
    }

    @Test
    void aFailedBatchRewindsToTheOldestUndeliveredRecordAfterABackoff() throws Exception {
        device.produce(30);
        pump.linkUp();
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 3);
        peer.answer(null);                                 // 1..10 delivered
        peer.answer(new UplinkException("timeout"));       // 11..20 failed
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 20);
        peer.answer(null);                                 // 21..30 acknowledged late: still marked
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 10);
        Await.until(Duration.ofSeconds(5), () -> "resent " + peer.sent, () -> peer.sent.size() >= 4);
        RecordBatch resent = peer.sent.get(3);
        assertThat(resent.firstSeq()).as("resent from the oldest undelivered").isEqualTo(11);
        assertThat(resent.lastSeq()).isEqualTo(20);
        peer.answer(null);
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 0);
        assertThat(pump.stats().sendFailures()).isEqualTo(1);
    }

    @Test
    void nothingLeavesWhileTheLinkIsDownAndEverythingUnacknowledgedGoesAgainAfter() throws Exception {
        device.produce(20);
        Thread.sleep(200);
        assertThat(peer.sent).isEmpty();
        pump.linkUp();
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 2);
        pump.linkDown();
        peer.pending.clear(); // the connection took them
        pump.linkUp();
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 4);
        assertThat(peer.sent.get(2).firstSeq()).isEqualTo(1);
    }

    @Test
    void recordsCommittedWhileForwardingAndAcrossLinkDropsAllLeaveWithoutGapsAndInSeqOrder() throws Exception {
        List<Long> watermarks = java.util.Collections.synchronizedList(new ArrayList<>());
        pump.onDelivered(watermarks::add);
        device.produce(25);
        device.buffer().erase(List.of(7L)); // a tombstone in the backlog takes the record-by-record path
        pump.linkUp();
        java.util.concurrent.ExecutorService producer = Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<?> production = producer.submit(() -> {
            for (int i = 0; i < 15; i++) {
                device.produce(7); // committed while the pump is caught up or reading: the commit listener wakes it
                Thread.sleep(5);
            }
            return null;
        });
        long total = 25 + 15 * 7;
        int drops = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!production.isDone() || undelivered() != 0) {
            assertThat(System.nanoTime()).as("everything delivered in time").isLessThan(deadline);
            if (peer.sent.size() > 4 * (drops + 1) && drops < 3) {
                pump.linkDown();
                peer.pending.clear(); // the connection took them, unanswered
                pump.linkUp();
                drops++;
            } else if (!peer.pending.isEmpty()) {
                peer.answer(null);
            }
            Thread.sleep(1);
        }
        production.get();
        producer.shutdown();
        assertThat(drops).isEqualTo(3);
        assertThat(pump.stats().recordsHandedOff()).as("fresh records went without a read-back").isPositive();
        // never a forward jump: each batch continues the previous one or starts again further back
        List<RecordBatch> sent = new ArrayList<>(peer.sent);
        assertThat(sent.get(0).firstSeq()).isEqualTo(1);
        for (int i = 1; i < sent.size(); i++) {
            assertThat(sent.get(i).firstSeq()).as("batch %d: %s after %s", i, sent.get(i), sent.get(i - 1))
                    .isLessThanOrEqualTo(sent.get(i - 1).lastSeq() + 1);
        }
        assertThat(sent.stream().mapToLong(RecordBatch::lastSeq).max().orElse(0)).isEqualTo(total);
        for (RecordBatch b : sent) {
            List<byte[]> items = BatchDecoder.items(b.payload());
            assertThat(items).hasSize(b.records());
            assertThat(b.records()).as("consecutive seqs %s", b).isEqualTo((int) (b.lastSeq() - b.firstSeq() + 1));
            if (b.firstSeq() <= 7 && 7 <= b.lastSeq()) {
                assertThat(items.get((int) (7 - b.firstSeq()))[0]).as("tombstone map").isEqualTo((byte) 0xa4);
            }
        }
        assertThat(device.buffer().deliveredThrough()).isEqualTo(total);
        Await.until(Duration.ofSeconds(5), () -> "watermarks " + watermarks, () -> watermarks.contains(total));
        List<Long> seen = new ArrayList<>(watermarks);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("watermark never goes back").isGreaterThanOrEqualTo(seen.get(i - 1));
        }
    }

    @Test
    void freshRecordsAreHandedOverButAnErasedOneLeavesAsItsTombstone() throws Exception {
        device.produce(60);
        pump.linkUp();
        // window 3 of 10 records: 3 batches in flight, 3 read ahead, and the pump is caught up
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 3);
        Thread.sleep(100);
        long handedBefore = pump.stats().recordsHandedOff();
        device.produce(10); // 61..70: handed over, waiting while the read-ahead is full
        device.buffer().erase(List.of(65L));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (undelivered() != 0) {
            assertThat(System.nanoTime()).as("everything delivered in time").isLessThan(deadline);
            if (!peer.pending.isEmpty()) {
                peer.answer(null);
            }
            Thread.sleep(1);
        }
        assertThat(pump.stats().recordsHandedOff()).as("the kept copies were dropped after the erasure")
                .isEqualTo(handedBefore);
        RecordBatch last = peer.sent.get(peer.sent.size() - 1);
        assertThat(last.firstSeq()).isEqualTo(61);
        assertThat(last.lastSeq()).isEqualTo(70);
        assertThat(BatchDecoder.items(last.payload()).get(4)[0]).as("65 as a tombstone map").isEqualTo((byte) 0xa4);

        device.produce(10); // 71..80, the pump caught up and idle: sent from the hand-off
        List<String> items = new ArrayList<>(); // their batches (one per commit group at least), item by item
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (items.size() < 10) {
            assertThat(System.nanoTime()).as("71..80 sent in time, got %s", items.size()).isLessThan(deadline);
            if (!peer.pending.isEmpty()) {
                RecordBatch handed = peer.answer(null);
                assertThat(handed.firstSeq()).isEqualTo(71 + items.size());
                BatchDecoder.items(handed.payload()).forEach(b -> items.add(java.util.HexFormat.of().formatHex(b)));
            }
            Thread.sleep(1);
        }
        // at least the first of them (a batch started from the hand-off may be completed from the buffer)
        assertThat(pump.stats().recordsHandedOff()).isGreaterThan(handedBefore);
        assertThat(items).as("the handed-over bytes are the stored bytes").containsExactlyElementsOf(
                device.buffer().range(71, 80).stream()
                        .map(r -> java.util.HexFormat.of().formatHex(((io.certigate.core.model.StoredRecord.Signed) r).cose()))
                        .toList());
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 0);
    }

    @Test
    void acknowledgementsAreGatheredIntoOneMarkWhileBatchesAreUnansweredAndMarkedAtOnceWhenNoneIs() throws Exception {
        pump.close();
        pump = pump(Duration.ofSeconds(30)); // far longer than any wait below: a mark seen here was not timed
        device.produce(30);
        pump.linkUp();
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 3);
        peer.answer(null); // the first mark after a start is not held back
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 20);
        peer.answer(null); // one batch is still unanswered: held for the interval
        Thread.sleep(300);
        assertThat(undelivered()).isEqualTo(20);
        assertThat(pump.stats().markTransactions()).isEqualTo(1);
        peer.answer(null); // the last one: both are marked now, in one transaction
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 0);
        // the counters move right after the marking transaction commits: wait for them, do not race them
        Await.until(Duration.ofSeconds(5), () -> "delivered " + pump.stats().recordsDelivered(),
                () -> pump.stats().recordsDelivered() == 30);
        assertThat(pump.stats().markTransactions()).isEqualTo(2);
    }

    @Test
    void closingMarksWhatWasAcknowledgedAndHeldBack() throws Exception {
        pump.close();
        pump = pump(Duration.ofSeconds(30));
        device.produce(30);
        pump.linkUp();
        Await.until(Duration.ofSeconds(5), () -> "sent " + peer.sent.size(), () -> peer.sent.size() == 3);
        peer.answer(null);
        Await.until(Duration.ofSeconds(5), () -> "undelivered " + undelivered(), () -> undelivered() == 20);
        peer.answer(null);
        Thread.sleep(100);
        assertThat(undelivered()).as("held back").isEqualTo(20);
        pump.close();
        assertThat(undelivered()).as("marked by close; the unanswered batch stays").isEqualTo(10);
        assertThat(device.buffer().deliveredThrough()).isEqualTo(20);
    }

    private long undelivered() {
        try {
            return device.undelivered();
        } catch (Exception e) {
            return -1;
        }
    }
}
