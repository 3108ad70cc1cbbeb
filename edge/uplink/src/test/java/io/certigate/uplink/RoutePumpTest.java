package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.testbed.time.ManualScheduler;
import io.certigate.uplink.testing.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forwarding route's pump on virtual time against a scripted peer, over a real buffer and
 * sequencer: the covered records leave as their signed bytes, the others as hash-only items whose
 * payload (kind, subject, value) is nowhere in what left; the route's cursor moves on its own,
 * survives a restart, and leaves the main uplink's watermark alone.
 */
@Tag("component")
class RoutePumpTest {
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofMillis(200));
    private static final RecordFilter ODOMETER = RecordFilter.of(List.of("vehicle.odometer"));

    @TempDir
    Path dir;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final ScriptedPeer peer = new ScriptedPeer();
    private TestDevice device;
    private RouteCursor cursor;
    private ForwardingPump pump;

    @BeforeEach
    void setUp() throws Exception {
        device = TestDevice.create(dir, "dev-r");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (pump != null) {
            pump.close();
        }
        if (cursor != null) {
            cursor.close();
        }
        device.close();
        assertThat(scheduler.failures()).as("pump tasks that threw").isEmpty();
    }

    private ForwardingPump routePump() throws Exception {
        cursor = RouteCursor.open(device.buffer(), "insurer");
        ForwardingPump p = new ForwardingPump(device.buffer(), cursor, ODOMETER, peer,
                new ForwardingPump.Options(10, 3, RETRY), scheduler.clock(), scheduler, new SplittableRandom(5));
        device.sequencer().addCommitListener(p::onCommit);
        return p;
    }

    /** Odd readings: the odometer of a car (covered); even ones: the driver's speed with a subject of its own (not). */
    private void produceMixed(int n) throws Exception {
        List<CompletableFuture<?>> done = new ArrayList<>();
        long base = device.buffer().head().seq();
        for (int i = 1; i <= n; i++) {
            long seq = base + i;
            Reading r = seq % 2 == 1
                    ? new Reading(1_700_000_000_000L + seq, TimeQuality.NTP, "obd", "vehicle.odometer", "VF1TESTVIN0000001",
                            ReadingValue.of(10_000 + seq), "km")
                    : new Reading(1_700_000_000_000L + seq, TimeQuality.NTP, "obd", "vehicle.speed", "driver-secret-" + seq,
                            ReadingValue.of(777_000 + seq), "km/h");
            done.add(device.sequencer().submit(r));
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get();
    }

    @Test
    void coveredRecordsLeaveWholeAndTheOthersAsHashOnlyItems() throws Exception {
        produceMixed(8);
        pump = routePump();
        pump.linkUp();
        scheduler.runDue();
        assertThat(peer.sent).hasSize(1);
        RecordBatch batch = peer.sent.get(0);
        assertThat(batch.firstSeq()).isEqualTo(1);
        assertThat(batch.lastSeq()).isEqualTo(8);
        List<byte[]> items = BatchDecoder.items(batch.payload());
        List<StoredRecord> stored = device.buffer().range(1, 8);
        for (int i = 0; i < 8; i++) {
            StoredRecord.Signed s = (StoredRecord.Signed) stored.get(i);
            if (s.seq() % 2 == 1) {
                assertThat(items.get(i)).as("seq %d leaves as its signed bytes", s.seq()).isEqualTo(s.cose());
            } else {
                CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(items.get(i));
                assertThat(m.entries()).hasSize(5);
                assertThat(m.get("dev")).isEqualTo(new CborItem.Text("dev-r"));
                assertThat(((CborItem.Int) m.get("seq")).longValueExact()).isEqualTo(s.seq());
                assertThat(((CborItem.Bytes) m.get("leaf")).value()).isEqualTo(RecordHashes.leafHash(s.cose()));
                assertThat(((CborItem.Bytes) m.get("chain")).value()).isEqualTo(RecordHashes.chainHash(s.cose()));
                assertThat(m.get("omitted")).isEqualTo(CborItem.Simple.TRUE);
            }
        }
        String wire = new String(batch.payload(), StandardCharsets.ISO_8859_1);
        assertThat(wire).contains("vehicle.odometer", "VF1TESTVIN0000001")
                .doesNotContain("vehicle.speed", "driver-secret", "km/h");

        peer.answer(null);
        scheduler.runDue();
        assertThat(cursor.deliveredThrough()).isEqualTo(8);
        assertThat(device.buffer().deliveredThrough()).as("the main uplink's watermark is its own").isZero();
        assertThat(RouteCursor.stored(device.buffer())).containsEntry("insurer", 8L);

        produceMixed(2); // fresh records through the hand-off are filtered the same way
        scheduler.runDue();
        assertThat(peer.sent).hasSize(2);
        List<byte[]> fresh = BatchDecoder.items(peer.sent.get(1).payload());
        assertThat(fresh.get(0)).isEqualTo(((StoredRecord.Signed) device.buffer().range(9, 9).get(0)).cose());
        assertThat(new String(peer.sent.get(1).payload(), StandardCharsets.ISO_8859_1)).doesNotContain("driver-secret");
        assertThat(((CborItem.MapItem) CborReader.decode(fresh.get(1))).get("omitted")).isEqualTo(CborItem.Simple.TRUE);
    }

    @Test
    void anErasedRecordLeavesAsItsTombstone() throws Exception {
        produceMixed(3);
        device.buffer().erase(List.of(1L));
        pump = routePump();
        pump.linkUp();
        scheduler.runDue();
        List<byte[]> items = BatchDecoder.items(peer.sent.get(0).payload());
        CborItem.MapItem tomb = (CborItem.MapItem) CborReader.decode(items.get(0));
        assertThat(tomb.entries()).as("a tombstone: no omitted key").hasSize(4);
        assertThat(tomb.get("omitted")).isNull();
        assertThat(((CborItem.MapItem) CborReader.decode(items.get(1))).get("omitted")).isEqualTo(CborItem.Simple.TRUE);
    }

    @Test
    void aRestartResumesFromTheRoutesCursorAndOnlyAfterIt() throws Exception {
        produceMixed(25);
        pump = routePump();
        pump.linkUp();
        scheduler.runDue();
        assertThat(peer.sent).hasSize(3);
        peer.answer(null); // 1..10
        scheduler.runDue();
        pump.close(); // the gateway stops with 11..30 unanswered
        cursor.close();
        peer.dropPending();
        device.restart();
        assertThat(RouteCursor.stored(device.buffer())).containsEntry("insurer", 10L);

        pump = routePump();
        assertThat(cursor.deliveredThrough()).isEqualTo(10);
        pump.linkUp();
        scheduler.runDue();
        assertThat(peer.sent.get(3).firstSeq()).as("resumed after the cursor").isEqualTo(11);
        while (peer.hasPending()) {
            peer.answer(null);
            scheduler.runDue();
        }
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(cursor.deliveredThrough()).isEqualTo(25);
        assertThat(pump.stats().recordsDelivered()).isEqualTo(15);
    }

    @Test
    void batchesAcknowledgedAheadOfAGapWaitForIt() throws Exception {
        produceMixed(4);
        cursor = RouteCursor.open(device.buffer(), "insurer");
        assertThat(cursor.markDelivered(3, 4, 1)).isZero();
        assertThat(cursor.deliveredThrough()).as("ahead of the gap at 1..2").isZero();
        assertThat(cursor.markDelivered(1, 2, 2)).isEqualTo(4);
        assertThat(cursor.deliveredThrough()).isEqualTo(4);
        assertThat(cursor.markDelivered(1, 9, 3)).as("nothing above the head").isZero();
    }
}
