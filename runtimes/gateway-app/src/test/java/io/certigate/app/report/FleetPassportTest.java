package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.cbor.CborWriter;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.store.StoreSchema;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
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
 * {@code certigate fleet passport} on a real PostgreSQL (no Kafka): a vehicle whose telematics box
 * was replaced, two devices with the same VIN, the old box's records up to a day, the new box's from
 * seq 1 after it; the new box starts below the old box's last odometer value (a rollback only the
 * merged time order shows). The store holds real signed, chained records, an erasure of the old
 * box's last record, a gap of the new box with its finding, and another vehicle with a finding of its own.
 */
@Tag("component")
class FleetPassportTest {
    static final String VIN = "WVWZZZ1KZBOX00001";
    static final long T0 = 1_780_000_000_000L;
    static final long HOUR = 3_600_000L;

    @TempDir
    static Path dir;
    static PostgresServer pg;
    static Path config;
    static Path html;
    static CliRun.Result run;

    @BeforeAll
    static void storeAndRun() throws Exception {
        pg = PostgresServer.start(dir.resolve("pg"));
        Path masterKey = Files.writeString(dir.resolve("store-master.key"), StoreKeys.newMasterKeyHex());
        StoreConnector db = StoreOptions.of("test", Map.of("fleet.store.jdbc-url", pg.jdbcUrl(), "fleet.store.user", pg.user(),
                "fleet.store.password", "file:" + pg.passwordFile(), "fleet.store.master-key-source", "file:" + masterKey))
                .connector();
        assertThat(new FleetStore(db).createOrUpdateSchema()).isEqualTo(StoreSchema.VERSION);
        TestPki pki = TestPki.create("fleet passport test CA");
        Path ca = TestPki.writePem(dir.resolve("ca.pem"), List.of(pki.caCertificate()));

        List<VerifiedRecord> records = new ArrayList<>();
        // the old box: seq 1..30, hourly, 50 002 .. 50 060 km; seq 30 is erased afterwards
        List<VerifiedRecord> old = chain(pki, "box-old", VIN, 30, T0, 50_000, 2);
        records.addAll(old);
        // the new box, fitted 2 hours after the old box's last record: seq 1..40 from 49 993 km (a rollback of
        // 65 km against the old box's 50 058 km), seq 19 never arrived, seq 20 accepted after the gap
        List<VerifiedRecord> fresh = chain(pki, "box-new", VIN, 40, T0 + 31 * HOUR, 49_990, 3);
        for (VerifiedRecord r : fresh) {
            if (r.seq() == 19) {
                continue;
            }
            records.add(r.seq() == 20 ? unlinked(r) : r);
        }
        records.addAll(chain(pki, "box-other", "OTHERVIN000000001", 5, T0, 10_000, 1));
        List<Finding> findings = List.of(
                new Finding("box-new", 19, 19, FindingType.GAP, "seq 19 never arrived; seq 20 was accepted without its link",
                        T0 + 50 * HOUR),
                Finding.of("box-other", 3, FindingType.BAD_SIGNATURE, "the signature of seq 3 of the other vehicle failed",
                        T0 + HOUR));
        try (StoreWriter w = new StoreWriter(db)) {
            w.write(records, findings);
            VerifiedRecord last = old.get(old.size() - 1);
            w.write(List.of(new VerifiedRecord(last.device(), last.seq(), -1, null, null, last.leafHash(), last.chainHash(),
                    null, true, T0 + 60 * HOUR)), List.of());
        }

        Properties p = new Properties();
        // a verification-only instance's configuration: the store is read from its fleet.store.* keys all the same
        p.setProperty("fleet.roles", "verify");
        p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9");
        p.setProperty("fleet.verify.ca", ca.toString());
        p.setProperty("fleet.verify.state-dir", dir.resolve("state").toString());
        p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
        p.setProperty("fleet.store.user", pg.user());
        p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
        p.setProperty("fleet.store.master-key-source", "file:" + masterKey);
        config = dir.resolve("fleet.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, null);
        }
        html = dir.resolve("passport.html");
        run = CliRun.run("fleet", "passport", "--config", config.toString(), "--subject", VIN, "--out", html.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    /** Real signed records of one device, chained from seq 1, odometer {@code km0 + step * seq}, hourly from {@code t0}. */
    static List<VerifiedRecord> chain(TestPki pki, String device, String vin, int n, long t0, long km0, long step)
            throws Exception {
        TestDevice d = TestDevice.create(dir.resolve("keys"), device);
        pki.issueDevice(d.key().publicKey(), device);
        List<VerifiedRecord> out = new ArrayList<>();
        byte[] prev = new byte[ChainedReading.HASH_BYTES];
        CborWriter w = new CborWriter(256);
        for (long seq = 1; seq <= n; seq++) {
            long t = t0 + (seq - 1) * HOUR;
            Reading r = new Reading(t, TimeQuality.NTP, "obd", "vehicle.odometer", vin, ReadingValue.of(km0 + step * seq), "km");
            byte[] salt = new byte[ChainedReading.SALT_BYTES];
            salt[0] = (byte) seq;
            byte[] cose = CoseSign1.sign(d.key(), ReadingCodec.encode(new ChainedReading(device, seq, prev, salt, r), w.reset()));
            out.add(new VerifiedRecord(device, seq, t, "vehicle.odometer", vin, RecordHashes.leafHash(cose),
                    RecordHashes.chainHash(cose), cose, seq > 1, t + 1000));
            prev = RecordHashes.chainHash(cose);
        }
        return out;
    }

    static VerifiedRecord unlinked(VerifiedRecord r) {
        return new VerifiedRecord(r.device(), r.seq(), r.observedAtMs(), r.kind(), r.subject(), r.leafHash(), r.chainHash(),
                r.cose(), false, r.verifiedAtMs());
    }

    @Test
    void theCommandWritesThePassportOfBothBoxes() {
        assertThat(run.exit()).as(run.err()).isZero();
        // old box 29 (seq 30 erased), new box 39 (seq 19 missing)
        assertThat(run.out()).contains("wrote " + html + ": 68 readings of the subject from 2 devices, 1 finding about them,"
                + " 1 rollback");
    }

    @Test
    void thePageSaysWhatItRestsOnPerDevice() throws Exception {
        String page = Files.readString(html);
        assertThat(page).contains("<h1>Passport of " + VIN + "</h1>")
                .contains("by 2 devices (<code>box-old</code>, <code>box-new</code>), in time order, read from the fleet store "
                        + pg.jdbcUrl());
        assertThat(page).contains("VERIFIED BY THE FLEET, WITH FINDINGS: the 68 readings of " + VIN + " from 2 devices")
                .contains("Not verified again by this passport:")
                .contains("consortium CA O=certigate test,CN=fleet passport test CA (fleet.verify.ca = ");
        assertThat(page).contains("<tr class=\"device\"><td><code>box-old</code></td><td>29</td><td>1..29</td><td><span class=\"ok\">"
                + "every link checked</span></td><td>30</td><td>1</td><td><span class=\"ok\">none</span></td></tr>");
        assertThat(page).contains("<tr class=\"device\"><td><code>box-new</code></td><td>39</td><td>1..40</td><td><span class=\"warn\">"
                + "1 accepted after a gap, link not checked</span></td><td>39</td><td>0</td><td><span class=\"bad\">1</span>")
                .contains("<li>gap at seq 19: seq 19 never arrived; seq 20 was accepted without its link</li>");
        assertThat(page).doesNotContain("box-other").doesNotContain("OTHERVIN").doesNotContain("other vehicle");
        // a file passport's sections that mean nothing for the store are not there
        assertThat(page).doesNotContain("id=\"ledger\"").doesNotContain("--rpc)").doesNotContain("of the file");
    }

    @Test
    void theOdometerIsOneTimelineAcrossTheBoxes() throws Exception {
        String page = Files.readString(html);
        assertThat(page).contains("<b>1 rollback of the odometer</b>")
                .contains("(seq 1 of box-new) the odometer read 49,993 km, 65 km less than the 50,058 km certified on")
                .contains("(seq 29 of box-old)")
                .contains("It ended at seq 23 of box-new");
        assertThat(page).contains("vehicle.odometer: 68 readings from");
        assertThat(page).contains("<b>vehicle.odometer</b>: 68 readings, all verified");
        // every listed reading names its device
        assertThat(page).contains("<td><code>box-old</code></td><td>1</td>").contains("<td><code>box-new</code></td><td>1</td>")
                .contains("<span class=\"ok\">verified by the fleet</span>");
    }

    @Test
    void aSubjectTheStoreDoesNotHoldWritesNothing() {
        Path none = dir.resolve("none.html");
        CliRun.Result r = CliRun.run("fleet", "passport", "--config", config.toString(), "--subject", "NOSUCHVIN", "--out",
                none.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no reading of subject 'NOSUCHVIN' in the store");
        assertThat(none).doesNotExist();
    }

    /** What a reader sees, rendered by Debian's headless Chromium. */
    @Tag("integration")
    @Test
    void chromiumShowsBothBoxesAndTheFinding() throws Exception {
        Chromium.Rendered page = new Chromium(dir.resolve("profile")).render(html, "#fleet-devices tr.device",
                "svg g.rollback-marker", "#verdict-headline");
        assertThat(page.text()).contains("VERIFIED BY THE FLEET, WITH FINDINGS: the 68 readings of " + VIN + " from 2 devices")
                .contains("box-old 29 1..29").contains("box-new 39 1..40")
                .contains("gap at seq 19: seq 19 never arrived")
                .contains("Not verified again by this passport: whoever reads it trusts the fleet operator's verification");
        assertThat(page.count("#fleet-devices tr.device")).isEqualTo(2);
        assertThat(page.count("svg g.rollback-marker")).isEqualTo(1);
        assertThat(page.count("#verdict-headline")).isEqualTo(1);
    }
}
