package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.cbor.CborWriter;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordHashes;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate fleet road-map} on a PostgreSQL fleet store: two vehicles' signed road.shock
 * records at the three defects of {@link RoadMapTest}'s route, an odometer record that is not a road
 * event, and a fork the fleet found at one of the second vehicle's shocks.
 */
@Tag("component")
class FleetRoadMapTest {
    @TempDir
    static Path dir;
    static PostgresServer pg;
    static Path svg;
    static CliRun.Result run;

    @BeforeAll
    static void storeAndRun() throws Exception {
        pg = PostgresServer.start(dir.resolve("pg"));
        Path masterKey = Files.writeString(dir.resolve("store-master.key"), StoreKeys.newMasterKeyHex());
        StoreConnector db = StoreOptions.of("test", Map.of("fleet.store.jdbc-url", pg.jdbcUrl(), "fleet.store.user", pg.user(),
                "fleet.store.password", "file:" + pg.passwordFile(), "fleet.store.master-key-source", "file:" + masterKey))
                .connector();
        new FleetStore(db).createOrUpdateSchema();
        TestPki pki = TestPki.create("fleet road map test CA");
        Path ca = TestPki.writePem(dir.resolve("ca.pem"), List.of(pki.caCertificate()));
        List<VerifiedRecord> records = new ArrayList<>();
        records.addAll(chain(pki, "van-1", List.of(RoadMapTest.shock(0, 0, 1, 1.4), RoadMapTest.shock(1, 3, 2, 0.9),
                io.certigate.core.testing.TestSpine.odometer(3), RoadMapTest.shock(0, -4, 4, 2.2))));
        records.addAll(chain(pki, "van-2", List.of(RoadMapTest.shock(0, 5, 6, 1.1), RoadMapTest.shock(2, 1, 7, 0.6))));
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(records, List.of(Finding.of("van-2", 2, FindingType.FORK, "two records with seq 2", 1_780_000_999_000L)));
        }
        Properties p = new Properties();
        p.setProperty("fleet.roles", "verify");
        p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9");
        p.setProperty("fleet.verify.ca", ca.toString());
        p.setProperty("fleet.verify.state-dir", dir.resolve("state").toString());
        p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
        p.setProperty("fleet.store.user", pg.user());
        p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
        p.setProperty("fleet.store.master-key-source", "file:" + masterKey);
        Path config = dir.resolve("fleet.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, null);
        }
        svg = dir.resolve("fleet-road-map.svg");
        run = CliRun.run("fleet", "road-map", "--config", config.toString(), "--out", svg.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    static List<VerifiedRecord> chain(TestPki pki, String device, List<Reading> readings) throws Exception {
        TestDevice d = TestDevice.create(dir.resolve("keys"), device);
        pki.issueDevice(d.key().publicKey(), device);
        List<VerifiedRecord> out = new ArrayList<>();
        byte[] prev = new byte[ChainedReading.HASH_BYTES];
        CborWriter w = new CborWriter(256);
        long seq = 0;
        for (Reading r : readings) {
            seq++;
            byte[] salt = new byte[ChainedReading.SALT_BYTES];
            salt[0] = (byte) seq;
            byte[] cose = CoseSign1.sign(d.key(), ReadingCodec.encode(new ChainedReading(device, seq, prev, salt, r), w.reset()));
            out.add(new VerifiedRecord(device, seq, r.observedAtMillis(), r.kind(), r.subject(), RecordHashes.leafHash(cose),
                    RecordHashes.chainHash(cose), cose, seq > 1, r.observedAtMillis() + 1000));
            prev = RecordHashes.chainHash(cose);
        }
        return out;
    }

    @Test
    void theMapHoldsEveryVehiclesLocatedShocksWithTheFleetsFindings() throws Exception {
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("road map " + svg + ": 5 located road.shock events from 2 vehicles in 3 hot spots"
                + " (2 verified, 1 failed)");
        String s = Files.readString(svg, StandardCharsets.UTF_8);
        assertThat(s).contains("3 events from 2 vehicles (van-1, van-2), peak 2.20 g, verified")
                .contains("1 event from 1 vehicle (van-1), peak 0.90 g, verified")
                .contains("1 event from 1 vehicle (van-2), peak 0.60 g, FAILED: 1 record did not verify")
                .contains("verification accepted (signature with a trusted device key, chain link)");
    }

    @Test
    void aStoreWithoutThatSubjectWritesNothing() {
        CliRun.Result r = CliRun.run("fleet", "road-map", "--config", dir.resolve("fleet.properties").toString(), "--subject",
                "bridge", "--out", dir.resolve("none.svg").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no located road.shock event of subject 'bridge'");
        assertThat(dir.resolve("none.svg")).doesNotExist();
    }
}
