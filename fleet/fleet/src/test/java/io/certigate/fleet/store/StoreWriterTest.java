package io.certigate.fleet.store;

import static io.certigate.fleet.store.StorePostgres.erasureOf;
import static io.certigate.fleet.store.StorePostgres.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store's writes and queries on a real PostgreSQL (a fresh database per test). */
@Tag("component")
class StoreWriterTest {
    private static final long T0 = 1_780_000_000_000L;
    @TempDir
    static Path dir;
    static StorePostgres pg;

    StoreOptions options;
    StoreConnector db;
    FleetStore store;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = new StorePostgres(dir);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @BeforeEach
    void newDatabase() throws Exception {
        options = pg.newDatabase();
        db = options.connector();
        store = new FleetStore(db);
        assertThat(store.createOrUpdateSchema()).isEqualTo(StoreSchema.VERSION);
    }

    @Test
    void theSchemaIsMadeOnceAndASecondStartChangesNothing() throws Exception {
        assertThat(store.createOrUpdateSchema()).isZero();
        try (Connection c = db.open(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            for (int v = 1; v <= StoreSchema.VERSION; v++) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(v);
            }
            assertThat(rs.next()).isFalse();
        }
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(List.of(signed("gw-1", 1, T0, "VIN1")), List.of());
        }
        assertThat(store.createOrUpdateSchema()).isZero();
        assertThat(store.countRecords()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(StoreWriter.Staging.class)
    void aBatchWrittenTwiceIsStoredOnce(StoreWriter.Staging staging) throws Exception {
        List<VerifiedRecord> batch = new ArrayList<>();
        for (int seq = 1; seq <= 300; seq++) {
            batch.add(signed("gw-" + (seq % 3), seq, T0 + seq * 1000L, "weird\tsubject\\with\nescapes"));
        }
        batch.add(signed("gw-tab\tdevice", 1, T0, null));
        List<Finding> findings = List.of(Finding.of("gw-1", 7, FindingType.BROKEN_LINK, "prev does not match", T0));
        try (StoreWriter w = new StoreWriter(db, staging)) {
            assertThat(w.write(batch, findings)).isEqualTo(new WriteResult(301, 0, 0, 0, 0, 1));
            assertThat(w.write(batch, findings)).isEqualTo(new WriteResult(0, 301, 0, 0, 0, 0));
        }
        assertThat(store.countRecords()).isEqualTo(301);
        List<VerifiedRecord> back = new ArrayList<>();
        store.deviceRecords("gw-1", 1, 1000, back::add);
        assertThat(back).containsExactlyElementsOf(batch.stream().filter(r -> r.device().equals("gw-1")).toList());
        List<VerifiedRecord> tab = new ArrayList<>();
        store.deviceRecords("gw-tab\tdevice", 1, 1, tab::add);
        assertThat(tab).containsExactly(batch.get(300));
        assertThat(store.findings(FindingType.BROKEN_LINK, f -> {})).isEqualTo(1);
        assertThat(store.countFindingsByType()).containsExactly(java.util.Map.entry(FindingType.BROKEN_LINK, 1L));
        assertThat(store.countDevices()).isEqualTo(store.devices().size());
        assertThat(store.devices()).extracting(DeviceCounts::device, DeviceCounts::records, DeviceCounts::findings)
                .contains(org.assertj.core.groups.Tuple.tuple("gw-1", 100L, 1L));
    }

    @ParameterizedTest
    @EnumSource(StoreWriter.Staging.class)
    void aNulCharacterInASignedSubjectDoesNotStopTheBatch(StoreWriter.Staging staging) throws Exception {
        VerifiedRecord nul = signed("gw-1", 1, T0, "vehicle.odo\0meter", "VIN\0X", "a");
        try (StoreWriter w = new StoreWriter(db, staging)) {
            assertThat(w.write(List.of(nul, signed("gw-1", 2, T0 + 1, "VIN1")),
                    List.of(Finding.of("gw-1", 1, FindingType.MALFORMED, "a \0 in the detail", T0))))
                    .isEqualTo(new WriteResult(2, 0, 0, 0, 0, 1));
        }
        List<VerifiedRecord> back = new ArrayList<>();
        store.timeline("VIN\uFFFDX", back::add);
        assertThat(back).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("vehicle.odo\uFFFDmeter");
            assertThat(r.cose()).isEqualTo(nul.cose());
        });
    }

    @Test
    void anErasureIsHonouredOnlyOverTheRecordWhoseHashesItCarries() throws Exception {
        VerifiedRecord one = signed("gw-1", 1, T0, "VIN1");
        VerifiedRecord two = signed("gw-1", 2, T0 + 1000, "VIN1");
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(List.of(one, two), List.of());
            VerifiedRecord honoured = erasureOf(one, T0 + 5000);
            VerifiedRecord otherLeaf = new VerifiedRecord("gw-1", 2, -1, null, null, one.leafHash(), two.chainHash(),
                    null, true, T0 + 5000);
            VerifiedRecord nothingStored = erasureOf(signed("gw-1", 3, T0 + 2000, "VIN1"), T0 + 5000);
            assertThat(w.write(List.of(honoured, otherLeaf, nothingStored), List.of()))
                    .isEqualTo(new WriteResult(0, 0, 1, 2, 0, 2));
            // replayed, and the signed record arriving again after its erasure: nothing changes
            assertThat(w.write(List.of(one, honoured, otherLeaf, nothingStored), List.of()))
                    .isEqualTo(new WriteResult(0, 2, 0, 2, 0, 0));
        }
        List<VerifiedRecord> back = new ArrayList<>();
        store.deviceRecords("gw-1", 1, 3, back::add);
        assertThat(back).containsExactly(erasureOf(one, one.verifiedAtMs()), two);
        List<Finding> refused = new ArrayList<>();
        store.findings(FindingType.UNPROVABLE_TOMBSTONE, refused::add);
        assertThat(refused).extracting(Finding::seq).containsExactly(2L, 3L);
        assertThat(refused.get(0).detail()).contains("hashes are not those of the record stored");
        assertThat(refused.get(1).detail()).contains("no record of that seq is stored");
        List<VerifiedRecord> timeline = new ArrayList<>();
        store.timeline("VIN1", timeline::add);
        assertThat(timeline).containsExactly(two);
        assertThat(store.devices()).singleElement().satisfies(d -> {
            assertThat(d.records()).isEqualTo(2);
            assertThat(d.erased()).isEqualTo(1);
            assertThat(d.findings()).isEqualTo(2);
        });
    }

    @Test
    void aForkIsReportedOnceAndNeverOverwritesTheStoredRecord() throws Exception {
        VerifiedRecord original = signed("gw-1", 5, T0, "vehicle.odometer", "VIN1", "a");
        VerifiedRecord fork = signed("gw-1", 5, T0 + 10, "vehicle.odometer", "VIN1", "b");
        VerifiedRecord next = signed("gw-1", 6, T0 + 20, "VIN1");
        try (StoreWriter w = new StoreWriter(db)) {
            assertThat(w.write(List.of(original), List.of())).isEqualTo(new WriteResult(1, 0, 0, 0, 0, 0));
            assertThat(w.write(List.of(fork, next), List.of())).isEqualTo(new WriteResult(1, 0, 0, 0, 1, 1));
            assertThat(w.write(List.of(fork, next), List.of())).isEqualTo(new WriteResult(0, 1, 0, 0, 1, 0));
            // both versions in one batch: the first in Kafka order is stored, the other is the fork
            VerifiedRecord a = signed("gw-2", 1, T0, "vehicle.odometer", "VIN2", "a");
            VerifiedRecord b = signed("gw-2", 1, T0, "vehicle.odometer", "VIN2", "b");
            assertThat(w.write(List.of(a, b), List.of())).isEqualTo(new WriteResult(1, 0, 0, 0, 1, 1));
        }
        List<VerifiedRecord> back = new ArrayList<>();
        store.deviceRecords("gw-1", 5, 5, back::add);
        assertThat(back).containsExactly(original);
        List<Finding> forks = new ArrayList<>();
        store.findings(FindingType.FORK, forks::add);
        assertThat(forks).extracting(Finding::device, Finding::seq)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("gw-1", 5L), org.assertj.core.groups.Tuple.tuple("gw-2", 1L));
        assertThat(forks.stream().filter(f -> f.device().equals("gw-1")).findFirst().orElseThrow().detail()).contains(java.util.HexFormat.of().formatHex(original.chainHash()))
                .contains(java.util.HexFormat.of().formatHex(fork.chainHash()));
        assertThat(store.devices()).extracting(DeviceCounts::device, DeviceCounts::forks)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gw-1", 1L), org.assertj.core.groups.Tuple.tuple("gw-2", 1L));
    }

    @Test
    void aVehiclesTimelineRunsAcrossTheTelematicsBoxesItHadInTimeOrder() throws Exception {
        // box A served the vehicle until day 2, box B (its replacement) from then; box A then served another vehicle
        long day = 86_400_000L;
        List<VerifiedRecord> boxA = List.of(signed("box-A", 1, T0, "VIN1"), signed("box-A", 2, T0 + day, "VIN1"),
                signed("box-A", 3, T0 + 3 * day, "VIN2"));
        List<VerifiedRecord> boxB = List.of(signed("box-B", 1, T0 + 2 * day, "VIN1"),
                signed("box-B", 2, T0 + 2 * day, "VIN1"), signed("box-B", 3, T0 + 4 * day, "VIN1"));
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(boxB, List.of()); // the order of arrival does not matter
            w.write(boxA, List.of());
        }
        List<String> timeline = new ArrayList<>();
        assertThat(store.timeline("VIN1", r -> timeline.add(r.device() + "#" + r.seq()))).isEqualTo(5);
        assertThat(timeline).containsExactly("box-A#1", "box-A#2", "box-B#1", "box-B#2", "box-B#3");
        List<String> window = new ArrayList<>();
        store.timeline("VIN1", T0 + day, T0 + 4 * day, r -> window.add(r.device() + "#" + r.seq()));
        assertThat(window).containsExactly("box-A#2", "box-B#1", "box-B#2");
        // the timeline's query can use the (owner tag, t) index, and a kind over time the (kind, t) one
        assertThat(plan(StoreSql.TIMELINE.replaceFirst("\\?", "'\\\\x" + java.util.HexFormat.of().formatHex(
                options.keys().subjectTag("VIN1")) + "'::bytea").replaceFirst("\\?", "now() - interval '1 day'")
                .replaceFirst("\\?", "now()"))).contains("records_owner_t");
        assertThat(plan("SELECT * FROM records WHERE kind = 'vehicle.odometer' AND t >= now() ORDER BY t"))
                .contains("records_kind_t");
    }

    /** The plan PostgreSQL picks when it may not scan the whole table. */
    private String plan(String sql) throws Exception {
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
                while (rs.next()) {
                    sb.append(rs.getString(1)).append('\n');
                }
            }
            return sb.toString();
        }
    }
}
