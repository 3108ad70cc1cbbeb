package io.certigate.anchor.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.testbed.time.ManualClock;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.core.io.SqliteFiles;
import io.certigate.core.model.StoredRecord;
import io.certigate.verifier.merkle.InclusionVerifier;
import io.certigate.verifier.merkle.MerkleTree;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching over a real SQLite buffer filled by the real sequencer. */
@Tag("component")
class AnchorBatcherTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(java.time.Instant.ofEpochMilli(1_700_000_000_000L));

    private static List<byte[]> leafHashes(List<StoredRecord> records) {
        List<byte[]> out = new ArrayList<>();
        for (StoredRecord r : records) {
            out.add(r.leafHash());
        }
        return out;
    }

    private long batchIdOf(TestDevice d, long seq) throws Exception {
        // the record's own column, read through a read-only connection of the test's own
        try (Connection c = SqliteFiles.openReadOnly(d.buffer.file());
                PreparedStatement ps = c.prepareStatement("SELECT batch_id FROM record WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? -1L : v;
            }
        }
    }

    @Test
    void theBatchesOfABufferOfTheEarlierSchemaAreKeptAndCuttingContinues() throws Exception {
        try (TestDevice d = new TestDevice(dir, "dev-upgrade", clock)) {
            BatchStore store = new BatchStore(d.buffer);
            AnchorBatcher batcher = new AnchorBatcher(store, new AnchorBatcher.Options(100, Duration.ofMinutes(10)), clock);
            d.produce(150);
            assertThat(batcher.cutRipe()).hasSize(1);
            d.crash();
            // what the earlier release left: schema 1, its anchor_batch table without a recorded version
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + d.bufferFile);
                    java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE buffer_table");
                st.execute("PRAGMA user_version=1");
            }
            d.open();
            BatchStore reopened = new BatchStore(d.buffer);
            assertThat(reopened.all()).extracting(Batch::firstSeq, Batch::lastSeq)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 100L));
            d.produce(50);
            assertThat(new AnchorBatcher(reopened, new AnchorBatcher.Options(100, Duration.ofMinutes(10)), clock).cutRipe())
                    .extracting(Batch::firstSeq, Batch::lastSeq).containsExactly(org.assertj.core.groups.Tuple.tuple(101L, 200L));
            assertThat(batchIdOf(d, 150)).isEqualTo(reopened.containing(150).orElseThrow().id());
        }
        try (Connection c = SqliteFiles.openReadOnly(dir.resolve("dev-upgrade.db"));
                java.sql.Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM buffer_table WHERE name = 'anchor_batch'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(BatchStore.TABLE.version()).isEqualTo(1);
        }
    }

    @Test
    void cutsFullBatchesAndKeepsTheRestUntilItIsOld() throws Exception {
        try (TestDevice d = new TestDevice(dir, "dev-batch", clock)) {
            BatchStore store = new BatchStore(d.buffer);
            AnchorBatcher batcher = new AnchorBatcher(store, new AnchorBatcher.Options(100, Duration.ofMinutes(10)), clock);
            d.produce(250);
            List<Batch> cut = batcher.cutRipe();
            assertThat(cut).extracting(Batch::firstSeq, Batch::lastSeq).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(1L, 100L), org.assertj.core.groups.Tuple.tuple(101L, 200L));
            assertThat(batcher.pending()).isEqualTo(50);
            assertThat(batcher.cutRipe()).isEmpty();

            clock.advance(Duration.ofMinutes(10));
            List<Batch> aged = batcher.cutRipe();
            assertThat(aged).singleElement().satisfies(b -> {
                assertThat(b.firstSeq()).isEqualTo(201);
                assertThat(b.size()).isEqualTo(50);
                assertThat(b.state()).isEqualTo(Batch.State.PENDING);
            });

            for (Batch b : store.all()) {
                List<StoredRecord> records = d.buffer.range(b.firstSeq(), b.lastSeq());
                MerkleTree tree = MerkleTree.build(leafHashes(records));
                assertThat(b.root()).isEqualTo(tree.root());
                assertThat(batchIdOf(d, b.firstSeq())).isEqualTo(b.id());
                assertThat(batchIdOf(d, b.lastSeq())).isEqualTo(b.id());
                int i = 7 % records.size();
                assertThat(InclusionVerifier.verify(records.get(i).leafHash(), tree.inclusionProof(i), b.root())).isTrue();
            }
        }
    }

    @Test
    void aRestartedBatcherContinuesAfterTheLastBatch() throws Exception {
        try (TestDevice d = new TestDevice(dir, "dev-restart", clock)) {
            d.produce(30);
            new AnchorBatcher(new BatchStore(d.buffer), new AnchorBatcher.Options(20, Duration.ofHours(1)), clock).cutRipe();
            d.crash();
            d.open();
            d.produce(15);
            BatchStore store = new BatchStore(d.buffer);
            AnchorBatcher again = new AnchorBatcher(store, new AnchorBatcher.Options(20, Duration.ofHours(1)), clock);
            assertThat(again.cutRipe()).extracting(Batch::firstSeq, Batch::lastSeq)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(21L, 40L));
            assertThat(again.cutAll()).extracting(Batch::firstSeq, Batch::lastSeq)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(41L, 45L));
            assertThat(store.all()).hasSize(3);
            assertThat(d.buffer.unbatched(0, 10)).isEmpty();
        }
    }

    @Test
    void aCutThatCannotAssignItsRecordsLeavesNothingBehind() throws Exception {
        try (TestDevice d = new TestDevice(dir, "dev-atomic", clock)) {
            d.produce(10);
            BatchStore store = new BatchStore(d.buffer);
            // a batch claiming records that do not exist: the row and the assignment roll back together
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.cut(5, 14, new byte[32], clock.millis()))
                    .hasMessageContaining("should assign 10 records but found 6");
            assertThat(store.all()).isEmpty();
            assertThat(batchIdOf(d, 5)).isEqualTo(-1);
            AnchorBatcher batcher = new AnchorBatcher(store, new AnchorBatcher.Options(10, Duration.ofHours(1)), clock);
            assertThat(batcher.cutRipe()).singleElement().extracting(Batch::size).isEqualTo(10L);
        }
    }
}
