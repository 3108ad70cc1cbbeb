package io.certigate.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.io.SqliteFiles;
import io.certigate.core.testing.FileDigests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables that other modules keep in the buffer's file: registration, migrations on a read-write
 * open, a read-only open that never migrates, and a table of a newer version refused with the file
 * left byte-identical (by SHA-256 of the file and its -wal and -journal).
 */
@Tag("component")
class BufferTablesTest {
    private static final String DEVICE = "gw-tables";
    private static final BufferTable NOTES_V1 = BufferTable.named("notes")
            .migration("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
    private static final BufferTable NOTES_V2 = NOTES_V1.migration("ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown'");

    @TempDir
    Path dir;

    private Path buffer() {
        return dir.resolve("buffer.db");
    }

    private RecordBuffer open() throws BufferException {
        return RecordBuffer.open(buffer(), RecordBuffer.Options.defaults(DEVICE));
    }

    @Test
    void aRegisteredTableIsCreatedAtItsVersionAndRecordedInTheFile() throws Exception {
        try (RecordBuffer b = open()) {
            TableAccess notes = b.register(NOTES_V2);
            assertThat(notes.version()).isEqualTo(2);
            assertThat(notes.present()).isTrue();
            notes.write("add note", tx -> tx.update("INSERT INTO notes(text, author) VALUES (?, ?)", "first", "ana"));
            assertThat(rows(notes, "SELECT text, author FROM notes"))
                    .containsExactly("first/ana");
            assertThat(b.register(NOTES_V2)).as("the same definition again: the same access").isSameAs(notes);
            assertThatThrownBy(() -> b.register(NOTES_V1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("notes is already registered with another definition");
        }
        assertThat(versions(buffer())).containsEntry("notes", 2L);
        assertThat(userVersion(buffer())).isEqualTo(BufferSql.SCHEMA_VERSION);
    }

    @Test
    void reopeningWithALaterDefinitionRunsOnlyTheMissingMigrationsAndKeepsTheRows() throws Exception {
        try (RecordBuffer b = open()) {
            TableAccess notes = b.register(NOTES_V1);
            notes.write("add notes", tx -> tx.update("INSERT INTO notes(text) VALUES (?)", "kept")
                    + tx.update("INSERT INTO notes(text) VALUES (?)", "also kept"));
        }
        try (RecordBuffer b = open()) {
            TableAccess notes = b.register(NOTES_V2);
            assertThat(notes.version()).isEqualTo(2);
            assertThat(rows(notes, "SELECT text, author FROM notes ORDER BY id")).containsExactly("kept/unknown", "also kept/unknown");
        }
        assertThat(versions(buffer())).containsEntry("notes", 2L);
    }

    @Test
    void aFailingMigrationLeavesTheTableAtItsVersionWithItsRows() throws Exception {
        try (RecordBuffer b = open()) {
            b.register(NOTES_V1).write("add note", tx -> tx.update("INSERT INTO notes(text) VALUES ('kept')"));
        }
        BufferTable broken = NOTES_V1.migration("ALTER TABLE notes ADD COLUMN author TEXT", "ALTER TABLE nowhere ADD COLUMN x");
        try (RecordBuffer b = open()) {
            assertThatThrownBy(() -> b.register(broken)).isInstanceOf(BufferException.class)
                    .hasMessageContaining("migrate table notes to version 2").hasMessageContaining("nowhere");
        }
        assertThat(versions(buffer())).containsEntry("notes", 1L);
        try (RecordBuffer b = open()) {
            TableAccess notes = b.register(NOTES_V1);
            assertThat(rows(notes, "SELECT text FROM notes")).containsExactly("kept");
            assertThat(count(notes, "SELECT count(*) FROM pragma_table_info('notes')"))
                    .as("the first statement of the failed migration was rolled back too").isEqualTo(2);
        }
    }

    @Test
    void aTableOfANewerVersionIsRefusedAndTheFileLeftByteIdentical() throws Exception {
        try (RecordBuffer b = open()) {
            b.register(NOTES_V2).write("add note", tx -> tx.update("INSERT INTO notes(text) VALUES ('from a newer release')"));
        }
        Map<String, String> before = FileDigests.sqlite(buffer());

        try (RecordBuffer b = open()) {
            assertThatThrownBy(() -> b.register(NOTES_V1)).isInstanceOf(BufferException.class)
                    .hasMessageContaining("table notes is at schema version 2, newer than version 1 that this release knows")
                    .hasMessageContaining(buffer().toString())
                    .satisfies(e -> assertThat(((BufferException) e).reason()).isEqualTo(BufferException.Reason.REFUSED_FILE));
        }
        assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);

        try (RecordBuffer ro = RecordBuffer.openReadOnly(buffer(), DEVICE)) {
            assertThatThrownBy(() -> ro.register(NOTES_V1)).isInstanceOf(BufferException.class)
                    .hasMessageContaining("table notes is at schema version 2, newer than version 1");
        }
        assertThat(FileDigests.sqlite(buffer())).isEqualTo(before);
        assertThat(Path.of(buffer() + "-shm")).doesNotExist();
    }

    @Test
    void aBufferOfSchemaOneIsMigratedByAReadWriteOpenAndItsTablesAreVersionOne() throws Exception {
        Path copy = fixtureCopyWithLegacyTable();
        try (RecordBuffer b = RecordBuffer.open(copy, RecordBuffer.Options.defaults(UpgradeFixture.DEVICE))) {
            assertThat(b.head().seq()).isEqualTo(20);
            TableAccess notes = b.register(NOTES_V2);
            assertThat(rows(notes, "SELECT text, author FROM notes"))
                    .as("the table the earlier release created was version 1: only migration 2 ran")
                    .containsExactly("written by schema 1/unknown");
        }
        assertThat(userVersion(copy)).isEqualTo(BufferSql.SCHEMA_VERSION);
        assertThat(versions(copy)).containsEntry("notes", 2L);
    }

    @Test
    void aReadOnlyOpenOfASchemaOneBufferMigratesNothing() throws Exception {
        Path copy = fixtureCopyWithLegacyTable();
        Map<String, String> before = FileDigests.sqlite(copy);
        try (RecordBuffer ro = RecordBuffer.openReadOnly(copy, UpgradeFixture.DEVICE)) {
            TableAccess notes = ro.register(NOTES_V2);
            assertThat(notes.version()).as("read at the version the file holds").isEqualTo(1);
            assertThat(rows(notes, "SELECT text FROM notes"))
                    .containsExactly("written by schema 1");
            TableAccess absent = ro.register(BufferTable.named("never_created").migration("CREATE TABLE never_created (x)"));
            assertThat(absent.present()).isFalse();
            assertThat(absent.version()).isZero();
            assertThat(ro.range(1, 20)).hasSize(20);
        }
        assertThat(FileDigests.sqlite(copy)).isEqualTo(before);
        assertThat(userVersion(copy)).isEqualTo(1);
        assertThat(Path.of(copy + "-shm")).doesNotExist();
    }

    @Test
    void aTxServesOnlyInsideItsWorkAndAReadCannotWrite() throws Exception {
        try (RecordBuffer b = open()) {
            TableAccess notes = b.register(NOTES_V1);
            AtomicReference<Tx> kept = new AtomicReference<>();
            notes.read(tx -> {
                kept.set(tx);
                return null;
            });
            assertThatThrownBy(() -> kept.get().scalar("SELECT count(*) FROM notes", 0)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("valid only inside its work");
            assertThatThrownBy(() -> notes.read(tx -> tx.update("INSERT INTO notes(text) VALUES ('x')")))
                    .isInstanceOf(BufferException.class).hasMessageContaining("a write inside a read");
            assertThat(count(notes, "SELECT count(*) FROM notes")).isZero();
        }
    }

    @Test
    void theBuffersOwnTablesCannotBeRegistered() {
        for (String name : List.of("record", "meta", "buffer_table", "sqlite_master", "Notes", "1x")) {
            assertThatThrownBy(() -> BufferTable.named(name)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The rows of a query, columns joined with '/'. */
    private static List<String> rows(TableAccess table, String sql) throws BufferException {
        return table.read(tx -> tx.query(sql, r -> r.getString(1) + (sql.contains(",") ? "/" + r.getString(2) : "")));
    }

    private static long count(TableAccess table, String sql) throws BufferException {
        return table.read(tx -> tx.scalar(sql, -1));
    }

    /** A copy of the schema-1 fixture with a table that an earlier release created in it, without a version. */
    private Path fixtureCopyWithLegacyTable() throws Exception {
        Path copy = dir.resolve("schema-1.db");
        Files.copy(Path.of(getClass().getResource(UpgradeFixture.RESOURCE + UpgradeFixture.BUFFER).toURI()), copy);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement()) {
            s.execute(NOTES_V1.migrationTo(1).get(0));
            s.execute("INSERT INTO notes(text) VALUES ('written by schema 1')");
        }
        assertThat(userVersion(copy)).isEqualTo(1);
        assertThat(Path.of(copy + "-wal")).as("the raw connection checkpointed on close").doesNotExist();
        return copy;
    }

    private static long userVersion(Path file) throws Exception {
        return SqliteFiles.header(file).orElseThrow().userVersion();
    }

    private static Map<String, Long> versions(Path file) throws Exception {
        try (Connection c = SqliteFiles.openReadOnly(file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name, version FROM buffer_table")) {
            Map<String, Long> m = new java.util.HashMap<>();
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
            return m;
        }
    }
}
