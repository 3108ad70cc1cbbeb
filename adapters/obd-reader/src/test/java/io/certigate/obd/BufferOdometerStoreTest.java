package io.certigate.obd;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.io.SqliteFiles;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The odometer table registered with the buffer: kept across reopening and across the upgrade from schema 1. */
@Tag("component")
class BufferOdometerStoreTest {
    private static final String VIN = "VF1RFB00X57177144";

    @TempDir
    Path dir;

    @Test
    void theCertifiedOdometerOnlyRisesAndSurvivesReopening() throws Exception {
        Path file = dir.resolve("buffer.db");
        try (RecordBuffer b = RecordBuffer.open(file, RecordBuffer.Options.defaults("gw"))) {
            BufferOdometerStore store = new BufferOdometerStore(b);
            assertThat(store.lastCertified(VIN)).isEmpty();
            store.raise(VIN, new BigDecimal("12345.6"), 1);
            store.raise(VIN, new BigDecimal("12000"), 2);
            assertThat(store.lastCertified(VIN)).contains(new BigDecimal("12345.6"));
        }
        try (RecordBuffer ro = RecordBuffer.openReadOnly(file, "gw")) {
            assertThat(new BufferOdometerStore(ro).lastCertified(VIN)).contains(new BigDecimal("12345.6"));
        }
    }

    @Test
    void theTableOfABufferOfTheEarlierSchemaIsVersionOneWithItsRows() throws Exception {
        Path file = dir.resolve("buffer.db");
        RecordBuffer.open(file, RecordBuffer.Options.defaults("gw")).close();
        // what the earlier release left: schema 1 (no table versions) and the table it created
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("DROP TABLE buffer_table");
            st.execute("PRAGMA user_version=1");
            st.execute(OdometerSql.CREATE);
            st.execute("INSERT INTO obd_odometer VALUES ('" + VIN + "', '98765.4', 0)");
        }
        try (RecordBuffer ro = RecordBuffer.openReadOnly(file, "gw")) {
            assertThat(new BufferOdometerStore(ro).lastCertified(VIN)).as("read as it is, without migrating")
                    .contains(new BigDecimal("98765.4"));
        }
        try (RecordBuffer b = RecordBuffer.open(file, RecordBuffer.Options.defaults("gw"))) {
            assertThat(new BufferOdometerStore(b).lastCertified(VIN)).contains(new BigDecimal("98765.4"));
        }
        try (Connection c = SqliteFiles.openReadOnly(file); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM buffer_table WHERE name = 'obd_odometer'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(BufferOdometerStore.TABLE.version()).isEqualTo(1);
        }
    }
}
