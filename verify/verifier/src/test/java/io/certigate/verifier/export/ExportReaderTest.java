package io.certigate.verifier.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ExportReaderTest {
    @TempDir
    Path dir;
    SoftwareDeviceKey key;
    List<ExportEntry> entries;

    @BeforeEach
    void entries() throws Exception {
        key = Pkcs12KeyStore.create(dir.resolve("k.p12"), CoseAlgorithm.EDDSA, "gw", "pw".toCharArray());
        entries = new ArrayList<>();
        TestExports.entries(TestExports.chain(key, "gw", 20, 0)).forEachRemaining(entries::add);
        StoredRecord five = entries.get(4).record();
        entries.set(4, new ExportEntry(new StoredRecord.Erased(5, five.chainHash(), five.leafHash()), true));
        StoredRecord six = entries.get(5).record();
        entries.set(5, new ExportEntry(new StoredRecord.Erased(6, six.chainHash(), six.leafHash()), false));
    }

    private List<ExportEntry> readAll(Path file) throws ExportFormatException {
        List<ExportEntry> out = new ArrayList<>();
        try (ExportReader r = ExportReader.open(file)) {
            assertThat(r.device()).isEqualTo("gw");
            assertThat(r.keys()).containsExactly(key.publicKey());
            for (ExportEntry e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
            assertThat(r.next()).isNull();
            assertThat(r.fraction()).isEqualTo(1.0);
        }
        return out;
    }

    @Test
    void readsTheEntriesInFileOrderWithTheirKind() throws Exception {
        Path file = dir.resolve("e.json");
        TestExports.write(file, "gw", List.of(key.publicKey()), entries.iterator(), false);
        List<ExportEntry> read = readAll(file);
        assertThat(read).isEqualTo(entries);
        assertThat(read.get(4).omitted()).isTrue();
        assertThat(read.get(5).erased()).isTrue();
        assertThat(read.get(6).present()).isTrue();
        ExportFile.Contents whole = ExportFile.read(file);
        assertThat(whole.records()).isEqualTo(entries.stream().map(ExportEntry::record).toList());
        assertThat(whole.omitted()).containsExactly(5L);
    }

    @Test
    void aHeaderAfterTheRecordsIsReadToo() throws Exception {
        Path file = dir.resolve("late.json");
        TestExports.write(file, "gw", List.of(key.publicKey()), entries.iterator(), true);
        assertThat(Files.readString(file).indexOf("\"keys\"")).isGreaterThan(Files.readString(file).indexOf("\"records\""));
        assertThat(readAll(file)).isEqualTo(entries);
    }

    @Test
    void aFileCutShortIsRefusedWhenTheCutIsReached() throws Exception {
        Path file = dir.resolve("e.json");
        TestExports.write(file, "gw", List.of(key.publicKey()), entries.iterator(), false);
        String text = Files.readString(file);
        Path cut = Files.writeString(dir.resolve("cut.json"), text.substring(0, text.lastIndexOf("\"seq\"")));
        try (ExportReader r = ExportReader.open(cut)) {
            assertThatThrownBy(() -> {
                while (r.next() != null) {
                    // read up to the cut
                }
            }).isInstanceOf(ExportFormatException.class).hasMessageContaining(cut.toString());
        }
        // the records complete but the document not closed
        Path open = Files.writeString(dir.resolve("open.json"), text.substring(0, text.lastIndexOf('}')));
        try (ExportReader r = ExportReader.open(open)) {
            assertThatThrownBy(() -> {
                while (r.next() != null) {
                    // read to the end
                }
            }).isInstanceOf(ExportFormatException.class).hasMessageContaining("not a readable JSON export");
        }
    }

    @Test
    void aBadEntryIsNamedByItsIndex() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"format\": \"" + ExportFile.FORMAT
                + "\", \"device\": \"gw\", \"keys\": [], \"records\": [{\"seq\": 1, \"chainHash\": \"AA\", \"leafHash\": \"AA\"}]}");
        try (ExportReader r = ExportReader.open(file)) {
            assertThatThrownBy(r::next).isInstanceOf(ExportFormatException.class)
                    .hasMessage(file + ": records[0]: chainHash and leafHash must be 32 bytes");
        }
        Path other = Files.writeString(dir.resolve("other.json"), "{\"format\": \"something/1\", \"records\": []}");
        assertThatThrownBy(() -> ExportReader.open(other)).isInstanceOf(ExportFormatException.class)
                .hasMessage(other + ": format is not " + ExportFile.FORMAT);
    }
}
