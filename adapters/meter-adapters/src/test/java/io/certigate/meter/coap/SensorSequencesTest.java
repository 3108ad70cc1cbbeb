package io.certigate.meter.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.testing.FileDigests;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("component")
class SensorSequencesTest {
    @TempDir
    Path dir;

    @Test
    void windowRecognisesLateRetransmissionsAndSurvivesReopening() throws Exception {
        Path file = dir.resolve("buffer.db");
        try (RecordBuffer b = RecordBuffer.open(file, RecordBuffer.Options.defaults("gw"))) {
            SensorSequences s = SensorSequences.inBuffer(b, Clock.systemUTC());
            assertThat(s.seen("road-01", 5)).isFalse();
            s.commit("road-01", 5);
            s.commit("road-01", 7);
            assertThat(s.seen("road-01", 5)).isTrue();
            assertThat(s.seen("road-01", 6)).isFalse(); // skipped, may still arrive
            assertThat(s.seen("road-01", 7)).isTrue();
            assertThat(s.seen("road-02", 7)).isFalse();
            s.commit("road-01", 6);
            s.commit("road-01", 200);
            assertThat(s.seen("road-01", 150)).isFalse();
            assertThat(s.seen("road-01", 100)).isTrue(); // beyond the 64 window: treated as seen
        }
        try (RecordBuffer b = RecordBuffer.open(file, RecordBuffer.Options.defaults("gw"))) {
            SensorSequences s = SensorSequences.inBuffer(b, Clock.systemUTC());
            assertThat(s.seen("road-01", 200)).isTrue();
            assertThat(s.seen("road-01", 199)).isFalse();
            assertThat(s.seen("road-01", 201)).isFalse();
            assertThat(b.integrityCheck()).isEqualTo("ok");
        }
    }

    @Test
    void theMarksOfABufferOfTheEarlierSchemaAreKeptAsVersionOneOfTheTable() throws Exception {
        Path file = dir.resolve("buffer.db");
        RecordBuffer.open(file, RecordBuffer.Options.defaults("gw")).close();
        // what the earlier release left: schema 1 (no table versions) and the table it created
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                java.sql.Statement st = c.createStatement()) {
            st.execute("DROP TABLE buffer_table");
            st.execute("PRAGMA user_version=1");
            st.execute(CoapIngestSql.CREATE);
            st.execute("INSERT INTO coap_sensor_seq VALUES ('road-01', 40, 1, 0)");
        }
        try (RecordBuffer b = RecordBuffer.open(file, RecordBuffer.Options.defaults("gw"))) {
            SensorSequences s = SensorSequences.inBuffer(b, Clock.systemUTC());
            assertThat(s.seen("road-01", 40)).isTrue();
            assertThat(s.seen("road-01", 41)).isFalse();
        }
        try (java.sql.Connection c = io.certigate.core.io.SqliteFiles.openReadOnly(file);
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT version FROM buffer_table WHERE name = 'coap_sensor_seq'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(SensorSequences.TABLE.version()).isEqualTo(1);
        }
    }

    @Test
    void ownFileKeepsTheMarksAcrossReopening() throws Exception {
        Path file = dir.resolve("sequences.db");
        try (SensorSequences s = SensorSequences.inFile(file, Clock.systemUTC())) {
            s.commit("road-02", 10);
            assertThat(s.seen("road-02", 10)).isTrue();
        }
        try (SensorSequences s = SensorSequences.inFile(file, Clock.systemUTC())) {
            assertThat(s.seen("road-02", 10)).isTrue();
            assertThat(s.seen("road-02", 9)).isFalse();
            assertThat(s.seen("road-02", 11)).isFalse();
        }
    }

    @Test
    void ownFileRefusesAnotherApplicationsDatabaseAndABufferByteIdentically() throws Exception {
        Path other = dir.resolve("other.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other);
                java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)");
        }
        Path buffer = dir.resolve("buffer.db");
        RecordBuffer.open(buffer, RecordBuffer.Options.defaults("gw")).close();
        Path text = java.nio.file.Files.writeString(dir.resolve("notes.txt"), "notes\n".repeat(30));
        for (Path f : new Path[] {other, buffer, text}) {
            java.util.Map<String, String> before = FileDigests.sqlite(f);
            assertThatThrownBy(() -> SensorSequences.inFile(f, Clock.systemUTC())).as("%s", f)
                    .hasMessageContaining("refusing to use " + f);
            assertThat(FileDigests.sqlite(f)).as("%s", f).isEqualTo(before);
        }
    }
}
