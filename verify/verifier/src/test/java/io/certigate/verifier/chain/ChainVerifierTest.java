package io.certigate.verifier.chain;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ChainVerifierTest {
    @TempDir
    Path dir;
    SoftwareDeviceKey key;
    List<StoredRecord> chain;

    @BeforeEach
    void chainOfTen() throws Exception {
        key = Pkcs12KeyStore.create(dir.resolve("k.p12"), CoseAlgorithm.ES256, "gw", "pw".toCharArray());
        chain = new ArrayList<>();
        byte[] prev = new byte[32];
        for (int seq = 1; seq <= 10; seq++) {
            StoredRecord.Signed r = sign(seq, prev, seq);
            chain.add(r);
            prev = r.chainHash();
        }
    }

    private StoredRecord.Signed sign(long seq, byte[] prev, long value) throws Exception {
        ChainedReading c = new ChainedReading("gw", seq, prev, new byte[16], odometer(value));
        return new StoredRecord.Signed(seq, CoseSign1.sign(key, ReadingCodec.encode(c)));
    }

    private VerificationReport verify(List<StoredRecord> records) {
        return new ChainVerifier("gw", List.of(key.publicKey()), SignatureVerifier.JDK).verify(records);
    }

    @Test
    void intactChainVerifies() {
        VerificationReport r = verify(chain);
        assertThat(r.ok()).isTrue();
        assertThat(r.verified()).isEqualTo(10);
        assertThat(r.firstSeq()).isEqualTo(1);
        assertThat(r.lastSeq()).isEqualTo(10);
    }

    @Test
    void reportsGapReorderDuplicateAndFork() throws Exception {
        List<StoredRecord> l = new ArrayList<>(chain);
        l.remove(4); // seq 5 missing
        StoredRecord three = l.remove(2);
        l.add(5, three); // seq 3 after seq 7
        l.add(l.get(0)); // seq 1 twice
        l.add(sign(9, chain.get(7).chainHash(), 999)); // another seq 9
        VerificationReport r = verify(l);
        assertThat(r.ok()).isFalse();
        assertThat(r.findings()).extracting(Finding::kind, Finding::seq).contains(
                Tuple.tuple(Finding.Kind.GAP, 5L),
                Tuple.tuple(Finding.Kind.REORDER, 3L),
                Tuple.tuple(Finding.Kind.DUPLICATE, 1L),
                Tuple.tuple(Finding.Kind.FORK, 9L));
        assertThat(r.findings().stream().filter(f -> f.kind() == Finding.Kind.GAP).findFirst().orElseThrow().detail())
                .contains("seq 5..5");
    }

    @Test
    void reportsBadSignatureBrokenLinkAndMalformedRecords() throws Exception {
        List<StoredRecord> l = new ArrayList<>(chain);
        byte[] forged = ((StoredRecord.Signed) l.get(3)).cose();
        forged[forged.length - 1] ^= 1;
        l.set(3, new StoredRecord.Signed(4, forged));
        l.set(6, sign(7, new byte[32], 7)); // wrong prev
        l.set(8, new StoredRecord.Signed(9, new byte[] {(byte) 0xa0}));
        VerificationReport r = verify(l);
        assertThat(r.findings()).extracting(Finding::kind, Finding::seq).contains(
                Tuple.tuple(Finding.Kind.BAD_SIGNATURE, 4L),
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 5L), // the forged 4 no longer hashes to 5's prev
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 7L),
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 8L),
                Tuple.tuple(Finding.Kind.MALFORMED, 9L),
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 10L));
        assertThat(r.verified()).isEqualTo(4);
    }

    @Test
    void tombstonesAndOmittedEntriesLinkTheChain() {
        List<StoredRecord> l = new ArrayList<>(chain);
        byte[] cose = ((StoredRecord.Signed) l.get(4)).cose();
        l.set(4, new StoredRecord.Erased(5, RecordHashes.chainHash(cose), RecordHashes.leafHash(cose)));
        byte[] cose6 = ((StoredRecord.Signed) l.get(5)).cose();
        l.set(5, new StoredRecord.Erased(6, RecordHashes.chainHash(cose6), RecordHashes.leafHash(cose6)));
        VerificationReport r = new ChainVerifier("gw", List.of(key.publicKey()), SignatureVerifier.BOUNCY_CASTLE)
                .verify(l, java.util.Set.of(6L));
        assertThat(r.ok()).as("%s", r.findings()).isTrue();
        assertThat(r.erased()).isEqualTo(1);
        assertThat(r.omitted()).isEqualTo(1);
        assertThat(r.count(Finding.Kind.GAP)).isZero();
        // a tombstone with a wrong hash breaks the next link
        l.set(5, new StoredRecord.Erased(6, new byte[32], RecordHashes.leafHash(cose6)));
        assertThat(verify(l).findings()).extracting(Finding::kind).contains(Finding.Kind.BROKEN_LINK);
    }

    @Test
    void unknownKeyIsABadSignature() throws Exception {
        SoftwareDeviceKey other = Pkcs12KeyStore.create(dir.resolve("o.p12"), CoseAlgorithm.EDDSA, "gw", "pw".toCharArray());
        VerificationReport r = new ChainVerifier("gw", List.of(other.publicKey()), SignatureVerifier.JDK).verify(chain);
        assertThat(r.count(Finding.Kind.BAD_SIGNATURE)).isEqualTo(10);
    }

    @Test
    void theVerdictNamesEachFailingSeq() {
        assertThat(verify(chain).verdict().result()).isEqualTo(io.certigate.verifier.Verdict.Result.VALID);
        List<StoredRecord> l = new ArrayList<>(chain);
        l.remove(4);
        io.certigate.verifier.Verdict v = verify(l).verdict();
        assertThat(v.result()).isEqualTo(io.certigate.verifier.Verdict.Result.INVALID);
        assertThat(v.failures()).extracting(io.certigate.verifier.Verdict.Check::seq).contains(5L);
        assertThat(v.failures().get(v.failures().size() - 1).detail()).startsWith("gap at seq 5");
    }

    /** An odometer reading of a test vehicle. */
    private static Reading odometer(long i) {
        return new Reading(1_700_000_000_000L + i * 1000, TimeQuality.GNSS, "obd", "vehicle.odometer",
                "VF1RFB00X57177144", ReadingValue.of(new BigDecimal(120000 + i).movePointLeft(1)), "km");
    }
}
