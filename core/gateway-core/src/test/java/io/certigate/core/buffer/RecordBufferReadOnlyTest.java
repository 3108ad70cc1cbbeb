package io.certigate.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.StoredRecord;
import io.certigate.core.testing.FileDigests;
import io.certigate.core.testing.TestSpine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files are identified by reading them: a refused file, and a buffer opened read-only, are left
 * byte-identical (SHA-256 of the file and its -wal before and after), and a read-only open never
 * creates anything.
 */
@Tag("component")
class RecordBufferReadOnlyTest {
    @TempDir
    Path dir;

    private Path buffer() {
        return dir.resolve("buffer.db");
    }

    private static void fill(TestSpine spine, int n) throws Exception {
        for (int i = 0; i < n - 1; i++) {
            spine.sequencer.submit(TestSpine.odometer(i));
        }
        spine.sequencer.submit(TestSpine.odometer(n)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void readsALiveBufferThroughItsWalWithoutChangingTheFileOrTheWal() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            fill(spine, 200);
            assertThat(Files.size(Path.of(buffer() + "-wal"))).isPositive();
            Map<String, String> before = FileDigests.sqlite(buffer());
            try (RecordBuffer ro = RecordBuffer.openReadOnly(buffer(), TestSpine.DEVICE)) {
                assertThat(ro.readOnly()).isTrue();
                assertThat(ro.head().seq()).isEqualTo(200); // the commits still in the -wal are seen
                assertThat(ro.range(1, 200)).hasSize(200);
                assertThat(ro.stats().records()).isEqualTo(200);
            }
            assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
        }
    }

