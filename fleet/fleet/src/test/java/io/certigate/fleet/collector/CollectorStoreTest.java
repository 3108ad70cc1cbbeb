package io.certigate.fleet.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.testing.FileDigests;
import io.certigate.core.testing.TestSpine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's {@code --db} is identified before it is opened for writing: another
 * application's database, a device buffer and a text file are refused byte-identically (SHA-256
 * of the file and its -wal), while a new file, an empty one and a collector database made before
 * the application_id mark are taken.
 */
@Tag("component")
class CollectorStoreTest {
    @TempDir
    Path dir;

    private static void sql(Path f, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private static long applicationId(Path f) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA application_id")) {
            return rs.getLong(1);
        }
    }

    @Test
    void anotherApplicationsDatabaseADeviceBufferAndATextFileAreRefusedByteIdentically() throws Exception {
        Path invoices = dir.resolve("invoices.db");
        sql(invoices, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)", "INSERT INTO invoices(amount) VALUES (1)");
        Path marked = dir.resolve("marked.db");
        sql(marked, "PRAGMA application_id=77", "CREATE TABLE record(x)");
        Path text = Files.writeString(dir.resolve("notes.db"), "somebody's notes\n".repeat(20));
        try (TestSpine spine = TestSpine.start(dir.resolve("gw"))) {
            spine.sequencer.submit(TestSpine.odometer(1)).get();
        }
        Path buffer = dir.resolve("gw/buffer.db");
        for (Path f : new Path[] {invoices, marked, text, buffer}) {
            Map<String, String> before = FileDigests.sqlite(f);
            assertThatThrownBy(() -> CollectorStore.open(f)).as("%s", f).hasMessageContaining("refusing to use " + f);
            assertThat(FileDigests.sqlite(f)).as("%s", f).isEqualTo(before);
            assertThat(Path.of(f + "-shm")).as("%s", f).doesNotExist();
        }
        assertThatThrownBy(() -> CollectorStore.open(invoices)).hasMessageContaining("tables [invoices]");
        assertThatThrownBy(() -> CollectorStore.open(marked)).hasMessageContaining("application_id 77");
        assertThat(Files.readAllBytes(invoices)[18]).as("not switched to WAL").isEqualTo((byte) 1);
    }

    @Test
    void aNewAnEmptyAndAnUnmarkedCollectorDatabaseAreTakenAndMarked() throws Exception {
        Path fresh = dir.resolve("new/collector.db");
        Path empty = Files.createFile(dir.resolve("empty.db"));
        Path unmarked = dir.resolve("old.db");
        sql(unmarked, CollectorSql.SCHEMA);
        for (Path f : new Path[] {fresh, empty, unmarked}) {
            try (CollectorStore s = CollectorStore.open(f)) {
                assertThat(s).isNotNull();
            }
            assertThat(applicationId(f)).as("%s", f).isEqualTo(CollectorSql.APPLICATION_ID);
            try (CollectorStore again = CollectorStore.open(f)) {
                assertThat(again).isNotNull();
            }
        }
    }

    /**
     * Issue #20, personal data files world-readable: a new collector database (meter data, VINs of
     * every device) and its -wal/-shm are owner-only whatever the umask (under 022 it came out
     * {@code rw-r--r--}), the folders it creates 0700; an existing folder keeps its mode.
     */
    @Test
    void aNewCollectorDatabaseItsSideFilesAndItsNewFoldersAreOwnerOnly() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path fresh = dir.resolve("fleet/collector.db");
        try (CollectorStore s = CollectorStore.open(fresh)) {
            assertThat(Path.of(fresh + "-wal")).exists();
            assertThat(Path.of(fresh + "-shm")).exists();
            for (Path f : new Path[] {fresh, Path.of(fresh + "-wal"), Path.of(fresh + "-shm")}) {
                assertThat(mode(f)).as("%s", f).isEqualTo("rw-------");
            }
        }
        assertThat(mode(dir.resolve("fleet"))).isEqualTo("rwx------");
        assertThat(mode(dir)).as("a folder that existed keeps its mode").isEqualTo("rwxr-xr-x");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
