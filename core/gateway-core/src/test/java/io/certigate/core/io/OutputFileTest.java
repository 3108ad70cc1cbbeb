package io.certigate.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.testing.FileDigests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("component")
class OutputFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesAnExistingFileWholeKeepingItsPermissionsAndLeavesNoTemporaryFile() throws Exception {
        Path out = Files.writeString(dir.resolve("out.json"), "old content that is longer than the new one");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
        OutputFile.write(out, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r-----");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("out.json");
        }
        Path fresh = dir.resolve("fresh.json");
        OutputFile.write(fresh, "x".getBytes(StandardCharsets.UTF_8));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");
    }

    @Test
    void aWriterThatFailsHalfwayLeavesThePreviousFileAndNoTemporaryFile() throws Exception {
        Path out = Files.writeString(dir.resolve("report.html"), "the previous report");
        String before = FileDigests.sha256(out);
        assertThatThrownBy(() -> OutputFile.write(out, o -> {
            o.write("half a report".getBytes(StandardCharsets.UTF_8));
            throw new IOException("the source went away");
        })).hasMessage("the source went away");
        assertThat(FileDigests.sha256(out)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void refusesAnOutputThatIsAnInputHoweverItIsNamedAndLeavesTheInputByteIdentical() throws Exception {
        Path input = Files.writeString(dir.resolve("buffer.db"), "the device's buffer");
        Files.writeString(dir.resolve("buffer.db-wal"), "its write-ahead log");
        Path relative = Path.of("").toAbsolutePath().relativize(input);
        Path symlink = Files.createSymbolicLink(dir.resolve("link.json"), input);
        Path hardLink = Files.createLink(dir.resolve("hard.json"), input);
        Path dotted = dir.resolve("sub/../buffer.db");
        Files.createDirectories(dir.resolve("sub"));
        String before = FileDigests.sha256(input);
        String walBefore = FileDigests.sha256(dir.resolve("buffer.db-wal"));
        for (Path out : new Path[] {input, relative, symlink, hardLink, dotted}) {
            assertThatThrownBy(() -> OutputFile.write(out, "export".getBytes(StandardCharsets.UTF_8), input))
                    .as("%s", out).isInstanceOf(OutputFileException.class)
                    .hasMessageContaining("refusing to write " + out).hasMessageContaining("same file as the input " + input);
        }
        for (String side : new String[] {"-wal", "-shm", "-journal"}) {
            Path out = Path.of(input + side);
            assertThatThrownBy(() -> OutputFile.write(out, "export".getBytes(StandardCharsets.UTF_8), input))
                    .as(side).isInstanceOf(OutputFileException.class).hasMessageContaining("next to the input " + input);
        }
        assertThat(FileDigests.sha256(input)).isEqualTo(before);
        assertThat(FileDigests.sha256(dir.resolve("buffer.db-wal"))).isEqualTo(walBefore);
        assertThat(Files.exists(dir.resolve("buffer.db-shm"))).isFalse();
    }

    @Test
    void writesThroughASymbolicLinkToAnotherFile() throws Exception {
        Path target = Files.writeString(dir.resolve("target.json"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), target);
        OutputFile.write(link, "new".getBytes(StandardCharsets.UTF_8), dir.resolve("input.db"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void refusesAFolderAndAnOutputWhoseFolderIsMissingWithoutCreatingIt() throws Exception {
        assertThatThrownBy(() -> OutputFile.write(dir, new byte[1])).isInstanceOf(OutputFileException.class)
                .hasMessageContaining("it is a folder");
        Path missing = dir.resolve("no/such/folder/out.json");
        assertThatThrownBy(() -> OutputFile.write(missing, new byte[1])).isInstanceOf(OutputFileException.class)
                .hasMessageContaining("does not exist");
        assertThat(Files.exists(dir.resolve("no"))).isFalse();
    }
}
