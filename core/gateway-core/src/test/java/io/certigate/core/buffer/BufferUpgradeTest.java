package io.certigate.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import io.certigate.core.spine.Spine;
import io.certigate.core.testing.FileDigests;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades keep data: a buffer and key written by an earlier release (the committed fixture of
 * {@link UpgradeFixture}) are opened by the current code, which continues the same chain, and an
 * export across the upgrade verifies as one chain. A buffer of a newer schema than the code knows
 * is refused and left byte-identical. The fixture is only ever copied; the committed files are
 * checked against their recorded SHA-256 before and after every test.
 */
@Tag("component")
class BufferUpgradeTest {
    /** SHA-256 of the committed files, as listed in the fixture's README. */
    private static final String BUFFER_SHA256 = "a04dcdc232558ff49ada1c052b83457bd60c223092275f10e4d570ae46aad179";
    private static final String KEY_STORE_SHA256 = "41308453ecaa626914f8879f2a2928774333983724a9d41985bfb24984441586";
    /** The fixture's chain head, as the writer printed it. */
    private static final long HEAD_SEQ = 20;
    private static final String HEAD_HASH = "9a9f66b078893dea3eaba9d9f15d39825f48958582c81b4799ca02cc79dfc79f";
    private static final int MORE = 10;

    @TempDir
    Path dir;

    private static Path committed(String name) throws Exception {
        var url = BufferUpgradeTest.class.getResource(UpgradeFixture.RESOURCE + name);
        assertThat(url).as("fixture %s%s on the test class path", UpgradeFixture.RESOURCE, name).isNotNull();
        return Path.of(url.toURI());
    }

    @BeforeEach
    @AfterEach
    void theCommittedFixtureIsUntouched() throws Exception {
        Path buffer = committed(UpgradeFixture.BUFFER);
        assertThat(FileDigests.sha256(buffer)).as("%s", buffer).isEqualTo(BUFFER_SHA256);
        assertThat(FileDigests.sha256(committed(UpgradeFixture.KEY_STORE))).isEqualTo(KEY_STORE_SHA256);
        for (String side : new String[] {"-wal", "-shm", "-journal"}) {
            assertThat(Path.of(buffer + side)).doesNotExist();
        }
    }

    /** Copies the fixture's files into the temp dir; the copy is what a test opens. */
    private Path copyOfFixture() throws Exception {
        for (String name : new String[] {UpgradeFixture.BUFFER, UpgradeFixture.KEY_STORE, UpgradeFixture.PASSPHRASE}) {
            Files.copy(committed(name), dir.resolve(name));
        }
        return dir.resolve(UpgradeFixture.BUFFER);
    }

