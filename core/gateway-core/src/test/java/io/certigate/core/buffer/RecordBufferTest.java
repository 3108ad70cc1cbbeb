package io.certigate.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.StoredRecord;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.testing.TestSpine;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("component")
class RecordBufferTest {
    @TempDir
    Path dir;

    @Test
    void refusesAFileThatIsNotSqliteAndLeavesItAlone() throws Exception {
        Path f = Files.writeString(dir.resolve("buffer.db"), "these are somebody's notes\n".repeat(100));
        byte[] before = Files.readAllBytes(f);
        assertThatThrownBy(() -> RecordBuffer.open(f, RecordBuffer.Options.defaults("gw")))
                .isInstanceOf(BufferException.class).hasMessageContaining(f.toString())
                .hasMessageContaining("not an SQLite database")
                .satisfies(e -> assertThat(((BufferException) e).reason()).isEqualTo(BufferException.Reason.REFUSED_FILE));
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
    }

    @Test
    void refusesAnotherApplicationsDatabase() throws Exception {
        Path f = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)");
            s.execute("INSERT INTO invoices(amount) VALUES (12.5)");
        }
        long size = Files.size(f);
        assertThatThrownBy(() -> RecordBuffer.open(f, RecordBuffer.Options.defaults("gw")))
                .isInstanceOf(BufferException.class).hasMessageContaining("another application").hasMessageContaining(f.toString());
        assertThat(Files.size(f)).isEqualTo(size);
    }

    @Test
    void refusesAnotherDevicesBufferAndADamagedFile() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 3000; i++) {
                spine.sequencer.submit(TestSpine.odometer(i));
            }
            spine.sequencer.submit(TestSpine.odometer(3000)).get(30, TimeUnit.SECONDS);
        }
        Path f = dir.resolve("buffer.db");
        assertThatThrownBy(() -> RecordBuffer.open(f, RecordBuffer.Options.defaults("gw-other")))
                .hasMessageContaining("belongs to device '" + TestSpine.DEVICE + "'");
        // damage pages in the middle of the file
        byte[] b = Files.readAllBytes(f);
        for (int i = b.length / 3; i < b.length / 3 + 8192; i++) {
            b[i] = (byte) 0x5a;
        }
        Files.write(f, b);
        assertThatThrownBy(() -> RecordBuffer.open(f, RecordBuffer.Options.defaults(TestSpine.DEVICE)))
                .isInstanceOf(BufferException.class).hasMessageContaining(f.toString())
                .satisfies(e -> assertThat(((BufferException) e).reason()).isEqualTo(BufferException.Reason.REFUSED_FILE));
        assertThat(Files.readAllBytes(f)).isEqualTo(b);
    }

    @Test
    void fullDatabaseGivesAClearErrorLosesNothingAndResumesWhenSpaceReturns() throws Exception {
        RecordBuffer.Options small = RecordBuffer.Options.defaults(TestSpine.DEVICE).withMaxPageCount(40);
        List<Long> acked = new ArrayList<>();
        BufferException refused = null;
        try (TestSpine spine = TestSpine.start(dir, small, new Sequencer.Options(64, 8))) {
            for (int i = 0; i < 5000 && refused == null; i++) {
                CompletableFuture<ReadingSink.Committed> f = spine.sequencer.submit(TestSpine.odometer(i));
                try {
                    acked.add(f.get(10, TimeUnit.SECONDS).seq());
                } catch (ExecutionException e) {
                    refused = (BufferException) e.getCause();
                }
            }
            assertThat(refused).isNotNull();
            assertThat(refused.reason()).isEqualTo(BufferException.Reason.DISK_FULL);
            assertThat(refused.getMessage()).contains("no space left").contains("buffer.db");
            assertThat(spine.buffer.integrityCheck()).isEqualTo("ok");
            assertThat(spine.buffer.head().seq()).isEqualTo(acked.size());
        }
        // space returns: a larger page limit; ingest resumes and the chain continues without a gap
        try (TestSpine spine = TestSpine.start(dir, small.withMaxPageCount(0), Sequencer.Options.DEFAULT)) {
            long next = spine.sequencer.submit(TestSpine.odometer(99)).get(10, TimeUnit.SECONDS).seq();
            assertThat(next).isEqualTo(acked.size() + 1);
            List<StoredRecord> all = spine.buffer.range(1, Long.MAX_VALUE);
            assertThat(all.stream().map(StoredRecord::seq).toList()).containsAll(acked);
            VerificationReport r = new ChainVerifier(TestSpine.DEVICE, List.of(spine.key.publicKey()),
                    SignatureVerifier.BOUNCY_CASTLE).verify(all);
            assertThat(r.ok()).as("%s", r.findings()).isTrue();
        }
    }

    @Test
    void deliveryIsAWatermarkThatSurvivesRestartsAndAbsorbsOutOfOrderAcks() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 50; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
            RecordBuffer b = spine.buffer;
            assertThat(b.markDelivered(1, 10, 1000)).isEqualTo(10);
            assertThat(b.deliveredThrough()).isEqualTo(10);
            assertThat(b.markDelivered(21, 30, 1001)).isEqualTo(10); // ahead of the gap 11..20
            assertThat(b.deliveredThrough()).isEqualTo(10);
            assertThat(b.undelivered(0, 100)).extracting(StoredRecord::seq)
                    .containsExactlyElementsOf(concat(range(11, 20), range(31, 50)));
            assertThat(b.stats().undelivered()).isEqualTo(30);
            assertThat(b.markDelivered(5, 15, 1002)).isEqualTo(5); // overlaps the prefix
            assertThat(b.deliveredThrough()).isEqualTo(15);
            assertThat(b.markDelivered(16, 20, 1003)).isEqualTo(5); // closes the gap: 21..30 join
            assertThat(b.deliveredThrough()).isEqualTo(30);
            assertThat(b.markDelivered(1, 30, 1004)).isZero();
            assertThat(b.undelivered(0, 100)).extracting(StoredRecord::seq).containsExactlyElementsOf(range(31, 50));
            assertThat(b.markDelivered(45, 46, 1005)).isEqualTo(2);
        }
        try (TestSpine spine = TestSpine.start(dir)) {
            assertThat(spine.buffer.deliveredThrough()).isEqualTo(30);
            assertThat(spine.buffer.undelivered(0, 100)).extracting(StoredRecord::seq)
                    .containsExactlyElementsOf(concat(range(31, 44), range(47, 50)));
            assertThat(spine.buffer.markDelivered(31, 44, 2000)).isEqualTo(14);
            assertThat(spine.buffer.deliveredThrough()).isEqualTo(46);
            assertThat(spine.buffer.stats().undelivered()).isEqualTo(4);
        }
    }

    @Test
    void statsSplitTheDatabaseFileFromItsWriteAheadLog() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 20; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
            Path file = spine.buffer.file();
            Path wal = Path.of(file + "-wal");
            RecordBuffer.Stats s = spine.buffer.stats();
            assertThat(s.walBytes()).isPositive().isEqualTo(Files.size(wal));
            assertThat(s.dbBytes()).isPositive().isEqualTo(Files.size(file));
            assertThat(s.fileBytes()).isEqualTo(s.dbBytes() + s.walBytes());
        }
    }

    @Test
    void deliveryMarksCommitWithoutFsyncAndEveryOtherWriteStaysFull() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            RecordBuffer b = spine.buffer;
            spine.sequencer.submit(TestSpine.odometer(0)).get(5, TimeUnit.SECONDS);
            assertThat(b.writerSynchronous()).as("an append commits with FULL").isEqualTo(2);
            assertThat(b.markDelivered(1, 1, 1000)).isEqualTo(1);
            assertThat(b.writerSynchronous()).as("a delivery mark commits with NORMAL").isEqualTo(1);
            spine.sequencer.submit(TestSpine.odometer(1)).get(5, TimeUnit.SECONDS);
            assertThat(b.writerSynchronous()).as("the append after a mark is back to FULL").isEqualTo(2);
            b.markDelivered(2, 2, 1001);
            TableAccess module = b.register(BufferTable.named("module_table").migration("CREATE TABLE module_table (k TEXT)"));
            long inTransaction = module.write("read level", tx -> tx.scalar(BufferSql.SYNCHRONOUS_QUERY, -1));
            assertThat(inTransaction)
                    .as("a module's transaction (batching, anchoring) runs with FULL").isEqualTo(2);
            b.markDelivered(3, 3, 1002); // nothing to mark: no transaction, the level stays
            assertThat(b.writerSynchronous()).isEqualTo(2);
            spine.sequencer.submit(TestSpine.odometer(2)).get(5, TimeUnit.SECONDS);
            b.markDelivered(3, 3, 1003);
            b.erase(List.of(1L));
            assertThat(b.writerSynchronous()).as("an erasure commits with FULL").isEqualTo(2);
            assertThat(b.deliveredThrough()).isEqualTo(3);
        }
        try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults(TestSpine.DEVICE))) {
            assertThat(b.deliveredThrough()).isEqualTo(3);
            assertThat(b.integrityCheck()).isEqualTo("ok");
        }
    }

    @Test
    void forEachUndeliveredHandsTheStoredBytesInSeqOrderAndTombstonesOfErasedRecords() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 40; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
            RecordBuffer b = spine.buffer;
            b.markDelivered(1, 5, 1000);
            b.markDelivered(9, 10, 1001); // ahead of the gap 6..8: skipped by every read below
            List<StoredRecord> expected = b.range(1, 40);
            List<Long> seqs = new ArrayList<>();
            List<byte[]> bytes = new ArrayList<>();
            assertThat(b.forEachUndelivered(0, 6, (seq, cose, tomb) -> {
                seqs.add(seq);
                bytes.add(cose);
                assertThat(tomb).isNull();
            })).isEqualTo(6);
            assertThat(seqs).containsExactly(6L, 7L, 8L, 11L, 12L, 13L);
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(bytes.get(i)).isEqualTo(((StoredRecord.Signed) expected.get((int) (seqs.get(i) - 1))).cose());
            }
            bytes.get(0)[0] ^= 1; // the arrays are the sink's own
            assertThat(b.range(6, 6).get(0)).isEqualTo(expected.get(5));

            b.erase(List.of(12L));
            List<byte[]> tombs = new ArrayList<>();
            assertThat(b.forEachUndelivered(11, 1, (seq, cose, tomb) -> {
                assertThat(seq).isEqualTo(12);
                assertThat(cose).isNull();
                tombs.add(tomb);
            })).isEqualTo(1);
            assertThat(java.util.Arrays.copyOfRange(tombs.get(0), 0, 32)).isEqualTo(expected.get(11).chainHash());
            assertThat(java.util.Arrays.copyOfRange(tombs.get(0), 32, 64)).isEqualTo(expected.get(11).leafHash());

            assertThat(b.forEachUndelivered(40, 10, (seq, cose, tomb) -> { })).isZero();
            b.markDelivered(6, 40, 1002);
            assertThat(b.forEachUndelivered(0, 10, (seq, cose, tomb) -> { })).as("nothing left after the watermark").isZero();
        }
    }

    private static List<Long> range(long a, long b) {
        List<Long> l = new ArrayList<>();
        for (long i = a; i <= b; i++) {
            l.add(i);
        }
        return l;
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    @Test
    void erasureKeepsTheChainVerifiable() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 20; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
            List<StoredRecord> before = spine.buffer.range(1, 20);
            assertThat(spine.buffer.erase(List.of(5L, 6L, 7L, 20L))).isEqualTo(4);
            assertThat(spine.buffer.erase(List.of(5L))).isZero();
            List<StoredRecord> after = spine.buffer.range(1, 20);
            assertThat(after.get(4)).isInstanceOf(StoredRecord.Erased.class);
            assertThat(after.get(4).chainHash()).isEqualTo(before.get(4).chainHash());
            assertThat(after.get(4).leafHash()).isEqualTo(before.get(4).leafHash());
            VerificationReport r = new ChainVerifier(TestSpine.DEVICE, List.of(spine.key.publicKey()),
                    SignatureVerifier.BOUNCY_CASTLE).verify(after);
            assertThat(r.ok()).as("%s", r.findings()).isTrue();
            assertThat(r.erased()).isEqualTo(4);
            assertThat(r.verified()).isEqualTo(16);
        }
    }
}
