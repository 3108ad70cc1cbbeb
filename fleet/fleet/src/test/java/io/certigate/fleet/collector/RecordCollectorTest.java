package io.certigate.fleet.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.time.ManualClock;
import io.certigate.uplink.BatchCodec;
import io.certigate.uplink.RecordBatch;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.testing.TestDevice;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.verifier.trust.TrustException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector's verification, deduplication and gap counting over real signed records. */
@Tag("component")
class RecordCollectorTest {
    @TempDir
    Path dir;

    private TestDevice device;
    private RecordCollector collector;

    @BeforeEach
    void setUp() throws Exception {
        device = TestDevice.create(dir, "dev-1");
        device.produce(20);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (collector != null) {
            collector.close();
        }
        device.close();
    }

    private RecordCollector open(DeviceKeys keys) throws Exception {
        collector = RecordCollector.open(dir.resolve("collector.db"), keys, Clock.systemUTC());
        return collector;
    }

    private DeviceKeys configured() {
        DeviceKeys k = new DeviceKeys(List.of(), false);
        k.add("dev-1", device.key().publicKey());
        return k;
    }

    private byte[] batch(long from, long to) throws Exception {
        List<RecordBatch> b = new BatchCodec("dev-1", 1000, 1 << 20).split(device.buffer().range(from, to)).batches();
        assertThat(b).hasSize(1);
        return b.get(0).payload();
    }

    private static byte[] batchOf(List<StoredRecord> records) {
        return new BatchCodec("dev-1", 1000, 1 << 20).split(records).batches().get(0).payload();
    }

    @Test
    void storesEachRecordOnceCountsDuplicatesAndGaps() throws Exception {
        RecordCollector c = open(configured());
        c.acceptBatch("dev-1", batch(1, 10));
        c.acceptBatch("dev-1", batch(1, 10));
        c.acceptBatch("dev-1", batch(16, 20));
        CollectorReport r = c.report();
        assertThat(r.line()).startsWith("received=25 unique=15 duplicates=10 missing=5 bad_signature=0 broken_link=0");
    }

    @Test
    void refusesABadSignatureAndARecordOfAnotherKey() throws Exception {
        RecordCollector c = open(configured());
        List<StoredRecord> recs = new ArrayList<>(device.buffer().range(1, 3));
        byte[] tampered = ((StoredRecord.Signed) recs.get(1)).cose();
        tampered[tampered.length - 1] ^= 1; // last signature byte
        recs.set(1, new StoredRecord.Signed(2, tampered));
        c.acceptBatch("dev-1", batchOf(recs));

        // same device id, another key: an impostor
        TestDevice impostor = TestDevice.create(dir.resolve("other"), "dev-1");
        impostor.produce(5);
        c.acceptBatch("dev-1", new BatchCodec("dev-1", 100, 1 << 20).split(impostor.buffer().range(4, 5)).batches().get(0).payload());
        impostor.close();

        CollectorReport r = c.report();
        assertThat(r.badSignature()).isEqualTo(3);
        assertThat(r.unique()).isEqualTo(2);
        assertThat(r.missing()).isEqualTo(1); // seq 2
    }

    @Test
    void detectsABrokenChainLinkBetweenValidlySignedRecords() throws Exception {
        RecordCollector c = open(configured());
        c.acceptBatch("dev-1", batch(1, 3));
        // a validly signed seq 4 whose prev is not the hash of seq 3
        ChainedReading forged = new ChainedReading("dev-1", 4, new byte[32], new byte[16], new Reading(1, TimeQuality.RTC,
                "obd", "vehicle.odometer", "VIN", ReadingValue.of(1), "km"));
        byte[] cose = CoseSign1.sign(device.key(), ReadingCodec.encode(forged));
        c.acceptBatch("dev-1", batchOf(List.of(new StoredRecord.Signed(4, cose))));
        CollectorReport r = c.report();
        assertThat(r.brokenLink()).isEqualTo(1);
        assertThat(r.badSignature()).isZero();
    }