    @Test
    void aBufferOfTheEarlierReleaseContinuesItsChainAndExportsAsOneVerifiableChain() throws Exception {
        Path buffer = copyOfFixture();
        KeySource key = new KeySource.Pkcs12(dir.resolve(UpgradeFixture.KEY_STORE), "file:" + dir.resolve(UpgradeFixture.PASSPHRASE));
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        try (Spine spine = Spine.open(key, buffer, RecordBuffer.Options.defaults(UpgradeFixture.DEVICE),
                Sequencer.Options.DEFAULT, Clock.fixed(Instant.parse("2027-01-04T10:00:00Z"), ZoneOffset.UTC), writer)) {
            RecordBuffer b = spine.buffer();
            assertThat(b.head().seq()).isEqualTo(HEAD_SEQ);
            assertThat(HexFormat.of().formatHex(b.head().hash())).isEqualTo(HEAD_HASH);
            List<StoredRecord> before = b.range(1, HEAD_SEQ);
            assertThat(before).hasSize((int) HEAD_SEQ);
            assertThat(before.get((int) HEAD_SEQ - 1).chainHash()).isEqualTo(b.head().hash());
            for (StoredRecord r : before) {
                if (r.seq() == UpgradeFixture.ERASED) {
                    assertThat(r).isInstanceOf(StoredRecord.Erased.class);
                } else {
                    ChainedReading c = decode(r);
                    assertThat(c.device()).isEqualTo(UpgradeFixture.DEVICE);
                    assertThat(c.reading()).as("seq %d", r.seq()).isEqualTo(UpgradeFixture.reading(r.seq()));
                }
            }
            // delivery state: the watermark and the records acknowledged ahead of the gap
            assertThat(b.deliveredThrough()).isEqualTo(UpgradeFixture.DELIVERED_THROUGH);
            assertThat(b.undelivered(0, 100)).extracting(StoredRecord::seq).containsExactly(13L, 14L, 17L, 18L, 19L, 20L);

            CompletableFuture<?> last = null;
            for (long seq = HEAD_SEQ + 1; seq <= HEAD_SEQ + MORE; seq++) {
                last = spine.sequencer().submit(UpgradeFixture.reading(seq));
            }
            last.get(30, TimeUnit.SECONDS);
            List<StoredRecord> after = b.range(HEAD_SEQ + 1, HEAD_SEQ + MORE);
            assertThat(after).extracting(StoredRecord::seq).startsWith(HEAD_SEQ + 1).hasSize(MORE);
            assertThat(decode(after.get(0)).prev()).as("first record after the upgrade links to the fixture's head")
                    .isEqualTo(HexFormat.of().parseHex(HEAD_HASH));
            assertThat(b.markDelivered(13, 14, Instant.parse("2027-01-04T10:01:00Z").toEpochMilli())).isEqualTo(2);
            assertThat(b.deliveredThrough()).as("the gap closed: the watermark moves over 15..16").isEqualTo(16);
        } finally {
            writer.shutdownNow();
        }

        Path export = dir.resolve("export.json");
        try (RecordBuffer ro = RecordBuffer.openReadOnly(buffer, UpgradeFixture.DEVICE)) {
            Exporter.Result written = Exporter.export(ro, Selection.ALL, export);
            assertThat(written.erased()).isEqualTo(1);
            assertThat(written.selected()).isEqualTo(HEAD_SEQ + MORE - 1);
        }
        ExportFile.Contents contents = ExportFile.read(export);
        assertThat(contents.keys()).as("one key, before and after the upgrade").hasSize(1);
        VerificationReport report = new ChainVerifier(contents.device(), contents.keys(), SignatureVerifier.BOUNCY_CASTLE)
                .verify(contents.records(), contents.omitted());
        assertThat(report.ok()).as("%s", report.findings()).isTrue();
        assertThat(report.firstSeq()).isEqualTo(1);
        assertThat(report.lastSeq()).isEqualTo(HEAD_SEQ + MORE);
        assertThat(report.verified()).isEqualTo(HEAD_SEQ + MORE - 1);
        assertThat(report.erased()).isEqualTo(1);
        assertThat(report.findings()).extracting(Finding::kind, Finding::seq).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Finding.Kind.ERASED, UpgradeFixture.ERASED),
                org.assertj.core.groups.Tuple.tuple(Finding.Kind.FLAGGED, UpgradeFixture.FLAGGED));
    }

    @Test
    void aBufferOfANewerSchemaIsRefusedByOpenAndOpenReadOnlyAndLeftByteIdentical() throws Exception {
        Path buffer = copyOfFixture();
        int newer = BufferSql.SCHEMA_VERSION + 1;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + buffer); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version=" + newer);
        }
        assertThat(Path.of(buffer + "-wal")).as("the raw connection checkpointed on close").doesNotExist();
        Map<String, String> before = FileDigests.sqlite(buffer);

        assertRefusedAsNewer(buffer, newer);

        assertThat(FileDigests.sqlite(buffer)).isEqualTo(before);
        assertThat(Path.of(buffer + "-shm")).doesNotExist();
        assertThat(Path.of(buffer + "-wal")).doesNotExist();
    }

    @Test
    void aNewerSchemaStillInTheWalIsRefusedThroughTheReadOnlyConnection() throws Exception {
        Path buffer = copyOfFixture();
        int newer = BufferSql.SCHEMA_VERSION + 1;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + buffer); Statement s = c.createStatement()) {
            // a newer release is running on the file: its header change is committed to the -wal only
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("PRAGMA user_version=" + newer);
            assertThat(Files.size(Path.of(buffer + "-wal"))).isPositive();
            assertThat(Files.readAllBytes(buffer)[63]).as("main file header still says 1").isEqualTo((byte) 1);
            Map<String, String> before = FileDigests.sqlite(buffer);

            assertRefusedAsNewer(buffer, newer);

            assertThat(FileDigests.sqlite(buffer)).isEqualTo(before);
        }
    }

    private static void assertRefusedAsNewer(Path buffer, int newer) {
        String version = "buffer schema version " + newer + " is not the supported " + BufferSql.SCHEMA_VERSION;
        assertThatThrownBy(() -> RecordBuffer.open(buffer, RecordBuffer.Options.defaults(UpgradeFixture.DEVICE)))
                .isInstanceOf(BufferException.class).hasMessageContaining(version).hasMessageContaining(buffer.toString())
                .satisfies(e -> assertThat(((BufferException) e).reason()).isEqualTo(BufferException.Reason.REFUSED_FILE));
        assertThatThrownBy(() -> RecordBuffer.openReadOnly(buffer, UpgradeFixture.DEVICE))
                .isInstanceOf(BufferException.class).hasMessageContaining(version).hasMessageContaining(buffer.toString())
                .satisfies(e -> assertThat(((BufferException) e).reason()).isEqualTo(BufferException.Reason.REFUSED_FILE));
    }

    private static ChainedReading decode(StoredRecord r) throws Exception {
        return ReadingCodec.decode(CoseSign1.parse(((StoredRecord.Signed) r).cose()).payload());
    }
}
