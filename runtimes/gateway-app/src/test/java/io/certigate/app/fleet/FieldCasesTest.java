package io.certigate.app.fleet;

import static io.certigate.app.fleet.ConsumerFixture.client;
import static io.certigate.app.fleet.ConsumerFixture.get;
import static io.certigate.app.fleet.ConsumerFixture.registerByCommand;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.app.CliRun;
import io.certigate.core.model.Position;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.consumer.AccessLog;
import io.certigate.fleet.consumer.CopyKeys;
import io.certigate.fleet.consumer.Refusal;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.time.ManualScheduler;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.consent.ConsentCodes;
import io.certigate.verifier.export.ExportFile;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three field cases of docs/minimisation.md and docs/consent.md end to end, on one set-up:
 * PostgreSQL (the fleet store, payloads encrypted per subject), the anvil dev chain with the
 * DeviceRegistry and the ConsentRegistry (holder and consumers registered by the registrar's
 * {@code consent party register} with client certificates of the test consortium CA), the {@code consumer} role as {@code certigate fleet run} starts it,
 * and the holder's and the operator's commands ({@code consent grant|revoke}, {@code fleet subject
 * add}, {@code fleet erase-subject}).
 *
 * <p>Each case has a device whose chain of really signed records holds its subject's readings of
 * several kinds and, interleaved, readings of a second subject that the same gateway signs into the
 * same chain. Each case runs: no consent → refused; grant → served, the export verifies with the
 * verifier and holds only the consented kinds of the subject in full (the rest hash-only), the
 * access logged with those seqs and kinds; a kind the consent does not cover → refused; revoke →
 * refused as revoked; erasure of the subject → its records read back from the store hash-only, and
 * the export of the second subject from the same chain still verifies across the erased records.
 * Each case's consumer also keeps a sealed copy ({@code certigate consumer fetch}) that holds no
 * payload, opens it ({@code certigate consumer open}) into an export that verifies, and after the
 * revocation, at the copy-key watcher's next poll on virtual time, can no longer open it (the copy
 * itself still verifies hash-only); a copy fetched under a new consent becomes unreadable when the
 * subject is erased.
 */