    @Test
    void theReportChecksLinksAcrossItsPages() throws Exception {
        RecordCollector c = open(configured());
        c.acceptBatch("dev-1", batch(1, 3));
        ChainedReading forged = new ChainedReading("dev-1", 4, new byte[32], new byte[16], new Reading(1, TimeQuality.RTC,
                "obd", "vehicle.odometer", "VIN", ReadingValue.of(1), "km"));
        c.acceptBatch("dev-1", batchOf(List.of(new StoredRecord.Signed(4, CoseSign1.sign(device.key(),
                ReadingCodec.encode(forged))))));
        // seq 4 opens the second page of 3: its predecessor's hash must be carried over the page boundary
        for (int page : new int[] {1, 2, 3, 4, 1000}) {
            assertThat(c.report(page).brokenLink()).as("page of %d", page).isEqualTo(1);
        }
    }

    @Test
    void anIntactChainReadInSmallPagesHasNoBrokenLink() throws Exception {
        RecordCollector c = open(configured());
        c.acceptBatch("dev-1", batch(1, 20));
        for (int page : new int[] {1, 3, 7, 20, 21}) {
            CollectorReport r = c.report(page);
            assertThat(r.brokenLink()).as("page of %d", page).isZero();
            assertThat(r.unique()).isEqualTo(20);
        }
    }

    @Test
    void anErasureOfAHeldRecordIsAcceptedAndKeepsTheChainWhole() throws Exception {
        RecordCollector c = open(configured());
        c.acceptBatch("dev-1", batch(1, 20));
        assertThat(device.buffer().erase(List.of(5L))).isEqualTo(1);
        c.acceptBatch("dev-1", batch(1, 20)); // seq 5 now arrives as its tombstone
        c.acceptBatch("dev-1", batch(5, 5)); // and once more
        CollectorReport r = c.report();
        assertThat(r.unique()).isEqualTo(20);
        assertThat(r.missing()).isZero();
        assertThat(r.brokenLink()).isZero();
        assertThat(r.conflicts()).isZero();
        assertThat(r.duplicates()).isEqualTo(20);
        assertThat(r.unprovableTombstones()).isZero();
        // the signed record was replaced: a tombstone with other hashes no longer matches what is held
        c.acceptBatch("dev-1", batchOf(List.of(new StoredRecord.Erased(5, new byte[32], new byte[32]))));
        assertThat(c.report().unprovableTombstones()).isEqualTo(1);
    }

