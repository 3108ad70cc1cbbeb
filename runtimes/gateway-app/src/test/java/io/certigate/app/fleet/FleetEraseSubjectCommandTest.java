package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.testbed.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certigate fleet erase-subject} against a real PostgreSQL. */
@Tag("component")
class FleetEraseSubjectCommandTest {
    private static final long T0 = 1_780_000_000_000L;

    @Test
    void erasesOnceReportsCountsAndRefusesAnUnknownSubjectOrAMissingMasterKey(@TempDir Path dir) throws Exception {
        try (PostgresServer pg = PostgresServer.start(dir.resolve("pg"))) {
            Path masterKey = Files.writeString(dir.resolve("master.key"), StoreKeys.newMasterKeyHex());
            Properties p = new Properties();
            p.setProperty("fleet.roles", "store");
            p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9");
            p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
            p.setProperty("fleet.store.user", pg.user());
            p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
            p.setProperty("fleet.store.master-key-source", "file:" + masterKey);
            Path config = write(dir.resolve("fleet.properties"), p);
            StoreConnector db = StoreOptions.of("test", Map.of("fleet.store.jdbc-url", pg.jdbcUrl(), "fleet.store.user",
                    pg.user(), "fleet.store.password", "file:" + pg.passwordFile(), "fleet.store.master-key-source",
                    "file:" + masterKey)).connector();
            FleetStore store = new FleetStore(db);
            store.createOrUpdateSchema();
            List<VerifiedRecord> records = new ArrayList<>();
            for (int seq = 1; seq <= 4; seq++) {
                byte[] cose = ("cose " + seq).getBytes(StandardCharsets.UTF_8);
                byte[] leaf = MessageDigest.getInstance("SHA-256").digest(("leaf " + seq).getBytes(StandardCharsets.UTF_8));
                records.add(new VerifiedRecord("box-1", seq, T0 + seq, "vehicle.odometer", seq <= 3 ? "VIN-A" : "VIN-B",
                        leaf, MessageDigest.getInstance("SHA-256").digest(cose), cose, seq > 1, T0 + seq + 5));
            }
            try (StoreWriter w = new StoreWriter(db)) {
                w.write(records, List.of());
            }

            CliRun.Result first = CliRun.run("fleet", "erase-subject", "--config", config.toString(), "--subject", "VIN-A");
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.out()).contains("'VIN-A' erased: 1 data key(s) destroyed, 3 records made unreadable")
                    .contains("erased_keys=1 records_shredded=3");
            CliRun.Result again = CliRun.run("fleet", "erase-subject", "--config", config.toString(), "--subject", "VIN-A");
            assertThat(again.exit()).isZero();
            assertThat(again.out()).contains("was erased before").contains("erased_keys=0 records_shredded=0");
            CliRun.Result unknown = CliRun.run("fleet", "erase-subject", "--config", config.toString(), "--subject", "VIN-Q");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("holds no record of subject 'VIN-Q'");

            List<VerifiedRecord> back = new ArrayList<>();
            store.deviceRecords("box-1", 1, 10, back::add);
            assertThat(back).extracting(VerifiedRecord::erased).containsExactly(true, true, true, false);
            assertThat(back.get(3)).isEqualTo(records.get(3));

            p.remove("fleet.store.master-key-source");
            Path storeNoKey = write(dir.resolve("store-no-key.properties"), p);
            CliRun.Result refused = CliRun.run("fleet", "erase-subject", "--config", storeNoKey.toString(), "--subject",
                    "VIN-B");
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.err()).contains("fleet.store.master-key-source is required with the store role");
        }
    }

    private static Path write(Path file, Properties p) throws Exception {
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
        return file;
    }
}
