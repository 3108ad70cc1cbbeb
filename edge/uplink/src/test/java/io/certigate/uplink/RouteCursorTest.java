package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.buffer.BufferTable;
import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.buffer.TableAccess;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.CoseAlgorithm;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route's cursor over a buffer with the purge capacity policy (10 records): the cursor holds the
 * purge back while open, and a route opened after a purge reads past the records that are gone.
 */
@Tag("component")
class RouteCursorTest {
    @TempDir
    Path dir;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private RecordBuffer buffer;
    private Sequencer sequencer;
    private TableAccess batches;

    @BeforeEach
    void open() throws Exception {
        var key = io.certigate.testbed.device.TestDevice.create(dir, "dev-p", CoseAlgorithm.EDDSA).key();
        buffer = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("dev-p")
                .withCapacity(10, CapacityPolicy.PURGE_DELIVERED_AND_ANCHORED));
        sequencer = new Sequencer(key, buffer, Clock.systemUTC(), new SecureRandom(), executor, Sequencer.Options.DEFAULT)
                .start();
        batches = buffer.register(BufferTable.named("test_batch").migration("CREATE TABLE test_batch (id)"));
    }

    @AfterEach
    void close() throws Exception {
        sequencer.close();
        executor.shutdownNow();
        buffer.close();
    }

    private void commit(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            sequencer.submit(new Reading(1_700_000_000_000L + i, TimeQuality.NTP, "obd", "vehicle.odometer", "VIN",
                    ReadingValue.of(i), "km")).get(5, TimeUnit.SECONDS);
        }
    }

    /** Delivered upstream and anchored: purgeable as far as the main uplink and the anchoring go. */
    private void deliverAndAnchor(long from, long to, long batch) throws Exception {
        buffer.markDelivered(from, to, 1);
        batches.write("anchor", tx -> tx.assignBatch(batch, from, to) + tx.markAnchored(batch, 2));
    }

    private List<Long> readAll(RouteCursor cursor, int limit) throws Exception {
        List<Long> seqs = new ArrayList<>();
        cursor.forEachUndelivered(0, limit, (seq, cose, tomb) -> seqs.add(seq));
        return seqs;
    }

    @Test
    void anOpenRouteHoldsThePurgeBackUntilItHasDelivered() throws Exception {
        commit(10);
        deliverAndAnchor(1, 10, 1);
        RouteCursor city = RouteCursor.open(buffer, "city");
        assertThatThrownBy(() -> commit(1)).as("the route has delivered nothing: nothing may go")
                .hasRootCauseMessage("buffer is full: 10 of 10 records kept and policy PURGE_DELIVERED_AND_ANCHORED "
                        + "cannot make room [" + buffer.file() + "]");
        city.markDelivered(1, 4, 3);
        commit(4);
        assertThat(buffer.range(1, 100).get(0).seq()).isEqualTo(5);
        city.close(); // the route is gone from the configuration: its hold with it
        commit(6);
        assertThat(buffer.range(1, 100).get(0).seq()).isEqualTo(11);
    }

    @Test
    void aRouteOpenedAfterAPurgeReadsPastTheRecordsThatAreGone() throws Exception {
        commit(10);
        deliverAndAnchor(1, 10, 1);
        commit(8); // purges 1..8
        assertThat(buffer.range(1, 100).get(0).seq()).isEqualTo(9);
        try (RouteCursor late = RouteCursor.open(buffer, "late")) {
            assertThat(readAll(late, 3)).as("a batch's worth, past the hole").containsExactly(9L, 10L, 11L);
            assertThat(readAll(late, 100)).hasSize(10).startsWith(9L).endsWith(18L);
        }
    }
}
