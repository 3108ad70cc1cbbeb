package io.certigate.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.testing.TestSpine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #20, personal data files world-readable: the buffer (VINs, mileage, tag ids, meter data),
 * its SQLite side files and an export are created owner-only whatever the umask (under the usual
 * 022 they came out {@code rw-r--r--}); folders the buffer creates are 0700; files and folders that
 * exist keep their modes.
 */
@Tag("component")
class BufferFileModesTest {
    @TempDir
    Path dir;

    @Test
    void aFreshBufferItsWalAndShmAndTheFoldersItCreatesAreOwnerOnly() throws Exception {
        Path data = dir.resolve("data");
        Path file = data.resolve("gw").resolve("buffer.db");
        try (RecordBuffer b = RecordBuffer.open(file, RecordBuffer.Options.defaults("gw"))) {
            assertThat(Files.exists(Path.of(file + "-wal"))).as("WAL mode: the -wal exists while open").isTrue();
            assertThat(Files.exists(Path.of(file + "-shm"))).as("WAL mode: the -shm exists while open").isTrue();
            assertThat(mode(file)).isEqualTo("rw-------");
            assertThat(mode(Path.of(file + "-wal"))).isEqualTo("rw-------");
            assertThat(mode(Path.of(file + "-shm"))).isEqualTo("rw-------");
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(data.resolve("gw"))).isEqualTo("rwx------");
            assertThat(b.deviceId()).isEqualTo("gw");
        }
    }

    @Test
    void aFolderOrEmptyFileSomebodyPointedAtKeepsItsMode() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-x---"));
        Path chosen = Files.createFile(shared.resolve("chosen.db"));
        Files.setPosixFilePermissions(chosen, PosixFilePermissions.fromString("rw-r-----"));
        try (RecordBuffer b = RecordBuffer.open(chosen, RecordBuffer.Options.defaults("gw"))) {
            assertThat(mode(chosen)).isEqualTo("rw-r-----");
        }
        Path fresh = shared.resolve("buffer.db");
        try (RecordBuffer b = RecordBuffer.open(fresh, RecordBuffer.Options.defaults("gw"))) {
            assertThat(mode(fresh)).isEqualTo("rw-------");
        }
        assertThat(mode(shared)).isEqualTo("rwxr-x---");
    }

    @Test
    void anExportIsOwnerOnly() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            spine.sequencer.submit(TestSpine.odometer(1));
            spine.sequencer.submit(TestSpine.odometer(2)).get(30, TimeUnit.SECONDS);
            Path export = dir.resolve("export.json");
            assertThat(Exporter.export(spine.buffer, Selection.ALL, export).selected()).isEqualTo(2);
            assertThat(mode(export)).isEqualTo("rw-------");
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
