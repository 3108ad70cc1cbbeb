package io.certigate.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the upgrade fixture ({@link UpgradeFixture}) with the code of the current release: a
 * one-off, not a test. It runs only when {@code certigate.fixture.dir} names the folder to write
 * (which must not hold a fixture yet), and is tagged {@code fixture}, outside every test tier:
 *
 * <pre>
 * mvn -B -o -q -pl gateway-core -am test -Dtest=UpgradeFixtureWriter -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dcertigate.fixture.dir=$PWD/core/gateway-core/src/test/resources/io/certigate/core/buffer/upgrade/schema-1
 * </pre>
 *
 * A committed fixture is never rewritten: a release that changes the schema writes a new folder
 * (schema-2, ...) and keeps the old ones, so that every earlier buffer stays tested.
 */
@Tag("fixture")
@EnabledIfSystemProperty(named = "certigate.fixture.dir", matches = ".+")
class UpgradeFixtureWriter {

    @Test
    void write() throws Exception {
        Path dir = Path.of(System.getProperty("certigate.fixture.dir"));
        Files.createDirectories(dir);
        for (String name : new String[] {UpgradeFixture.BUFFER, UpgradeFixture.KEY_STORE, UpgradeFixture.PASSPHRASE}) {
            assertThat(dir.resolve(name)).as("a committed fixture is never rewritten").doesNotExist();
        }
        Path pass = dir.resolve(UpgradeFixture.PASSPHRASE);
        Files.writeString(pass, "upgrade-fixture-test-key-not-a-secret\n", StandardCharsets.US_ASCII);
        Path keyStore = dir.resolve(UpgradeFixture.KEY_STORE);
        Pkcs12KeyStore.create(keyStore, CoseAlgorithm.EDDSA, UpgradeFixture.DEVICE,
                Files.readString(pass, StandardCharsets.US_ASCII).strip().toCharArray());
        Path buffer = dir.resolve(UpgradeFixture.BUFFER);
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        try (Spine spine = Spine.open(new KeySource.Pkcs12(keyStore, "file:" + pass), buffer,
                RecordBuffer.Options.defaults(UpgradeFixture.DEVICE), Sequencer.Options.DEFAULT,
                Clock.fixed(UpgradeFixture.CREATED_AT, ZoneOffset.UTC), writer)) {
            List<Reading> readings = UpgradeFixture.readings();
            CompletableFuture<?> last = null;
            for (Reading r : readings) {
                last = spine.sequencer().submit(r);
            }
            last.get(30, TimeUnit.SECONDS);
            RecordBuffer b = spine.buffer();
            long at = UpgradeFixture.CREATED_AT.toEpochMilli() + 60_000;
            b.markDelivered(1, UpgradeFixture.DELIVERED_THROUGH, at);
            b.markDelivered(UpgradeFixture.DELIVERED_AHEAD_FROM, UpgradeFixture.DELIVERED_AHEAD_TO, at);
            b.erase(List.of(UpgradeFixture.ERASED));
            assertThat(b.head().seq()).isEqualTo(readings.size());
            System.out.println("head seq " + b.head().seq() + " hash " + HexFormat.of().formatHex(b.head().hash()));
        } finally {
            writer.shutdownNow();
        }
        // closing checkpointed the WAL: the buffer is one self-contained file
        assertThat(Path.of(buffer + "-wal")).doesNotExist();
        assertThat(Path.of(buffer + "-shm")).doesNotExist();
    }
}
