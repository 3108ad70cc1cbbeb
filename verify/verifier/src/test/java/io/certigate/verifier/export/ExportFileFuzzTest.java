package io.certigate.verifier.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.certigate.core.model.StoredRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on the export reader, through its public entry {@link ExportFile#read(Path)}: any
 * file content gives {@link ExportFile.Contents} or an {@link ExportFormatException} that names
 * the file; nothing else escapes. Accepted records have a positive seq, hash-only entries carry
 * 32-byte hashes and only their seqs can be marked omitted. Two entries with one seq are read as
 * they are ({@code found-signed-and-omitted-same-seq}): finding them is the verifier's job.
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/io/certigate/core/export/ExportFileFuzzTestInputs/read/};
 * {@code scripts/fuzz export 10} fuzzes for ten minutes.
 */
@Tag("unit")
class ExportFileFuzzTest {
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("export-fuzz", ".json");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "60s")
    void read(byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExportFile.Contents c;
        try {
            c = ExportFile.read(file);
        } catch (ExportFormatException e) {
            assertThat(e.getMessage()).startsWith(file.toString());
            return;
        }
        assertThat(c.device()).isNotEmpty();
        Set<Long> hashOnly = new HashSet<>();
        for (StoredRecord r : c.records()) {
            assertThat(r.seq()).isPositive();
            if (r instanceof StoredRecord.Erased e) {
                assertThat(e.chainHash()).hasSize(32);
                assertThat(e.leafHash()).hasSize(32);
                hashOnly.add(r.seq());
            }
        }
        // duplicated seqs are read as they are: the verifier reports them as duplicates or forks
        assertThat(hashOnly).containsAll(c.omitted());
    }
}
