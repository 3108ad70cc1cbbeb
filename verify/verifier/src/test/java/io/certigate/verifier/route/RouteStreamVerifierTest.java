package io.certigate.verifier.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.cbor.CborWriter;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SignatureVerifier;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.chain.Finding;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route's stream as the gateway's uplink writes it (CBOR arrays of COSE_Sign1 items, tombstones
 * and hash-only items), built here by hand after the format of docs/architecture.md: the chain of
 * ten records, odd seqs odometer readings (covered), even seqs speed readings (left out).
 */
@Tag("unit")
class RouteStreamVerifierTest {
    @TempDir
    Path dir;
    private SoftwareDeviceKey key;
    private final List<StoredRecord.Signed> chain = new ArrayList<>();

    @BeforeEach
    void chainOfTen() throws Exception {
        key = Pkcs12KeyStore.create(dir.resolve("k.p12"), CoseAlgorithm.EDDSA, "gw", "pw".toCharArray());
        byte[] prev = new byte[32];
        for (int seq = 1; seq <= 10; seq++) {
            Reading r = new Reading(1_700_000_000_000L + seq, TimeQuality.NTP, "obd",
                    seq % 2 == 1 ? "vehicle.odometer" : "vehicle.speed", "VF1TEST", ReadingValue.of(seq), "km");
            ChainedReading c = new ChainedReading("gw", seq, prev, new byte[16], r);
            StoredRecord.Signed s = new StoredRecord.Signed(seq, CoseSign1.sign(key, ReadingCodec.encode(c)));
            chain.add(s);
            prev = s.chainHash();
        }
    }

    private static byte[] hashOnly(String dev, long seq, byte[] leaf, byte[] chainHash, boolean omitted) {
        CborWriter w = new CborWriter().mapHeader(omitted ? 5 : 4).text("dev").text(dev).text("seq").integer(seq)
                .text("leaf").bytes(leaf).text("chain").bytes(chainHash);
        if (omitted) {
            w.text("omitted").bool(true);
        }
        return w.toByteArray();
    }

    /** Odd seqs whole, even seqs hash-only: what a route for vehicle.odometer sends. */
    private byte[] routeItem(StoredRecord.Signed s) {
        return s.seq() % 2 == 1 ? s.cose()
                : hashOnly("gw", s.seq(), RecordHashes.leafHash(s.cose()), RecordHashes.chainHash(s.cose()), true);
    }

    private static byte[] batch(List<byte[]> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new CborWriter().arrayHeader(items.size()).toByteArray());
        items.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private List<byte[]> batches(int from, int to, Function<StoredRecord.Signed, byte[]> item) {
        List<byte[]> items = new ArrayList<>();
        for (StoredRecord.Signed s : chain.subList(from - 1, to)) {
            items.add(item.apply(s));
        }
        return List.of(batch(items));
    }

    private RouteStreamVerifier.Report verify(List<byte[]> batches, long first) {
        return new RouteStreamVerifier("gw", List.of(key.publicKey()), SignatureVerifier.JDK).verify(batches, first);
    }

    @Test
    void aStreamWithHashOnlyItemsVerifiesAndSaysWhatItHolds() {
        List<byte[]> in = new ArrayList<>(batches(1, 6, this::routeItem));
        in.addAll(batches(4, 10, this::routeItem)); // 4..6 again: at-least-once delivery
        RouteStreamVerifier.Report r = verify(in, 1);
        assertThat(r.problems()).isEmpty();
        assertThat(r.ok()).as("%s", r.chain().findings()).isTrue();
        assertThat(r.chain().lastSeq()).isEqualTo(10);
        assertThat(r.whole()).containsExactlyEntriesOf(java.util.Map.of("vehicle.odometer", 5L));
        assertThat(r.omitted()).isEqualTo(5);
        assertThat(r.erased()).isZero();
    }

    @Test
    void aTombstoneCountsAsErasedAndLinksTheChain() {
        List<byte[]> in = batches(1, 10, s -> s.seq() == 3
                ? hashOnly("gw", 3, RecordHashes.leafHash(s.cose()), RecordHashes.chainHash(s.cose()), false)
                : routeItem(s));
        RouteStreamVerifier.Report r = verify(in, 1);
        assertThat(r.ok()).isTrue();
        assertThat(r.erased()).isEqualTo(1);
        assertThat(r.omitted()).isEqualTo(5);
    }

    @Test
    void aMissingItemIsAGapAndAMissingStartIsAProblem() {
        List<byte[]> in = new ArrayList<>(batches(1, 4, this::routeItem));
        in.addAll(batches(6, 10, this::routeItem));
        RouteStreamVerifier.Report r = verify(in, 1);
        assertThat(r.ok()).isFalse();
        assertThat(r.chain().findings()).extracting(Finding::kind).contains(Finding.Kind.GAP);

        RouteStreamVerifier.Report late = verify(batches(3, 10, this::routeItem), 1);
        assertThat(late.ok()).isFalse();
        assertThat(late.problems()).singleElement().asString().contains("starts at seq 3, not 1");
        assertThat(verify(batches(3, 10, this::routeItem), 3).ok()).as("a route set up at seq 3").isTrue();
    }

    @Test
    void aHashOnlyItemWithAnotherChainHashBreaksTheLink() {
        List<byte[]> in = batches(1, 10, s -> s.seq() == 4
                ? hashOnly("gw", 4, RecordHashes.leafHash(s.cose()), new byte[32], true) : routeItem(s));
        RouteStreamVerifier.Report r = verify(in, 1);
        assertThat(r.ok()).isFalse();
        assertThat(r.chain().findings()).extracting(Finding::kind, Finding::seq)
                .contains(org.assertj.core.groups.Tuple.tuple(Finding.Kind.BROKEN_LINK, 5L));
    }

    @Test
    void aForgedRecordAnotherDevicesItemAndJunkAreReported() {
        List<byte[]> forged = batches(1, 10, s -> {
            byte[] b = routeItem(s);
            if (s.seq() == 5) {
                b[b.length - 1] ^= 1;
            }
            return b;
        });
        RouteStreamVerifier.Report r = verify(forged, 1);
        assertThat(r.chain().findings()).extracting(Finding::kind).contains(Finding.Kind.BAD_SIGNATURE);

        List<byte[]> foreign = batches(1, 10, s -> s.seq() == 2
                ? hashOnly("other", 2, RecordHashes.leafHash(s.cose()), RecordHashes.chainHash(s.cose()), true)
                : routeItem(s));
        RouteStreamVerifier.Report f = verify(foreign, 1);
        assertThat(f.ok()).isFalse();
        assertThat(f.problems()).singleElement().asString().contains("another device");

        RouteStreamVerifier.Report junk = verify(List.of(new byte[] {(byte) 0xa0}, new byte[] {(byte) 0xff}), 1);
        assertThat(junk.ok()).isFalse();
        assertThat(junk.problems()).hasSize(2);
    }
}
