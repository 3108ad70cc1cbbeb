package io.certigate.fleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.PostgresServer;
import io.certigate.uplink.testing.TestDevice;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.merkle.InclusionVerifier;
import io.certigate.verifier.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crypto-shredding on a real PostgreSQL with real signed, chained records: erasing one subject of a
 * device leaves the other's readable, the device's chain linked and a proof of the other's reading
 * verifying against the Merkle root taken before the erasure; the erased subject's payload and data
 * key are nowhere in a dump of the database afterwards.
 */
@Tag("integration")
class CryptoShreddingTest {
    private static final long T0 = 1_780_000_000_000L;
    private static final String DEVICE = "gw-shred";
    @TempDir
    static Path dir;
    static StorePostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = new StorePostgres(dir);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Test
    void aProofOfTheOtherSubjectsReadingStillVerifiesAfterOneSubjectWasShredded() throws Exception {
        StoreOptions options = pg.newDatabase();
        FleetStore store = new FleetStore(options.connector());
        store.createOrUpdateSchema();
        List<VerifiedRecord> written = new ArrayList<>();
        try (TestDevice device = TestDevice.create(dir.resolve("dev"), DEVICE)) {
            byte[] prev = new byte[32];
            for (int seq = 1; seq <= 6; seq++) {
                // two subjects on one box (a vehicle sold and its box kept): odd seqs VIN-A, even VIN-B
                String subject = seq % 2 == 1 ? "VIN-A" : "VIN-B";
                ChainedReading c = new ChainedReading(DEVICE, seq, prev, new byte[16], new Reading(T0 + seq * 1000L,
                        TimeQuality.NTP, "obd", "vehicle.odometer", subject, ReadingValue.of(1000 + seq), "km"));
                byte[] cose = CoseSign1.sign(device.key(), ReadingCodec.encode(c));
                written.add(new VerifiedRecord(DEVICE, seq, T0 + seq * 1000L, "vehicle.odometer", subject,
                        RecordHashes.leafHash(cose), RecordHashes.chainHash(cose), cose, seq > 1, T0 + seq * 1000L + 50));
                prev = RecordHashes.chainHash(cose);
            }
            try (StoreWriter w = new StoreWriter(options.connector())) {
                assertThat(w.write(written, List.of()).stored()).isEqualTo(6);
            }
            assertThat(read(store)).as("decrypted transparently").containsExactlyElementsOf(written);
            byte[] rootBefore = MerkleTree.build(read(store).stream().map(VerifiedRecord::leafHash).toList()).root();
            byte[] wrappedA = wrappedKey(options, options.keys().subjectTag("VIN-A"));
            String dumpBefore = dump(options);
            assertThat(dumpBefore).as("the wrapped key is in the store before").contains(hex(wrappedA));

            FleetStore.Erasure erased = store.eraseSubject("VIN-A");
            assertThat(erased).isEqualTo(new FleetStore.Erasure("VIN-A", 1, 3));
            assertThat(store.eraseSubject("VIN-A")).as("idempotent")
                    .isEqualTo(new FleetStore.Erasure("VIN-A", 0, 0)).matches(FleetStore.Erasure::alreadyErased);
            assertThatThrownBy(() -> store.eraseSubject("VIN-Z"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no record of subject 'VIN-Z'");

            List<VerifiedRecord> after = read(store);
            assertThat(after).hasSize(6);
            for (int i = 0; i < 6; i++) {
                VerifiedRecord was = written.get(i);
                VerifiedRecord now = after.get(i);
                assertThat(now.leafHash()).isEqualTo(was.leafHash());
                assertThat(now.chainHash()).isEqualTo(was.chainHash());
                if (was.subject().equals("VIN-A")) {
                    assertThat(now.erased()).as("seq %d hash-only", was.seq()).isTrue();
                    assertThat(now.subject()).isNull();
                    assertThat(now.kind()).isNull();
                } else {
                    assertThat(now).isEqualTo(was);
                    // B's record: its signature verifies and it links to the hash-only record before it
                    byte[] payload = CoseSign1.verify(now.cose(), device.key().publicKey(), device.key().keyId());
                    assertThat(ReadingCodec.decode(payload).prev()).isEqualTo(after.get(i - 1).chainHash());
                }
            }
            List<VerifiedRecord> timelineA = new ArrayList<>();
            assertThat(store.timeline("VIN-A", timelineA::add)).isZero();
            assertThat(store.timeline("VIN-B", r -> {})).isEqualTo(3);

            // the device's Merkle tree is the same, and a proof of B's seq 4 verifies against the old root
            MerkleTree tree = MerkleTree.build(after.stream().map(VerifiedRecord::leafHash).toList());
            assertThat(tree.root()).isEqualTo(rootBefore);
            InclusionProof proof = tree.inclusionProof(3);
            assertThat(InclusionVerifier.verify(RecordHashes.leafHash(after.get(3).cose()), proof, rootBefore)).isTrue();
            assertThat(InclusionVerifier.verify(RecordHashes.leafHash(written.get(2).cose()), proof, rootBefore))
                    .as("a proof is of its own leaf").isFalse();

            String dump = dump(options);
            assertThat(dump).as("the records are in the dump").contains(hex(after.get(3).leafHash()));
            assertThat(dump).doesNotContain(hex(wrappedA)).doesNotContain("VIN-A").doesNotContain("VIN-B");
            for (VerifiedRecord a : written.stream().filter(r -> r.subject().equals("VIN-A")).toList()) {
                assertThat(dump).doesNotContain(hex(a.cose())).doesNotContain(hex(CoseSign1.parse(a.cose()).payload()));
            }
        }
    }

    @Test
    void theMigrationEncryptsTheRecordsOfVersionOneAndAnotherMasterKeyIsRefused() throws Exception {
        StoreOptions options = pg.newDatabase();
        VerifiedRecord one = StorePostgres.signed("gw-1", 1, T0, "VIN1");
        VerifiedRecord two = StorePostgres.signed("gw-1", 2, T0 + 1000, null);
        StoreConnector noKeys = options.withMasterKeySource("").connector();
        try (Connection c = noKeys.open()) {
            // a store of version 1 (as the code before version 2 made it) with two records in clear
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.execute("CREATE TABLE schema_version (version int PRIMARY KEY,"
                        + " applied_at timestamptz NOT NULL DEFAULT now())");
                for (String sql : StoreSchema.versionStatements(1)) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO schema_version (version) VALUES (1)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO records (device, seq, t, kind, subject, leaf,"
                    + " hash, cose, linked, verified_at) VALUES (?, ?, now(), ?, ?, ?, ?, ?, true, now())")) {
                for (VerifiedRecord r : List.of(one, two)) {
                    ps.setString(1, r.device());
                    ps.setLong(2, r.seq());
                    ps.setString(3, r.kind());
                    ps.setString(4, r.subject());
                    ps.setBytes(5, r.leafHash());
                    ps.setBytes(6, r.chainHash());
                    ps.setBytes(7, r.cose());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        assertThatThrownBy(() -> new FleetStore(noKeys).createOrUpdateSchema())
                .hasMessageContaining("encrypts the 2 records stored, which needs the master key: set"
                        + " fleet.store.master-key-source");
        FleetStore store = new FleetStore(options.connector());
        assertThat(store.createOrUpdateSchema()).isEqualTo(1);
        List<VerifiedRecord> back = read(store, "gw-1");
        assertThat(back).extracting(VerifiedRecord::subject).containsExactly("VIN1", null);
        assertThat(back).extracting(VerifiedRecord::cose).containsExactly(one.cose(), two.cose());
        assertThat(dump(options)).doesNotContain(hex(one.cose())).doesNotContain("VIN1");

        Path other = Files.writeString(dir.resolve("other.key"), StoreKeys.newMasterKeyHex());
        FleetStore wrong = new FleetStore(options.withMasterKeySource("file:" + other).connector());
        assertThatThrownBy(wrong::createOrUpdateSchema)
                .hasMessageContaining("this master key is not the one the fleet store's data keys were wrapped with");
        try (StoreWriter w = new StoreWriter(options.withMasterKeySource("file:" + other).connector())) {
            assertThatThrownBy(() -> w.write(List.of(StorePostgres.signed("gw-1", 3, T0 + 2000, "VIN1")), List.of()))
                    .hasMessageContaining("this master key is not the one");
        }
        try (StoreWriter w = new StoreWriter(noKeys)) {
            assertThatThrownBy(() -> w.write(List.of(StorePostgres.signed("gw-1", 3, T0 + 2000, "VIN1")), List.of()))
                    .hasMessageContaining("fleet.store.master-key-source is not set");
        }
        assertThatThrownBy(() -> new FleetStore(noKeys).eraseSubject("VIN1"))
                .hasMessageContaining("payloads are encrypted: set fleet.store.master-key-source");
        assertThatThrownBy(() -> read(new FleetStore(noKeys), "gw-1"))
                .hasMessageContaining("payloads are encrypted: set fleet.store.master-key-source");
        assertThat(store.countRecords()).isEqualTo(2);
    }

    @Test
    void anErasureWaitsForARecordOfTheSubjectBeingWrittenAndShredsItToo() throws Exception {
        StoreOptions options = pg.newDatabase();
        StoreConnector db = options.connector();
        FleetStore store = new FleetStore(db);
        store.createOrUpdateSchema();
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(List.of(StorePostgres.signed("gw-1", 1, T0, "VIN-W")), List.of());
        }
        VerifiedRecord late = StorePostgres.signed("gw-1", 2, T0 + 1000, "VIN-W");
        java.util.concurrent.ExecutorService erasing = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Connection writer = db.open()) {
            // what StoreWriter does in its transaction: the subject's key taken FOR SHARE, a record sealed under it
            writer.setAutoCommit(false);
            byte[] owner = db.keys().subjectTag("VIN-W");
            DataKeys.Key key = DataKeys.liveOrNew(writer, db.keys(), List.of(owner)).values().iterator().next();
            try (PreparedStatement ps = writer.prepareStatement("INSERT INTO records (device, seq, t, kind, leaf, hash,"
                    + " cose, linked, verified_at, key_id, owner) VALUES (?, ?, now(), ?, ?, ?, ?, true, now(), ?, ?)")) {
                ps.setString(1, late.device());
                ps.setLong(2, late.seq());
                ps.setString(3, late.kind());
                ps.setBytes(4, late.leafHash());
                ps.setBytes(5, late.chainHash());
                ps.setBytes(6, RecordEnvelope.seal(key.key(), late.device(), late.seq(), late.subject(), late.cose()));
                ps.setLong(7, key.id());
                ps.setBytes(8, owner);
                ps.executeUpdate();
            }
            java.util.concurrent.Future<FleetStore.Erasure> erasure = erasing.submit(() -> store.eraseSubject("VIN-W"));
            // the erasure is waiting for the writer's lock on the key
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!erasureWaits(db)) {
                assertThat(erasure).isNotDone();
                assertThat(System.nanoTime()).as("the erasure waits on the key's lock").isLessThan(deadline);
                Thread.sleep(20);
            }
            writer.commit();
            assertThat(erasure.get(30, TimeUnit.SECONDS)).isEqualTo(new FleetStore.Erasure("VIN-W", 1, 2));
        } finally {
            erasing.shutdownNow();
        }
        assertThat(read(store, "gw-1")).extracting(VerifiedRecord::erased).containsExactly(true, true);
        // a record of the subject stored after its erasure is under a new key, readable
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(List.of(StorePostgres.signed("gw-1", 3, T0 + 2000, "VIN-W")), List.of());
        }
        assertThat(read(store, "gw-1")).extracting(VerifiedRecord::erased).containsExactly(true, true, false);
        assertThat(store.timeline("VIN-W", r -> {})).isEqualTo(1);
    }

