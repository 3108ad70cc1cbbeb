package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pump on the real threads it runs on in a gateway (a two-thread scheduler, the sequencer's
 * commit thread, the peer answering from the test's thread, a producer thread): records committed
 * while forwarding and across link drops all leave, in order, without gaps. Checks only what
 * happens, never that something does not: those are in {@link ForwardingPumpTest}, on virtual time.
 */
@Tag("component")
@Tag("realtime")
class ForwardingPumpRealThreadsTest {
    @TempDir
    Path dir;

    private ScheduledExecutorService scheduler;
    private TestDevice device;
    private ScriptedPeer peer;
    private ForwardingPump pump;

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        device = TestDevice.create(dir, "dev-p");
        peer = new ScriptedPeer();
        pump = new ForwardingPump(device.buffer(), peer,
                new ForwardingPump.Options(10, 3, new Backoff(Duration.ofMillis(50), Duration.ofMillis(100))),
                Clock.systemUTC(), scheduler, new SplittableRandom(3));
        device.sequencer().addCommitListener(pump::onCommit);
    }

    @AfterEach
    void tearDown() throws Exception {
        pump.close();
        device.close();
        scheduler.shutdownNow();
    }

    @Test
    void recordsCommittedWhileForwardingAndAcrossLinkDropsAllLeaveWithoutGapsAndInSeqOrder() throws Exception {
        List<Long> watermarks = Collections.synchronizedList(new ArrayList<>());
        pump.onDelivered(watermarks::add);
        device.produce(25);
        device.buffer().erase(List.of(7L)); // a tombstone in the backlog takes the record-by-record path
        pump.linkUp();
        ExecutorService producer = Executors.newSingleThreadExecutor();
        Future<?> production = producer.submit(() -> {
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
                peer.dropPending(); // the connection took them, unanswered
                pump.linkUp();
                drops++;
            } else if (peer.hasPending()) {
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
        // the mark interval's timer on a real scheduler: the counters follow the last transaction
        Await.until(Duration.ofSeconds(5), () -> "delivered " + pump.stats().recordsDelivered(),
                () -> pump.stats().recordsDelivered() >= total);
    }

    private long undelivered() {
        try {
            return device.undelivered();
        } catch (Exception e) {
            return -1;
        }
    }
}