    @Test
    void aRecordErasedBeforeItWasDeliveredIsMissingNotStored() throws Exception {
        assertThat(device.buffer().erase(List.of(5L))).isEqualTo(1);
        RecordCollector c = open(configured());
        c.acceptBatch("dev-1", batch(1, 20));
        CollectorReport r = c.report();
        assertThat(r.unique()).isEqualTo(19);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.unprovableTombstones()).isEqualTo(1);
        assertThat(r.brokenLink()).isZero();
        assertThat(r.line()).contains(" devices=1 unprovable_tombstones=1 ");
    }

    @Test
    void forgedTombstonesNeitherFillEmptySlotsNorDisplaceTheSignedRecords() throws Exception {
        RecordCollector c = open(configured());
        List<StoredRecord> forged = new ArrayList<>();
        for (long seq = 5; seq <= 7; seq++) {
            byte[] chain = new byte[32];
            byte[] leaf = new byte[32];
            chain[0] = (byte) seq;
            leaf[1] = (byte) seq;
            forged.add(new StoredRecord.Erased(seq, chain, leaf));
        }
        c.acceptBatch("dev-1", batchOf(forged));
        c.acceptBatch("dev-1", batch(1, 20));
        // a forgery over a record already held, with hashes that are not that record's
        c.acceptBatch("dev-1", batchOf(List.of(new StoredRecord.Erased(6, new byte[32], new byte[32]))));
        CollectorReport r = c.report();
        assertThat(r.unique()).isEqualTo(20);
        assertThat(r.unverified()).isZero();
        assertThat(r.conflicts()).isZero();
        assertThat(r.brokenLink()).isZero();
        assertThat(r.missing()).isZero();
        assertThat(r.unprovableTombstones()).isEqualTo(4);
        assertThat(r.malformed()).isZero();
    }

    @Test
    void withoutAKeyRecordsWaitUntilAStatusTeachesIt() throws Exception {
        RecordCollector c = open(new DeviceKeys(List.of(), true));
        c.acceptBatch("dev-1", batch(1, 20));
        assertThat(c.report().unverified()).isEqualTo(20);
        assertThat(c.report().missing()).as("unverified records set no head").isZero();
        StatusMessage birth = new StatusMessage("dev-1", StatusMessage.State.ONLINE, 25, 0, device.key().certificateChain());
        c.acceptStatus("dev-1", birth.encode());
        CollectorReport r = c.report();
        assertThat(r.unverified()).isZero();
        assertThat(r.unique()).isEqualTo(20);
        assertThat(r.missing()).as("the head seq 25 the unsigned birth announced is not counted").isZero();
    }

    @Test
    void anUnsignedStatusWithAHugeHeadSeqDoesNotChangeMissing() throws Exception {
        RecordCollector c = open(configured());
        // before any record, and after some: neither sets the head
        c.acceptStatus("dev-1", new StatusMessage("dev-1", StatusMessage.State.ONLINE, 999_999_999L, 0, List.of()).encode());
        c.acceptBatch("dev-1", batch(1, 10));
        c.acceptBatch("dev-1", batch(16, 20));
        c.acceptStatus("dev-1", new StatusMessage("dev-1", StatusMessage.State.ONLINE, 999_999_999L, 0,
                device.key().certificateChain()).encode());
        // a status of a device that sent no record at all
        c.acceptStatus("dev-9", new StatusMessage("dev-9", StatusMessage.State.ONLINE, 999_999_999L, 0, List.of()).encode());
        CollectorReport r = c.report();
        assertThat(r.missing()).as("seq 11-15 only: the head is the highest verified seq").isEqualTo(5);
        assertThat(r.unique()).isEqualTo(15);
        assertThat(r.devices()).isEqualTo(1);
    }

    @Test
    void unverifiedRecordsSetNoHead() throws Exception {
        RecordCollector c = open(new DeviceKeys(List.of(), false));
        c.acceptBatch("dev-1", batch(18, 20));
        CollectorReport r = c.report();
        assertThat(r.unverified()).isEqualTo(3);
        assertThat(r.missing()).isZero();
    }

    @Test
    void floodingAnUnknownDevicesTopicStoresAtMostTheCap() throws Exception {
        collector = RecordCollector.open(dir.resolve("collector.db"), new DeviceKeys(List.of(), false), Clock.systemUTC(),
                new UnverifiedLimits(5, Duration.ofHours(1)));
        device.produce(180);
        for (long from = 1; from <= 200; from += 20) {
            collector.acceptBatch("dev-1", batch(from, from + 19));
        }
        collector.acceptBatch("dev-1", batch(1, 5)); // the held ones again: duplicates, not dropped
        CollectorReport r = collector.report();
        assertThat(r.unverified()).isEqualTo(5);
        assertThat(r.unverifiedDropped()).isEqualTo(195);
        assertThat(r.duplicates()).isEqualTo(5);
        assertThat(r.unique()).isZero();
        assertThat(r.line()).endsWith(" unverified_dropped=195 unverified_expired=0");
    }

    @Test
    void unverifiedRecordsExpireOnTheCollectorsClockAndVerifiedOnesStay() throws Exception {
        ManualClock clock = new ManualClock();
        TestDevice known = TestDevice.create(dir.resolve("known"), "dev-2");
        try {
            known.produce(4);
            DeviceKeys keys = new DeviceKeys(List.of(), false);
            keys.add("dev-2", known.key().publicKey());
            collector = RecordCollector.open(dir.resolve("collector.db"), keys, clock,
                    new UnverifiedLimits(100, Duration.ofHours(1)));
            collector.acceptBatch("dev-2", new BatchCodec("dev-2", 100, 1 << 20).split(known.buffer().range(1, 4))
                    .batches().get(0).payload());
            collector.acceptBatch("dev-1", batch(1, 10));
            clock.advance(Duration.ofMinutes(30));
            collector.acceptBatch("dev-1", batch(11, 20));
            clock.advance(Duration.ofMinutes(30)); // the first ten are an hour old: kept up to that
            assertThat(collector.report().unverified()).isEqualTo(20);

            clock.advance(Duration.ofMillis(1));
            CollectorReport r = collector.report();
            assertThat(r.unverified()).isEqualTo(10);
            assertThat(r.unverifiedExpired()).isEqualTo(10);

            // a batch alone runs the expiry once it is due
            clock.advance(Duration.ofMinutes(31));
            collector.acceptBatch("dev-2", new BatchCodec("dev-2", 100, 1 << 20).split(known.buffer().range(1, 1))
                    .batches().get(0).payload());
            assertThat(collector.uniqueCount()).isEqualTo(4);
            assertThat(collector.expireUnverified()).isZero();
            r = collector.report();
            assertThat(r.unverified()).isZero();
            assertThat(r.unverifiedExpired()).isEqualTo(20);
            assertThat(r.unique()).as("verified records never expire").isEqualTo(4);
            assertThat(r.missing()).isZero();
        } finally {
            known.close();
        }
    }

    @Test
    void withoutTrustOnFirstUseAStatusKeyIsNotTaken() throws Exception {
        RecordCollector c = open(new DeviceKeys(List.of(), false));
        c.acceptStatus("dev-1", new StatusMessage("dev-1", StatusMessage.State.ONLINE, 20, 0,
                device.key().certificateChain()).encode());
        c.acceptBatch("dev-1", batch(1, 20));
        assertThat(c.report().unverified()).isEqualTo(20);
        assertThat(c.report().unique()).isZero();
    }

    @Test
    void aStatusChainIssuedByTheConsortiumCaIsAcceptedAndASelfSignedOneIsNot() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice issued = TestDevice.create(dir.resolve("issued"), "dev-2");
        var chain = List.of(pki.issueDevice(issued.key().publicKey(), "dev-2"), pki.caCertificate());
        Pkcs12KeyStore.installChain(issued.keyStore(), TestDevice.PASSPHRASE, chain);
        issued.produce(3);
        DeviceKeys keys = new DeviceKeys(List.of(pki.caCertificate()), false);
        assertThat(keys.learn(new StatusMessage("dev-1", StatusMessage.State.ONLINE, 0, 0,
                device.key().certificateChain()))).as("self-signed").isFalse();
        assertThat(keys.learn(new StatusMessage("dev-2", StatusMessage.State.ONLINE, 0, 0, chain))).isTrue();
        assertThat(keys.learn(new StatusMessage("dev-3", StatusMessage.State.ONLINE, 0, 0, chain)))
                .as("certificate of another device").isFalse();
        issued.close();
    }

    @Test
    void aCertificateTheVerifiersChainValidatorRefusesIsRefusedByTheCollectorToo() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice issued = TestDevice.create(dir.resolve("issued"), "dev-2");
        try {
            // CA-issued, CN = the device, but a TLS client certificate: key usage digitalSignature and keyAgreement
            var tlsClient = List.of(pki.issue(issued.key().publicKey(), "dev-2", false), pki.caCertificate());
            // a CA certificate (basic constraints cA) is not a device certificate either
            var caItself = List.of(pki.caCertificate());
            ChainValidator verifiers = new ChainValidator(pki.caCertificate());
            assertThatThrownBy(() -> verifiers.validate(tlsClient, Instant.now())).isInstanceOf(TrustException.class)
                    .hasMessageContaining("digitalSignature");
            assertThatThrownBy(() -> verifiers.validate(caItself, Instant.now())).isInstanceOf(TrustException.class);

            DeviceKeys keys = new DeviceKeys(List.of(pki.caCertificate()), false);
            assertThat(keys.learn(new StatusMessage("dev-2", StatusMessage.State.ONLINE, 0, 0, tlsClient))).isFalse();
            String caName = DeviceKeys.commonName(pki.caCertificate());
            assertThat(keys.learn(new StatusMessage(caName, StatusMessage.State.ONLINE, 0, 0, caItself))).isFalse();
            assertThat(keys.devices()).isEmpty();

            // through the collector: the records stay unverified
            RecordCollector c = open(keys);
            issued.produce(3);
            c.acceptStatus("dev-2", new StatusMessage("dev-2", StatusMessage.State.ONLINE, 3, 0, tlsClient).encode());
            c.acceptBatch("dev-2", new BatchCodec("dev-2", 100, 1 << 20).split(issued.buffer().range(1, 3)).batches()
                    .get(0).payload());
            assertThat(c.report().unverified()).isEqualTo(3);
            // the same key in a device certificate is accepted, and verifies them
            c.acceptStatus("dev-2", new StatusMessage("dev-2", StatusMessage.State.ONLINE, 3, 0,
                    List.of(pki.issueDevice(issued.key().publicKey(), "dev-2"), pki.caCertificate())).encode());
            assertThat(c.report().unique()).isEqualTo(3);
        } finally {
            issued.close();
        }
    }

    @Test
    void anExpiredDeviceCertificateIsRefusedAtTheCollectorsClock() throws Exception {
        TestPki pki = TestPki.create("consortium CA");
        TestDevice issued = TestDevice.create(dir.resolve("issued"), "dev-2");
        try {
            var chain = List.of(pki.issueDevice(issued.key().publicKey(), "dev-2"), pki.caCertificate());
            ManualClock late = new ManualClock(Instant.now().plus(Duration.ofDays(30)));
            DeviceKeys keys = new DeviceKeys(List.of(pki.caCertificate()), false, null, late);
            assertThat(keys.learn(new StatusMessage("dev-2", StatusMessage.State.ONLINE, 0, 0, chain))).isFalse();
        } finally {
            issued.close();
        }
    }

    @Test
    void garbageIsCountedNotFatal() throws Exception {
        RecordCollector c = open(configured());
        c.acceptBatch("dev-1", new byte[] {(byte) 0x83, 0x01});
        c.acceptBatch("dev-1", new byte[] {(byte) 0x81, 0x01});
        c.acceptStatus("dev-1", "{\"format\":\"nope\"}".getBytes());
        c.acceptBatch("dev-2", batch(1, 2)); // records of dev-1 on dev-2's topic
        CollectorReport r = c.report();
        assertThat(r.malformed()).isEqualTo(5);
        assertThat(r.unique()).isZero();
    }

    @Test
    void deviceIdsFromTheNetworkAreLoggedEscaped() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(RecordCollector.class.getName());
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try {
            RecordCollector c = open(configured());
            String forged = "dev-1\nWARNING: all records verified\u001b[2J";
            c.acceptBatch(forged, new byte[] {(byte) 0x83, 0x01});
            c.acceptBatch(forged, batch(1, 2));
            c.acceptStatus(forged, new StatusMessage("dev-1", StatusMessage.State.ONLINE, 1, 0, List.of()).encode());
            assertThat(logged).hasSize(3).allSatisfy(m -> assertThat(m).doesNotContain("\n").doesNotContain("\u001b")
                    .contains("dev-1\\nWARNING: all records verified\\u001b[2J"));
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    void keysLearnedOnceAreKeptAcrossRestarts() throws Exception {
        RecordCollector c = open(new DeviceKeys(List.of(), true));
        c.acceptStatus("dev-1", new StatusMessage("dev-1", StatusMessage.State.ONLINE, 0, 0,
                device.key().certificateChain()).encode());
        c.close();
        collector = null;
        RecordCollector again = open(new DeviceKeys(List.of(), false));
        again.acceptBatch("dev-1", batch(1, 20));
        assertThat(again.report().unique()).isEqualTo(20);
    }
}