    private static boolean erasureWaits(StoreConnector db) throws Exception {
        try (Connection c = db.open(); var st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        + " AND query LIKE 'UPDATE store_keys%'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static List<VerifiedRecord> read(FleetStore store) throws Exception {
        return read(store, DEVICE);
    }

    private static List<VerifiedRecord> read(FleetStore store, String device) throws Exception {
        List<VerifiedRecord> out = new ArrayList<>();
        store.deviceRecords(device, 1, Long.MAX_VALUE, out::add);
        return out;
    }

    private static byte[] wrappedKey(StoreOptions options, byte[] owner) throws Exception {
        try (Connection c = options.connector().open();
                PreparedStatement ps = c.prepareStatement("SELECT wrapped FROM store_keys WHERE owner = ?")) {
            ps.setBytes(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    /** The database's data as pg_dump writes it (bytea as hex). */
    private static String dump(StoreOptions options) throws Exception {
        String database = options.jdbcUrl().substring(options.jdbcUrl().lastIndexOf('/') + 1);
        Path out = Files.createTempFile(dir, "dump", ".sql");
        ProcessBuilder pb = new ProcessBuilder(PostgresServer.binaries().resolve("pg_dump").toString(), "--data-only",
                "-h", "127.0.0.1", "-p", String.valueOf(pg.server.port()), "-U", pg.server.user(), "-d", database,
                "-f", out.toString());
        pb.environment().put("PGPASSWORD", pg.server.password());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return Files.readString(out);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