    @Test
    void readsACleanlyClosedBufferWithoutCreatingAWalOrShm() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            fill(spine, 50);
        }
        assertThat(Files.exists(Path.of(buffer() + "-wal"))).isFalse();
        Map<String, String> before = FileDigests.sqlite(buffer());
        try (RecordBuffer ro = RecordBuffer.openReadOnly(buffer(), TestSpine.DEVICE)) {
            List<StoredRecord> all = ro.range(1, Long.MAX_VALUE);
            assertThat(all).hasSize(50);
            assertThat(Files.exists(Path.of(buffer() + "-wal"))).isFalse();
            assertThat(Files.exists(Path.of(buffer() + "-shm"))).isFalse();
        }
        assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("buffer.db", "device.p12", "device.pass");
        }
    }

    @Test
    void everyWriteIsRefusedOnAReadOnlyBuffer() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            fill(spine, 10);
        }
        Map<String, String> before = FileDigests.sqlite(buffer());
        try (RecordBuffer ro = RecordBuffer.openReadOnly(buffer(), TestSpine.DEVICE)) {
            assertThatThrownBy(() -> ro.markDelivered(1, 5, 1000)).hasMessageContaining("read-only");
            assertThatThrownBy(() -> ro.putMetadata("k", new byte[] {1})).hasMessageContaining("read-only");
            assertThatThrownBy(() -> ro.erase(List.of(3L))).hasMessageContaining("read-only");
            TableAccess table = ro.register(BufferTable.named("anchor_batch").migration("CREATE TABLE anchor_batch (k TEXT)"));
            assertThat(table.present()).as("a read-only open creates no table").isFalse();
            assertThatThrownBy(() -> table.write("cut batch", tx -> tx.update("INSERT INTO anchor_batch VALUES ('x')")))
                    .hasMessageContaining("cut batch refused: the buffer is open read-only");
        }
        assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
    }

    @Test
    void aMissingBufferIsAnErrorNamingItAndNothingIsCreated() {
        Path missing = dir.resolve("typo/buffr.db");
        assertThatThrownBy(() -> RecordBuffer.openReadOnly(missing, "gw"))
                .isInstanceOf(BufferException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("no buffer at this path")
                .satisfies(e -> assertThat(((BufferException) e).reason()).isEqualTo(BufferException.Reason.MISSING));
        assertThat(Files.exists(dir.resolve("typo"))).isFalse();
    }

    @Test
    void aNonSqliteFileAndAnEmptyFileAreRefusedByteIdentically() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.db"), "these are somebody's notes\n".repeat(10));
        Path empty = Files.createFile(dir.resolve("empty.db"));
        for (Path f : new Path[] {notes, empty}) {
            Map<String, String> before = FileDigests.sqlite(f);
            assertThatThrownBy(() -> RecordBuffer.openReadOnly(f, "gw")).as("%s", f)
                    .isInstanceOf(BufferException.class).hasMessageContaining(f.toString())
                    .satisfies(e -> assertThat(((BufferException) e).reason()).isEqualTo(BufferException.Reason.REFUSED_FILE));
            assertThat(FileDigests.sqlite(f)).isEqualTo(before);
        }
        Map<String, String> before = FileDigests.sqlite(notes);
        assertThatThrownBy(() -> RecordBuffer.open(notes, RecordBuffer.Options.defaults("gw")))
                .hasMessageContaining("not an SQLite database");
        assertThat(FileDigests.sqlite(notes)).isEqualTo(before);
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedByteIdenticallyAndStaysOutOfWal() throws Exception {
        Path f = dir.resolve("invoices.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.execute("PRAGMA application_id=1234");
            s.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)");
            s.execute("INSERT INTO invoices(amount) VALUES (12.5)");
        }
        Map<String, String> before = FileDigests.sqlite(f);
        byte[] header = Files.readAllBytes(f);
        assertThat(header[18]).as("rollback journal mode").isEqualTo((byte) 1);
        assertThatThrownBy(() -> RecordBuffer.open(f, RecordBuffer.Options.defaults("gw")))
                .hasMessageContaining("another application (application_id 1234)").hasMessageContaining(f.toString());
        assertThatThrownBy(() -> RecordBuffer.openReadOnly(f, "gw"))
                .hasMessageContaining("another application (application_id 1234)");
        assertThat(FileDigests.sqlite(f)).isEqualTo(before);
        assertThat(Files.readAllBytes(f)[18]).as("still not WAL").isEqualTo((byte) 1);
        assertThat(Files.exists(Path.of(f + "-shm"))).isFalse();
    }

    @Test
    void anotherApplicationsWalDatabaseWithPendingCommitsIsRefusedByteIdentically() throws Exception {
        Path f = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("CREATE TABLE notes(body TEXT)");
            s.execute("INSERT INTO notes VALUES ('kept in the wal')");
            // the other application is running: its commits are in the -wal, the main file's header is stale
            assertThat(Files.size(Path.of(f + "-wal"))).isPositive();
            Map<String, String> before = FileDigests.sqlite(f);
            assertThatThrownBy(() -> RecordBuffer.open(f, RecordBuffer.Options.defaults("gw")))
                    .hasMessageContaining("refusing to use").hasMessageContaining(f.toString());
            assertThatThrownBy(() -> RecordBuffer.openReadOnly(f, "gw")).hasMessageContaining("refusing to use");
            assertThat(FileDigests.sqlite(f)).isEqualTo(before);
        }
    }

    @Test
    void anotherDevicesBufferIsRefusedByteIdentically() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            fill(spine, 20);
        }
        Map<String, String> before = FileDigests.sqlite(buffer());
        assertThatThrownBy(() -> RecordBuffer.open(buffer(), RecordBuffer.Options.defaults("gw-other")))
                .hasMessageContaining("belongs to device '" + TestSpine.DEVICE + "'");
        assertThatThrownBy(() -> RecordBuffer.openReadOnly(buffer(), "gw-other"))
                .hasMessageContaining("belongs to device '" + TestSpine.DEVICE + "'");
        assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
        assertThat(Files.exists(Path.of(buffer() + "-wal"))).isFalse();
    }
}
