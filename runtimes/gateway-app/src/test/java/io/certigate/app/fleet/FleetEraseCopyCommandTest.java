package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.fleet.consumer.CopyKeys;
import io.certigate.fleet.consumer.SubjectDirectory;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.testbed.PostgresServer;
import io.certigate.verifier.consent.SubjectHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate fleet erase-copy} against a real PostgreSQL: only the named consumer's copy keys
 * are destroyed (of the subject and purpose named), with the operator's reason; other consumers'
 * keys stay live; a second run finds nothing; bad options are named.
 */
@Tag("component")
class FleetEraseCopyCommandTest {
    private static final String HOLDER = "0x" + "11".repeat(20);
    private static final String INSURER = "0x" + "aa".repeat(20);
    private static final String BROKER = "0x" + "bb".repeat(20);

    @Test
    void destroysOnlyTheNamedConsumersCopyKeys(@TempDir Path dir) throws Exception {
        try (PostgresServer pg = PostgresServer.start(dir.resolve("pg"))) {
            Path masterKey = Files.writeString(dir.resolve("master.key"), StoreKeys.newMasterKeyHex());
            Properties p = new Properties();
            p.setProperty("fleet.roles", "store");
            p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9");
            p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
            p.setProperty("fleet.store.user", pg.user());
            p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
            p.setProperty("fleet.store.master-key-source", "file:" + masterKey);
            Path config = dir.resolve("fleet.properties");
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, null);
            }
            StoreConnector db = StoreOptions.of("test", Map.of("fleet.store.jdbc-url", pg.jdbcUrl(), "fleet.store.user",
                    pg.user(), "fleet.store.password", "file:" + pg.passwordFile(), "fleet.store.master-key-source",
                    "file:" + masterKey)).connector();
            new FleetStore(db).createOrUpdateSchema();
            SubjectDirectory subjects = new SubjectDirectory(db);
            subjects.createSchema();
            byte[] vinA = subjects.put("VIN-A", salt(), HOLDER).hash();
            byte[] vinB = subjects.put("VIN-B", salt(), HOLDER).hash();
            CopyKeys keys = new CopyKeys(db);
            Instant until = Instant.parse("2030-01-01T00:00:00Z");
            String insurerA = keys.liveOrNew(HOLDER, vinA, INSURER, "insurance.mileage", List.of(1L),
                    List.of("vehicle.odometer"), until, 10).id();
            String insurerB = keys.liveOrNew(HOLDER, vinB, INSURER, "insurance.mileage", List.of(2L),
                    List.of("vehicle.odometer"), until, 11).id();
            String brokerA = keys.liveOrNew(HOLDER, vinA, BROKER, "insurance.mileage", List.of(3L),
                    List.of("vehicle.odometer"), until, 12).id();

            CliRun.Result one = CliRun.run("fleet", "erase-copy", "--config", config.toString(), "--consumer",
                    INSURER.toUpperCase().replace("0X", "0x"), "--subject", "VIN-A", "--reason", "copy leaked at the insurer");
            assertThat(one.exit()).as(one.err()).isZero();
            assertThat(one.out()).contains("destroyed copy key " + insurerA).contains("copy_keys_destroyed=1")
                    .doesNotContain(insurerB).doesNotContain(brokerA);
            assertThat(keys.key(insurerA)).isEmpty();
            assertThat(keys.find(insurerA).orElseThrow().destroyedReason())
                    .isEqualTo(CopyKeys.COPY_ERASED + ": copy leaked at the insurer");
            assertThat(keys.key(insurerB)).isPresent();
            assertThat(keys.key(brokerA)).as("another consumer's copy of the same subject").isPresent();

            CliRun.Result all = CliRun.run("fleet", "erase-copy", "--config", config.toString(), "--consumer", INSURER,
                    "--purpose", "insurance.mileage", "--reason", "insurer left the consortium");
            assertThat(all.exit()).as(all.err()).isZero();
            assertThat(all.out()).contains("destroyed copy key " + insurerB).contains("copy_keys_destroyed=1");
            CliRun.Result again = CliRun.run("fleet", "erase-copy", "--config", config.toString(), "--consumer", INSURER,
                    "--reason", "again");
            assertThat(again.exit()).isZero();
            assertThat(again.out()).contains("no live copy key matched").contains("copy_keys_destroyed=0");
            assertThat(keys.key(brokerA)).isPresent();
            // a new delivery to the insurer gets a new key: the consents were left as they are
            assertThat(keys.liveOrNew(HOLDER, vinA, INSURER, "insurance.mileage", List.of(1L),
                    List.of("vehicle.odometer"), until, 20).id()).isNotEqualTo(insurerA);

            CliRun.Result badAccount = CliRun.run("fleet", "erase-copy", "--config", config.toString(), "--consumer",
                    "insurer", "--reason", "x");
            assertThat(badAccount.exit()).isEqualTo(2);
            assertThat(badAccount.err()).contains("an account is 0x and 20 bytes of hex, not 'insurer'");
            CliRun.Result unknown = CliRun.run("fleet", "erase-copy", "--config", config.toString(), "--consumer",
                    INSURER, "--subject", "VIN-Q", "--reason", "x");
            assertThat(unknown.exit()).isEqualTo(2);
            assertThat(unknown.err()).contains("the fleet serves no subject 'VIN-Q'");
            CliRun.Result noReason = CliRun.run("fleet", "erase-copy", "--config", config.toString(), "--consumer",
                    INSURER, "--reason", " ");
            assertThat(noReason.exit()).isEqualTo(2);
            assertThat(noReason.err()).contains("--reason must say why");
            CliRun.Result badPurpose = CliRun.run("fleet", "erase-copy", "--config", config.toString(), "--consumer",
                    INSURER, "--purpose", "Not A Code", "--reason", "x");
            assertThat(badPurpose.exit()).isEqualTo(2);
            assertThat(badPurpose.err()).contains("--purpose");
        }
    }

    private static byte[] salt() {
        return SubjectHash.newSalt(new SecureRandom());
    }
}
