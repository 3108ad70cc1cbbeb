package io.certigate.fleet.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.time.ManualClock;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.testing.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verification topology on real signed, chained records of test devices (a real sequencer into
 * a real buffer, uplink's {@code TestDevice}), in a {@code TopologyTestDriver} whose wall clock is
 * virtual: timeouts are reached by advancing it, never by sleeping.
 */
@Tag("component")
class FleetVerifyTopologyTest {
    /** Parked devices reported at once, except in the test of the grace period. */
    private static final FleetVerifySettings SETTINGS = FleetVerifySettings.defaults()
            .with(FleetVerifySettings.GAP_TIMEOUT_MS, Duration.ofMinutes(5).toMillis()).with(FleetVerifySettings.AHEAD_BUFFER, 100)
            .with(FleetVerifySettings.UNKNOWN_DEVICE_AFTER_MS, 0);

    @TempDir
    Path dir;

    private TestDevice device;
    private VerifyDriver driver;

    @BeforeEach
    void setUp() throws Exception {
        device = TestDevice.create(dir, "dev-1");
        device.produce(20);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (driver != null) {
            driver.close();
        }
        device.close();
    }

    private DeviceKeys configured() {
        DeviceKeys k = new DeviceKeys(List.of(), false);
        k.add("dev-1", device.key().publicKey());
        return k;
    }

    private VerifyDriver open(FleetVerifySettings settings, DeviceKeys keys) {
        driver = new VerifyDriver(settings, keys, dir.resolve("state"));
        return driver;
    }

    private List<StoredRecord> range(long from, long to) throws Exception {
        return device.buffer().range(from, to);
    }

    private static List<Long> seqs(List<VerifiedRecord> v) {
        return v.stream().map(VerifiedRecord::seq).toList();
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** A record of dev-1 for {@code seq}, validly signed by its key, with the given prev. */
    private byte[] signedBy(TestDevice d, long seq, byte[] prev, long value) throws Exception {
        ChainedReading c = new ChainedReading(d.id(), seq, prev, new byte[16], new Reading(1_700_000_000_000L + seq,
                TimeQuality.NTP, "obd", "vehicle.odometer", "VF1TESTVIN0000001", ReadingValue.of(value), "km"));
        return CoseSign1.sign(d.key(), ReadingCodec.encode(c));
    }

    @Test
    void anInOrderChainIsVerifiedLinkedWithTheReadingsFields() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 10));
        d.readings("dev-1", range(11, 20));
        List<VerifiedRecord> v = d.verified();
        assertThat(seqs(v)).isEqualTo(seqs(1, 20));
        assertThat(v).allSatisfy(r -> {
            assertThat(r.linked()).isTrue();
            assertThat(r.device()).isEqualTo("dev-1");
            assertThat(r.kind()).isEqualTo("vehicle.odometer");
            assertThat(r.subject()).isEqualTo("VF1TESTVIN0000001");
            assertThat(r.verifiedAtMs()).isEqualTo(VerifyDriver.START.toEpochMilli());
        });
        StoredRecord.Signed seven = (StoredRecord.Signed) range(7, 7).get(0);
        assertThat(v.get(6).cose()).as("the bytes the device signed, not re-encoded").isEqualTo(seven.cose());
        assertThat(v.get(6).chainHash()).isEqualTo(RecordHashes.chainHash(seven.cose()));
        assertThat(v.get(6).leafHash()).isEqualTo(RecordHashes.leafHash(seven.cose()));
        assertThat(v.get(6).observedAtMs()).isEqualTo(1_700_000_000_007L);
        assertThat(d.findings()).isEmpty();
        assertThat(d.metrics.received()).isEqualTo(20);
        assertThat(d.metrics.verified()).isEqualTo(20);
    }

    @Test
    void duplicatesAreCountedAndDropped() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 10));
        d.readings("dev-1", range(1, 10));
        d.readings("dev-1", range(5, 15));
        assertThat(seqs(d.verified())).isEqualTo(seqs(1, 15));
        assertThat(d.findings()).isEmpty();
        assertThat(d.metrics.duplicates()).isEqualTo(16);
        assertThat(d.metrics.received()).isEqualTo(31);
    }

    @Test
    void recordsArrivingOutOfOrderAreHealedBeforeTheTimeout() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(11, 20));
        d.readings("dev-1", range(6, 10));
        assertThat(d.verified()).as("nothing links to the genesis yet").isEmpty();
        d.advance(Duration.ofMinutes(4));
        d.readings("dev-1", range(1, 5));
        List<VerifiedRecord> v = d.verified();
        assertThat(seqs(v)).isEqualTo(seqs(1, 20));
        assertThat(v).allMatch(VerifiedRecord::linked);
        d.advance(Duration.ofMinutes(10));
        assertThat(d.findings()).isEmpty();
    }

    @Test
    void aGapStillOpenAfterTheTimeoutIsReportedAndTheChainResumesThenLateRecordsFillIt() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 5));
        d.readings("dev-1", range(9, 12));
        assertThat(seqs(d.verified())).isEqualTo(seqs(1, 5));
        d.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(d.findings()).as("not yet: the gap is younger than the timeout").isEmpty();
        d.advance(Duration.ofSeconds(2));
        List<Finding> f = d.findings();
        assertThat(f).hasSize(1);
        assertThat(f.get(0).type()).isEqualTo(FindingType.GAP);
        assertThat(f.get(0).seq()).isEqualTo(6);
        assertThat(f.get(0).lastSeq()).isEqualTo(8);
        List<VerifiedRecord> v = d.verified();
        assertThat(seqs(v)).isEqualTo(seqs(9, 12));
        assertThat(v.get(0).linked()).as("resumed across the gap").isFalse();
        assertThat(v.subList(1, 4)).allMatch(VerifiedRecord::linked);
        d.readings("dev-1", range(13, 13));
        assertThat(seqs(d.verified())).containsExactly(13L);

        // the late records still verify and link to both sides, from the middle outwards
        d.readings("dev-1", range(7, 7));
        d.readings("dev-1", range(8, 8));
        d.readings("dev-1", range(6, 6));
        v = d.verified();
        assertThat(seqs(v)).containsExactly(7L, 8L, 6L);
        assertThat(v.get(0).linked()).as("7: seq 6 not known yet").isFalse();
        assertThat(v.get(1).linked()).isTrue();
        assertThat(v.get(2).linked()).isTrue();
        d.readings("dev-1", range(1, 13));
        assertThat(d.verified()).isEmpty();
        d.advance(Duration.ofHours(1));
        assertThat(d.findings()).isEmpty();
    }

    @Test
    void aLateRecordThatDoesNotLinkToItsNeighboursIsRefused() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 5));
        d.readings("dev-1", range(7, 8));
        d.advance(Duration.ofMinutes(6));
        assertThat(d.findings(FindingType.GAP)).hasSize(1);
        d.verified();
        // validly signed seq 6 whose prev is not seq 5's hash, nor its own hash seq 7's prev
        byte[] forged = signedBy(device, 6, new byte[32], 1);
        d.readings("dev-1", List.of(new StoredRecord.Signed(6, forged)));
        assertThat(d.verified()).isEmpty();
        assertThat(d.findings()).extracting(Finding::type, Finding::seq).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FindingType.BROKEN_LINK, 6L));
        d.readings("dev-1", range(6, 6));
        assertThat(seqs(d.verified())).containsExactly(6L);
    }

    @Test
    void eachOfTwoGapsIsReportedAfterItsOwnTimeout() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 1));
        d.readings("dev-1", range(4, 4));
        d.advance(Duration.ofMinutes(3));
        d.readings("dev-1", range(7, 7));
        d.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertThat(d.findings()).extracting(Finding::type, Finding::seq, Finding::lastSeq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FindingType.GAP, 2L, 3L));
        assertThat(seqs(d.verified())).containsExactly(1L, 4L);
        d.advance(Duration.ofMinutes(4).plusSeconds(58));
        assertThat(d.findings()).as("the second gap's time starts when the chain resumed").isEmpty();
        d.advance(Duration.ofSeconds(2));
        assertThat(d.findings()).extracting(Finding::type, Finding::seq, Finding::lastSeq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FindingType.GAP, 5L, 6L));
        assertThat(seqs(d.verified())).containsExactly(7L);
    }

    @Test
    void aFullAheadBufferReportsTheGapAtOnce() throws Exception {
        VerifyDriver d = open(SETTINGS.with(FleetVerifySettings.AHEAD_BUFFER, 3), configured());
        d.readings("dev-1", range(1, 1));
        d.readings("dev-1", range(5, 6));
        assertThat(d.findings()).isEmpty();
        d.readings("dev-1", range(7, 9));
        List<Finding> f = d.findings();
        assertThat(f).extracting(Finding::type, Finding::seq, Finding::lastSeq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FindingType.GAP, 2L, 4L));
        List<VerifiedRecord> v = d.verified();
        assertThat(seqs(v)).isEqualTo(seqs(1, 9).stream().filter(s -> s < 2 || s > 4).toList());
        assertThat(v.get(1).linked()).isFalse();
    }

    @Test
    void aSecondValidlySignedRecordForAnAcceptedSeqIsAFork() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 5));
        byte[] prev2 = ((StoredRecord.Signed) range(2, 2).get(0)).chainHash();
        d.readings("dev-1", List.of(new StoredRecord.Signed(3, signedBy(device, 3, prev2, 999))));
        // and one for a seq still waiting ahead of a gap
        d.readings("dev-1", range(8, 8));
        byte[] prev7 = ((StoredRecord.Signed) range(7, 7).get(0)).chainHash();
        d.readings("dev-1", List.of(new StoredRecord.Signed(8, signedBy(device, 8, prev7, 999))));
        assertThat(d.findings()).extracting(Finding::type, Finding::seq).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FindingType.FORK, 3L),
                org.assertj.core.groups.Tuple.tuple(FindingType.FORK, 8L));
        assertThat(seqs(d.verified())).isEqualTo(seqs(1, 5));
        d.readings("dev-1", range(6, 7));
        assertThat(seqs(d.verified())).as("the record held first is kept").isEqualTo(seqs(6, 8));
    }

    @Test
    void aTamperedRecordIsABadSignatureAndTheGenuineOneIsStillAccepted() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        List<StoredRecord> recs = new ArrayList<>(range(1, 5));
        byte[] tampered = ((StoredRecord.Signed) recs.get(2)).cose();
        tampered[tampered.length - 1] ^= 1;
        recs.set(2, new StoredRecord.Signed(3, tampered));
        d.readings("dev-1", recs);
        assertThat(d.findings()).extracting(Finding::type, Finding::seq).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FindingType.BAD_SIGNATURE, 3L));
        assertThat(seqs(d.verified())).containsExactly(1L, 2L);
        d.readings("dev-1", range(3, 3));
        assertThat(seqs(d.verified())).containsExactly(3L, 4L, 5L);
        assertThat(d.metrics.refused(FindingType.BAD_SIGNATURE)).isEqualTo(1);
    }

    @Test
    void aDeviceReplayingAnotherDevicesRecordsOrSigningWithAnotherKeyIsRefused() throws Exception {
        TestDevice other = TestDevice.create(dir.resolve("other"), "dev-2");
        TestDevice impostor = TestDevice.create(dir.resolve("impostor"), "dev-1");
        try {
            other.produce(3);
            impostor.produce(3);
            DeviceKeys keys = configured();
            keys.add("dev-2", other.key().publicKey());
            VerifyDriver d = open(SETTINGS, keys);
            d.readings("dev-1", range(1, 2));
            d.readings("dev-1", VerifyDriver.batch("dev-2", other.buffer().range(1, 3)));
            d.readings("dev-1", VerifyDriver.batch("dev-1", impostor.buffer().range(3, 3)));
            List<Finding> f = d.findings();
            assertThat(f).extracting(Finding::type).containsExactly(FindingType.WRONG_DEVICE, FindingType.WRONG_DEVICE,
                    FindingType.WRONG_DEVICE, FindingType.UNTRUSTED_KEY);
            assertThat(f).allMatch(x -> x.device().equals("dev-1"));
            assertThat(d.parked()).hasSize(1);
            assertThat(seqs(d.verified())).containsExactly(1L, 2L);
            d.readings("dev-1", range(3, 3));
            assertThat(seqs(d.verified())).containsExactly(3L);
        } finally {
            other.close();
            impostor.close();
        }
    }

    @Test
    void garbageAndOversizedPayloadsAreFindingsAndNeverStopThePartition() throws Exception {
        VerifyDriver d = open(SETTINGS.with(FleetVerifySettings.MAX_PAYLOAD_BYTES, 8192), configured());
        d.readings("dev-1", new byte[] {(byte) 0x83, 0x01}); // truncated array
        d.readings("dev-1", new byte[] {(byte) 0x81, 0x01}); // an item that is not a record
        d.readings("dev-1", new byte[] {(byte) 0x81, (byte) 0xd2, 0x40}); // tag 18 around garbage
        d.readings("dev-1", "not cbor at all".getBytes(StandardCharsets.UTF_8));
        // validly signed by the device, but the payload is no Reading
        d.readings("dev-1", List.of(new StoredRecord.Signed(1, CoseSign1.sign(device.key(),
                new byte[] {(byte) 0xa1, 0x61, 0x78, 0x01}))));
        d.readings("dev-1", new byte[9000]);
        d.send(null, FleetTopics.KIND_READINGS, VerifyDriver.batch("dev-1", range(1, 2)));
        d.send(new byte[] {(byte) 0xff, (byte) 0xfe}, FleetTopics.KIND_READINGS, VerifyDriver.batch("dev-1", range(1, 2)));
        d.send(FleetTopics.key("dev-1"), "what", new byte[] {1});
        d.send(FleetTopics.key("dev-1"), FleetTopics.KIND_READINGS, null);
        d.status("dev-1", new StatusMessage("dev-9", StatusMessage.State.ONLINE, 1, 0, List.of()));
        d.send(FleetTopics.key("dev-1"), FleetTopics.KIND_STATUS, "{\"format\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
        d.readings("dev-1", range(1, 20));
        List<Finding> f = d.findings();
        assertThat(seqs(d.verified())).isEqualTo(seqs(1, 20));
        assertThat(f).extracting(Finding::type).containsExactly(FindingType.MALFORMED, FindingType.MALFORMED,
                FindingType.MALFORMED, FindingType.MALFORMED, FindingType.MALFORMED, FindingType.OVERSIZED, FindingType.MALFORMED,
                FindingType.MALFORMED, FindingType.MALFORMED, FindingType.MALFORMED, FindingType.WRONG_DEVICE,
                FindingType.MALFORMED);
        assertThat(d.metrics.refused(FindingType.MALFORMED)).isEqualTo(10);
        assertThat(d.metrics.refused(FindingType.OVERSIZED)).isEqualTo(1);
    }

    @Test
    void aStatusThatComesAfterItsReadingsWithinTheGracePeriodLeavesNoFindingAndALateOneDoes() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice racing = TestDevice.create(dir.resolve("racing"), "dev-r");
        TestDevice silent = TestDevice.create(dir.resolve("silent"), "dev-s");
        try {
            var chain = List.of(pki.issueDevice(racing.key().publicKey(), "dev-r"), pki.caCertificate());
            racing.produce(5);
            silent.produce(5);
            VerifyDriver d = open(SETTINGS.with(FleetVerifySettings.UNKNOWN_DEVICE_AFTER_MS, 30_000),
                    new DeviceKeys(List.of(pki.caCertificate()), false));
            d.readings("dev-r", VerifyDriver.batch("dev-r", racing.buffer().range(1, 5)));
            d.readings("dev-s", VerifyDriver.batch("dev-s", silent.buffer().range(1, 5)));
            d.advance(Duration.ofSeconds(20));
            assertThat(d.findings()).as("both parked, within the grace period").isEmpty();
            d.status("dev-r", new StatusMessage("dev-r", StatusMessage.State.ONLINE, 5, 0, chain));
            assertThat(seqs(d.verified())).isEqualTo(seqs(1, 5));
            d.advance(Duration.ofSeconds(11));
            assertThat(d.findings()).extracting(Finding::device, Finding::type, Finding::seq)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("dev-s", FindingType.UNKNOWN_DEVICE, 1L));
            d.advance(Duration.ofMinutes(5));
            assertThat(d.findings()).as("reported once").isEmpty();
        } finally {
            racing.close();
            silent.close();
        }
    }

    @Test
    void anUnknownDevicesRecordsAreParkedOnceReportedAndVerifiedWhenItsStatusTeachesTheKey() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice issued = TestDevice.create(dir.resolve("issued"), "dev-2");
        try {
            var chain = List.of(pki.issueDevice(issued.key().publicKey(), "dev-2"), pki.caCertificate());
            issued.produce(10);
            VerifyDriver d = open(SETTINGS, new DeviceKeys(List.of(pki.caCertificate()), false));
            d.readings("dev-2", VerifyDriver.batch("dev-2", issued.buffer().range(1, 5)));
            d.readings("dev-2", VerifyDriver.batch("dev-2", issued.buffer().range(6, 10)));
            d.readings("dev-2", VerifyDriver.batch("dev-2", issued.buffer().range(6, 10)));
            assertThat(d.verified()).isEmpty();
            assertThat(d.findings()).extracting(Finding::type).containsExactly(FindingType.UNKNOWN_DEVICE);
            List<byte[]> parked = d.parked();
            assertThat(parked).hasSize(10);
            assertThat(parked.get(0)).isEqualTo(((StoredRecord.Signed) issued.buffer().range(1, 1).get(0)).cose());
            assertThat(d.metrics.duplicates()).isEqualTo(5);

            // a self-signed chain teaches nothing
            d.status("dev-2", new StatusMessage("dev-2", StatusMessage.State.ONLINE, 10, 0,
                    issued.key().certificateChain()));
            assertThat(d.findings()).extracting(Finding::type).containsExactly(FindingType.UNTRUSTED_KEY);
            assertThat(d.verified()).isEmpty();

            d.status("dev-2", new StatusMessage("dev-2", StatusMessage.State.ONLINE, 10, 0, chain));
            List<VerifiedRecord> v = d.verified();
            assertThat(seqs(v)).isEqualTo(seqs(1, 10));
            assertThat(v).allMatch(VerifiedRecord::linked);
            assertThat(d.findings()).isEmpty();
            d.readings("dev-2", VerifyDriver.batch("dev-2", issued.buffer().range(1, 10)));
            assertThat(d.verified()).as("released records are not held twice").isEmpty();
        } finally {
            issued.close();
        }
    }

    @Test
    void aTombstoneErasesAVerifiedRecordAndAnUnprovableOneIsRefused() throws Exception {
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 20));
        assertThat(d.verified()).hasSize(20);
        StoredRecord.Signed five = (StoredRecord.Signed) range(5, 5).get(0);
        assertThat(device.buffer().erase(List.of(5L))).isEqualTo(1);
        d.readings("dev-1", range(1, 20)); // seq 5 now arrives as its tombstone
        d.readings("dev-1", range(5, 5)); // and once more
        List<VerifiedRecord> v = d.verified();
        assertThat(v).hasSize(1);
        assertThat(v.get(0).erased()).isTrue();
        assertThat(v.get(0).seq()).isEqualTo(5);
        assertThat(v.get(0).chainHash()).isEqualTo(five.chainHash());
        assertThat(v.get(0).leafHash()).isEqualTo(five.leafHash());
        assertThat(v.get(0).linked()).isTrue();
        d.readings("dev-1", List.of(five)); // the signed record again: a duplicate, it does not come back
        assertThat(d.verified()).isEmpty();
        assertThat(d.findings()).isEmpty();

        // a forged erasure of a held record, and erasures of seqs never accepted
        byte[] other = new byte[32];
        d.readings("dev-1", List.of(new StoredRecord.Erased(6, other, other), new StoredRecord.Erased(30, other, other)));
        assertThat(d.verified()).isEmpty();
        assertThat(d.findings()).extracting(Finding::type, Finding::seq).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FindingType.UNPROVABLE_TOMBSTONE, 6L),
                org.assertj.core.groups.Tuple.tuple(FindingType.UNPROVABLE_TOMBSTONE, 30L));
    }

    @Test
    void aRecordErasedBeforeDeliveryLeavesAGapAndItsTombstoneIsUnprovable() throws Exception {
        assertThat(device.buffer().erase(List.of(5L))).isEqualTo(1);
        VerifyDriver d = open(SETTINGS, configured());
        d.readings("dev-1", range(1, 20));
        assertThat(seqs(d.verified())).isEqualTo(seqs(1, 4));
        assertThat(d.findings()).extracting(Finding::type).containsExactly(FindingType.UNPROVABLE_TOMBSTONE);
        d.advance(Duration.ofMinutes(6));
        assertThat(d.findings()).extracting(Finding::type, Finding::seq, Finding::lastSeq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FindingType.GAP, 5L, 5L));
        assertThat(seqs(d.verified())).isEqualTo(seqs(6, 20));
    }

    @Test
    void withARetryIntervalAParkedDevicesLastStatusIsTriedAgainUntilItsKeyIsAccepted() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice issued = TestDevice.create(dir.resolve("issued"), "dev-2");
        try {
            var chain = List.of(pki.issueDevice(issued.key().publicKey(), "dev-2"), pki.caCertificate());
            issued.produce(5);
            // the chain is not valid yet at the trust clock's time: refused now, accepted once that time comes
            ManualClock trustClock = new ManualClock(Instant.now().minus(Duration.ofDays(30)));
            DeviceKeys keys = new DeviceKeys(List.of(pki.caCertificate()), false, null, trustClock);
            VerifyDriver d = open(SETTINGS.with(FleetVerifySettings.REGISTRY_RETRY_MS, Duration.ofMinutes(1).toMillis()), keys);
            d.status("dev-2", new StatusMessage("dev-2", StatusMessage.State.ONLINE, 5, 0, chain));
            d.readings("dev-2", VerifyDriver.batch("dev-2", issued.buffer().range(1, 5)));
            assertThat(d.findings()).extracting(Finding::type).containsExactly(FindingType.UNTRUSTED_KEY,
                    FindingType.UNKNOWN_DEVICE);
            d.advance(Duration.ofSeconds(61));
            assertThat(d.verified()).isEmpty();
            trustClock.setInstant(Instant.now());
            d.advance(Duration.ofSeconds(30));
            assertThat(d.verified()).as("not before the next retry").isEmpty();
            d.advance(Duration.ofSeconds(31));
            assertThat(seqs(d.verified())).isEqualTo(seqs(1, 5));
            assertThat(d.findings()).isEmpty();
        } finally {
            issued.close();
        }
    }

    @Test
    void aForgeryParkedFirstDoesNotDisplaceTheGenuineRecord() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice issued = TestDevice.create(dir.resolve("issued"), "dev-2");
        TestDevice forger = TestDevice.create(dir.resolve("forger"), "dev-2");
        try {
            var chain = List.of(pki.issueDevice(issued.key().publicKey(), "dev-2"), pki.caCertificate());
            issued.produce(2);
            forger.produce(2);
            VerifyDriver d = open(SETTINGS, new DeviceKeys(List.of(pki.caCertificate()), false));
            d.readings("dev-2", VerifyDriver.batch("dev-2", forger.buffer().range(1, 2)));
            d.readings("dev-2", VerifyDriver.batch("dev-2", issued.buffer().range(1, 2)));
            assertThat(d.parked()).hasSize(4);
            d.status("dev-2", new StatusMessage("dev-2", StatusMessage.State.ONLINE, 2, 0, chain));
            List<VerifiedRecord> v = d.verified();
            assertThat(seqs(v)).isEqualTo(seqs(1, 2));
            assertThat(v.get(0).cose()).isEqualTo(((StoredRecord.Signed) issued.buffer().range(1, 1).get(0)).cose());
            // the forger's records stay parked (another key id), reported as an untrusted key
            assertThat(d.findings()).extracting(Finding::type).containsExactly(FindingType.UNKNOWN_DEVICE,
                    FindingType.UNTRUSTED_KEY);
            assertThat(d.metrics.parked()).isEqualTo(4);
        } finally {
            issued.close();
            forger.close();
        }
    }
}