@Tag("integration")
class FieldCasesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long T0 = 1_780_000_000_000L;
    static final Pattern GRANTED = Pattern.compile("granted consent (\\d+) in block");

    @TempDir
    static Path dir;
    static TestChain chain;
    static TestParties parties;
    static PostgresServer pg;
    static LedgerAccount holder;
    static LedgerAccount insurer;
    static LedgerAccount energyService;
    static LedgerAccount city;
    static SSLContext insurerTls;
    static SSLContext energyTls;
    static SSLContext cityTls;
    static Path config;
    static Path holderLedger;
    static Path subjects;
    static FleetStore store;
    static StoreConnector db;
    static TestDevice vehicleBox;
    static TestDevice meterGateway;
    static TestDevice cityBox;
    static FleetConsumerRole role;
    static ManualScheduler scheduler;
    static Path caPem;
    static final Map<String, Path> KEY_STORES = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir.resolve("chain"));
        parties = TestParties.deploy(chain);
        pg = PostgresServer.start(dir.resolve("pg"));
        TestPki ca = TestPki.create("consortium");
        caPem = TestPki.writePem(dir.resolve("ca.pem"), List.of(ca.caCertificate()));
        holder = parties.account(dir, "holder");
        insurer = parties.account(dir, "insurer");
        energyService = parties.account(dir, "energy");
        city = parties.account(dir, "city");
        // the parties get on the ledger as a registrar puts them there: `certigate consent party register`
        Path registrar = dir.resolve("chain").resolve("admin.key.json"); // TestChain's admin is the registrar
        registerByCommand(chain, registrar, parties, ca, caPem, dir, "holder:dana", holder.address(), true);
        KEY_STORES.put(insurer.address(), registerByCommand(chain, registrar, parties, ca, caPem, dir,
                "consumer:insurer", insurer.address(), false));
        KEY_STORES.put(energyService.address(), registerByCommand(chain, registrar, parties, ca, caPem, dir,
                "consumer:energy-coach", energyService.address(), false));
        KEY_STORES.put(city.address(), registerByCommand(chain, registrar, parties, ca, caPem, dir,
                "consumer:city-roads", city.address(), true));
        insurerTls = client(ca, KEY_STORES.get(insurer.address()));
        energyTls = client(ca, KEY_STORES.get(energyService.address()));
        cityTls = client(ca, KEY_STORES.get(city.address()));

        config = ConsumerFixture.consumerConfig(dir, pg, chain, parties, ca, caPem);
        FleetConfig cfg = FleetConfig.load(config);
        db = cfg.consumer().store().connector();
        store = new FleetStore(db);
        store.createOrUpdateSchema();

        Path pass = Files.writeString(dir.resolve("ledger.pass"), new String(TestChain.PASSPHRASE));
        holderLedger = dir.resolve("holder-ledger.properties");
        new LedgerSettings(chain.config(), dir.resolve("holder.key.json"), "file:" + pass).save(holderLedger);
        subjects = dir.resolve("subjects.properties");

        vehicleBox = TestDevice.create(dir, "tcu-field-1");
        meterGateway = TestDevice.create(dir, "tic-field-1");
        cityBox = TestDevice.create(dir, "tcu-field-city");
        DeviceKeys keys = new DeviceKeys(List.of(), false);
        for (TestDevice d : List.of(vehicleBox, meterGateway, cityBox)) {
            keys.add(d.id(), d.key().publicKey());
        }
        scheduler = new ManualScheduler();
        role = FleetConsumerRole.start(cfg.consumer(), keys, List.of(), null, Clock.systemUTC(), scheduler);
        scheduler.runDue(); // the copy-key watcher's first look at the chain
    }

    @AfterAll
    static void stop() throws Exception {
        if (role != null) {
            role.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (chain != null) {
            chain.close();
        }
    }

    /** One field case: the consumer, the subject and what the consent covers, the second subject on the chain. */
    record FieldCase(String purpose, LedgerAccount consumer, SSLContext tls, String subject, List<String> kinds,
            String notCovered, String other, LedgerAccount otherConsumer, SSLContext otherTls, String otherPurpose,
            List<String> otherKinds, TestDevice device, List<Reading> readings, Consumer<Reading> servedReading) {}

    @Test
    void insurerGetsTheCertifiedMileageOfTheVehicleAndNothingElse() throws Exception {
        String vin = "WVWZZZ1JZXW000101";
        String otherVin = "WVWZZZ1JZXW000102";
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t = T0 + i * 600_000L;
            readings.add(reading(t, "obd", "vehicle.odometer", vin, "12345." + i, "km"));
            readings.add(reading(t + 1000, "obd", "vehicle.speed", vin, "87", "km/h"));
            readings.add(reading(t + 2000, "motion", "road.shock", vin, "3.2", "g")
                    .withPosition(precise("48.856613", "2.352222").coarsened(3)));
            readings.add(reading(t + 3000, "obd", "vehicle.odometer", otherVin, "2040" + i, "km"));
        }
        run(new FieldCase("insurance.mileage", insurer, insurerTls, vin, List.of("vehicle.odometer"), "vehicle.speed",
                otherVin, insurer, insurerTls, "insurance.mileage", List.of("vehicle.odometer"), vehicleBox, readings,
                r -> assertThat(r.position()).as("the odometer carries no position").isNull()));
    }

    @Test
    void energyServiceGetsTheMetersIndexReadingsNotItsPowerProfile() throws Exception {
        String meter = "09876543210123";
        String otherMeter = "09876543210124";
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t = T0 + i * 900_000L;
            readings.add(reading(t, "tic", "meter.energy.import", meter, "1234567" + i, "Wh"));
            readings.add(reading(t + 1000, "tic", "meter.power.apparent", meter, "2" + i + "40", "VA"));
            readings.add(reading(t + 2000, "tic", "meter.current", meter, "1" + i, "A"));
            readings.add(reading(t + 3000, "tic", "meter.energy.import", otherMeter, "765432" + i, "Wh"));
        }
        run(new FieldCase("energy.coaching", energyService, energyTls, meter, List.of("meter.energy.import"),
                "meter.power.apparent", otherMeter, energyService, energyTls, "energy.coaching",
                List.of("meter.energy.import"), meterGateway, readings,
                r -> assertThat(r.unit()).isEqualTo("Wh")));
    }

    @Test
    void cityRoadServiceGetsRoadEventsWithACoarsePositionNeverTheTrack() throws Exception {
        // the box signs its road events under the subject `road` (motion.subject), its OBD readings under the VIN
        String roadEvents = "road";
        String vin = "VF1RFB00X67000103";
        String[][] track = {{"45.764043", "4.835659"}, {"45.764981", "4.837112"}, {"45.766187", "4.839270"}};
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < track.length; i++) {
            long t = T0 + i * 60_000L;
            // rounded as the GNSS service rounds it before signing with gnss.position-decimals = road.shock=3
            readings.add(reading(t, "motion", "road.shock", roadEvents, "4." + i, "g")
                    .withPosition(precise(track[i][0], track[i][1]).coarsened(3)));
            readings.add(reading(t + 1000, "obd", "vehicle.speed", vin, "4" + i, "km/h"));
            readings.add(reading(t + 2000, "obd", "vehicle.odometer", vin, "88000." + i, "km"));
        }
        List<String> precise = new ArrayList<>();
        for (String[] p : track) {
            precise.add(p[0]);
            precise.add(p[1]);
        }
        run(new FieldCase("city.road-maintenance", city, cityTls, roadEvents, List.of("road.shock"), "vehicle.speed",
                vin, insurer, insurerTls, "insurance.mileage", List.of("vehicle.odometer"), cityBox, readings, r -> {
                    assertThat(r.position()).as("a road event carries its position").isNotNull();
                    for (BigDecimal d : List.of(r.position().latitude(), r.position().longitude())) {
                        assertThat(d.scale()).as("decimals of " + d.toPlainString()).isLessThanOrEqualTo(3);
                        assertThat(precise).doesNotContain(d.toPlainString());
                    }
                }));
    }

    private static void run(FieldCase c) throws Exception {
        assertThat(ConsentCodes.text(ConsentCodes.purpose(c.purpose()))).isEqualTo(c.purpose());
        c.kinds().forEach(ConsentCodes::kind);
        ConsentCodes.kind(c.notCovered());
        List<VerifiedRecord> written = ConsumerFixture.writeChain(db, c.device(), c.readings());
        String records = "/v1/subjects/" + c.subject() + "/records?purpose=" + c.purpose();

        // before the grant
        assertRefused(get(c.tls(), role.port(), records), Refusal.NO_CONSENT);

        // grant, access, minimised content
        long consent = grant(c.subject(), c.consumer(), c.purpose(), c.kinds());
        HttpResponse<String> served = get(c.tls(), role.port(), records);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        long full = written.stream().filter(r -> c.subject().equals(r.subject()) && c.kinds().contains(r.kind())).count();
        assertThat(full).isPositive();
        VerificationReport report = verify(served.body(), c.device());
        assertThat(report.records()).isEqualTo(written.size());
        assertThat(report.verified()).as("the consented kinds of the subject, in full").isEqualTo(full);
        assertThat(report.omitted()).as("every other record, hash-only").isEqualTo(written.size() - full);
        for (JsonNode r : JSON.readTree(served.body()).path("records")) {
            VerifiedRecord w = written.get((int) r.path("seq").asLong() - 1);
            boolean covered = c.subject().equals(w.subject()) && c.kinds().contains(w.kind());
            assertThat(r.has("cose")).as("seq " + w.seq() + " " + w.kind()).isEqualTo(covered);
            assertThat(r.path("omitted").asBoolean()).isEqualTo(!covered);
            if (covered) {
                Reading served1 = ReadingCodec.decode(CoseSign1.parse(Base64.getUrlDecoder()
                        .decode(r.path("cose").asText())).payload()).reading();
                assertThat(served1.kind()).isIn(c.kinds());
                assertThat(served1.subject()).isEqualTo(c.subject());
                c.servedReading().accept(served1);
            }
        }

        List<AccessLog.Access> accesses = new AccessLog(db).all();
        AccessLog.Access access = accesses.get(accesses.size() - 1);
        assertThat(access.outcome()).isEqualTo("served");
        assertThat(access.consumerAccount()).isEqualToIgnoringCase(c.consumer().address());
        assertThat(access.purpose()).isEqualTo(c.purpose());
        assertThat(access.device()).isEqualTo(c.device().id());
        assertThat(access.kinds()).containsExactlyInAnyOrderElementsOf(c.kinds());
        assertThat(access.fullSeqs()).containsExactlyElementsOf(written.stream()
                .filter(r -> c.subject().equals(r.subject()) && c.kinds().contains(r.kind()))
                .map(VerifiedRecord::seq).toList());
        assertThat(access.hashOnly()).isEqualTo(written.size() - full);

        // a kind the consent does not cover
        assertRefused(get(c.tls(), role.port(), records + "&kinds=" + c.notCovered()), Refusal.KIND_NOT_COVERED);

        // a sealed copy, fetched and opened by the consumer with `certigate consumer`
        Path copy = dir.resolve(c.device().id() + ".sealed.json");
        CliRun.Result fetched = consumer(c, "fetch", "--out", copy.toString());
        assertThat(fetched.exit()).as(fetched.err()).isZero();
        String copyText = Files.readString(copy);
        assertThat(copyText).as("the subject as a value").doesNotContain("\"" + c.subject() + "\"");
        for (VerifiedRecord w : written) {
            assertThat(copyText).as("seq " + w.seq() + "'s COSE bytes")
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(w.cose()));
        }
        assertThat(verify(JSON.readTree(copyText).path("export").toString(), c.device()).verified())
                .as("the copy alone: a hash-only chain").isZero();
        Path opened = dir.resolve(c.device().id() + ".opened.json");
        CliRun.Result open = consumer(c, "open", "--copy", copy.toString(), "--out", opened.toString());
        assertThat(open.exit()).as(open.err()).isZero();
        assertThat(verify(Files.readString(opened), c.device()).verified()).isEqualTo(full);
        CliRun.Result verified = CliRun.run("verify", "-q", opened.toString());
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        Files.delete(opened);

        // revocation: the next request is refused, and at the watcher's next poll the copy's key is gone
        CliRun.Result revoked = CliRun.run("consent", "revoke", "--ledger", holderLedger.toString(),
                "--consent-registry", parties.consentRegistry, "--id", Long.toString(consent));
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertRefused(get(c.tls(), role.port(), records), Refusal.REVOKED);
        String keyId = JSON.readTree(copyText).path("keyId").asText();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(new CopyKeys(db).find(keyId).orElseThrow().live()).as("copy key after the next poll").isFalse();
        CliRun.Result unreadable = consumer(c, "open", "--copy", copy.toString(), "--out", opened.toString());
        assertThat(unreadable.exit()).as(unreadable.out()).isEqualTo(1);
        assertThat(unreadable.err()).contains("refused (" + Refusal.REVOKED + ")");
        assertThat(opened).doesNotExist();
        assertThat(verify(Files.readString(copy), "export", c.device()).ok()).as("the kept copy still verifies").isTrue();

        // the second subject on the same chain is shared with its own consumer
        grant(c.other(), c.otherConsumer(), c.otherPurpose(), c.otherKinds());

        // a new consent and a new sealed copy, whose key the erasure destroys
        long regranted = grant(c.subject(), c.consumer(), c.purpose(), c.kinds());
        Path copy2 = dir.resolve(c.device().id() + ".sealed2.json");
        CliRun.Result fetched2 = consumer(c, "fetch", "--out", copy2.toString());
        assertThat(fetched2.exit()).as(fetched2.err()).isZero();

        // erasure of the subject: its records hash-only in the store, the other subject's export still verifies
        long ofSubject = written.stream().filter(r -> c.subject().equals(r.subject())).count();
        CliRun.Result erased = CliRun.run("fleet", "erase-subject", "--config", config.toString(), "--subject",
                c.subject());
        assertThat(erased.exit()).as(erased.err()).isZero();
        assertThat(erased.out()).contains("records_shredded=" + ofSubject).contains("copy_keys_destroyed=1");
        CliRun.Result afterErasure2 = consumer(c, "open", "--copy", copy2.toString(), "--out", opened.toString());
        assertThat(afterErasure2.exit()).as(afterErasure2.out()).isEqualTo(1);
        assertThat(afterErasure2.err()).contains("refused (" + Refusal.KEY_DESTROYED + ")").contains("subject-erased");
        CliRun.Result revoked2 = CliRun.run("consent", "revoke", "--ledger", holderLedger.toString(),
                "--consent-registry", parties.consentRegistry, "--id", Long.toString(regranted));
        assertThat(revoked2.exit()).as(revoked2.err()).isZero();
        List<VerifiedRecord> back = new ArrayList<>();
        store.deviceRecords(c.device().id(), 1, Long.MAX_VALUE, back::add);
        assertThat(back).hasSize(written.size());
        for (int i = 0; i < back.size(); i++) {
            VerifiedRecord w = written.get(i);
            VerifiedRecord b = back.get(i);
            if (c.subject().equals(w.subject())) {
                assertThat(b.erased()).as("seq " + w.seq() + " of the erased subject").isTrue();
                assertThat(b.leafHash()).isEqualTo(w.leafHash());
                assertThat(b.chainHash()).isEqualTo(w.chainHash());
            } else {
                assertThat(b).isEqualTo(w);
            }
        }
        HttpResponse<String> other = get(c.otherTls(), role.port(), "/v1/subjects/" + c.other() + "/records?purpose="
                + c.otherPurpose());
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        VerificationReport afterErasure = verify(other.body(), c.device());
        assertThat(afterErasure.erased()).isEqualTo(ofSubject);
        assertThat(afterErasure.verified()).isEqualTo(written.stream()
                .filter(r -> c.other().equals(r.subject()) && c.otherKinds().contains(r.kind())).count());
        assertRefused(get(c.tls(), role.port(), records), Refusal.REVOKED);
    }

    /** {@code certigate consumer fetch|open} as the case's consumer, with its key store and the CA. */
    private static CliRun.Result consumer(FieldCase c, String command, String... more) {
        List<String> args = new ArrayList<>(List.of("consumer", command, "--api", "https://localhost:" + role.port(),
                "--key-store", KEY_STORES.get(c.consumer().address()).toString(), "--passphrase-source",
                "file:" + dir.resolve("tls.pass"), "--ca", caPem.toString(), "--subject", c.subject(), "--purpose",
                c.purpose()));
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    private static VerificationReport verify(String body, String field, TestDevice device) throws Exception {
        return verify(JSON.readTree(body).path(field).toString(), device);
    }

    private static VerificationReport verify(String body, TestDevice device) throws Exception {
        ExportFile.Contents export = ExportFile.parse(JSON.readTree(body), "served export");
        assertThat(export.device()).isEqualTo(device.id());
        VerificationReport report = new Verifier().export(export);
        assertThat(report.ok()).as(report.toString()).isTrue();
        return report;
    }

    /** {@code certigate consent grant} by the holder, then {@code certigate fleet subject add}; the consent's id. */
    private static long grant(String subject, LedgerAccount consumer, String purpose, List<String> kinds)
            throws Exception {
        CliRun.Result g = CliRun.run("consent", "grant", "--ledger", holderLedger.toString(), "--consent-registry",
                parties.consentRegistry, "--subjects", subjects.toString(), "--subject", subject, "--consumer",
                consumer.address(), "--purpose", purpose, "--kinds", String.join(",", kinds), "--until", "2099-01-01");
        assertThat(g.exit()).as(g.err()).isZero();
        Matcher m = GRANTED.matcher(g.out());
        assertThat(m.find()).as(g.out()).isTrue();
        CliRun.Result add = CliRun.run("fleet", "subject", "add", "--config", config.toString(), "--subject", subject,
                "--subjects", subjects.toString(), "--holder", holder.address());
        assertThat(add.exit()).as(add.err()).isZero();
        return Long.parseLong(m.group(1));
    }

    private static void assertRefused(HttpResponse<String> r, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("refused").asText()).isEqualTo(code);
    }

    private static Reading reading(long t, String source, String kind, String subject, String value, String unit) {
        return new Reading(t, TimeQuality.NTP, source, kind, subject, ReadingValue.of(new BigDecimal(value)), unit);
    }

    private static Position precise(String lat, String lon) {
        return new Position(new BigDecimal(lat), new BigDecimal(lon), new BigDecimal("0.9"), 200);
    }
}
