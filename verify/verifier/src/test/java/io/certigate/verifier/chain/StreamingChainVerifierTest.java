package io.certigate.verifier.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SignatureVerifier;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.export.EntrySource;
import io.certigate.verifier.export.ExportEntry;
import io.certigate.verifier.export.TestExports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamed, parallel verification gives the report the in-memory one gives, finds the same
 * problems by seq, and hands every entry to the observer in seq order with its hashes.
 */
@Tag("unit")
class StreamingChainVerifierTest {
    @TempDir
    Path dir;
    SoftwareDeviceKey key;
    List<StoredRecord> chain;
    ExecutorService pool;

    @BeforeEach
    void chain() throws Exception {
        key = Pkcs12KeyStore.create(dir.resolve("k.p12"), CoseAlgorithm.EDDSA, "gw", "pw".toCharArray());
        chain = new ArrayList<>();
        // several chunks, the last one partial
        TestExports.chain(key, "gw", 3 * ChainVerifier.CHUNK + 17, 0).forEachRemaining(chain::add);
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static EntrySource source(List<StoredRecord> records, Set<Long> omitted) {
        Iterator<StoredRecord> it = records.iterator();
        return () -> {
            if (!it.hasNext()) {
                return null;
            }
            StoredRecord r = it.next();
            return new ExportEntry(r, r instanceof StoredRecord.Erased && omitted.contains(r.seq()));
        };
    }

    private VerificationReport streamed(List<StoredRecord> records, Set<Long> omitted, EntryObserver observer)
            throws Exception {
        return new ChainVerifier("gw", List.of(key.publicKey()), SignatureVerifier.BOUNCY_CASTLE, pool, 3)
                .verify(source(records, omitted), observer);
    }

    private VerificationReport inMemory(List<StoredRecord> records, Set<Long> omitted) {
        return new ChainVerifier("gw", List.of(key.publicKey()), SignatureVerifier.BOUNCY_CASTLE).verify(records, omitted);
    }

    @Test
    void anIntactChainGivesTheSameReportAndEveryEntryInOrder() throws Exception {
        List<CheckedEntry> seen = new ArrayList<>();
        VerificationReport r = streamed(chain, Set.of(), seen::add);
        assertThat(r).isEqualTo(inMemory(chain, Set.of()));
        assertThat(r.ok()).isTrue();
        assertThat(r.verified()).isEqualTo(chain.size());
        assertThat(seen).extracting(CheckedEntry::seq).containsExactlyElementsOf(chain.stream().map(StoredRecord::seq).toList());
        assertThat(seen).allMatch(CheckedEntry::verified);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i).leafHash()).isEqualTo(chain.get(i).leafHash());
            assertThat(seen.get(i).reading().seq()).isEqualTo(i + 1);
        }
    }

    @Test
    void brokenRecordsGiveTheSameFindingsBySeq() throws Exception {
        List<StoredRecord> l = new ArrayList<>(chain);
        byte[] forged = ((StoredRecord.Signed) l.get(299)).cose();
        forged[forged.length - 1] ^= 1;
        l.set(299, new StoredRecord.Signed(300, forged));
        l.set(6, new StoredRecord.Signed(7, CoseSign1.sign(key, ReadingCodec.encode(
                new ChainedReading("gw", 7, new byte[32], new byte[16], TestExports.odometer(7))))));
        l.set(500, new StoredRecord.Signed(501, new byte[] {(byte) 0xa0}));
        byte[] c10 = ((StoredRecord.Signed) l.get(9)).cose();
        l.set(9, new StoredRecord.Erased(10, RecordHashes.chainHash(c10), RecordHashes.leafHash(c10)));
        byte[] c11 = ((StoredRecord.Signed) l.get(10)).cose();
        l.set(10, new StoredRecord.Erased(11, RecordHashes.chainHash(c11), RecordHashes.leafHash(c11)));
        l.remove(700); // seq 701 missing
        List<CheckedEntry> seen = new ArrayList<>();
        VerificationReport r = streamed(l, Set.of(11L), seen::add);
        assertThat(r).isEqualTo(inMemory(l, Set.of(11L)));
        assertThat(r.findings()).extracting(Finding::kind, Finding::seq).containsExactly(
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 7L),
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 8L),
                Tuple.tuple(Finding.Kind.ERASED, 10L),
                Tuple.tuple(Finding.Kind.BAD_SIGNATURE, 300L),
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 301L),
                Tuple.tuple(Finding.Kind.MALFORMED, 501L),
                Tuple.tuple(Finding.Kind.BROKEN_LINK, 502L),
                Tuple.tuple(Finding.Kind.GAP, 701L));
        assertThat(r.omitted()).isEqualTo(1);
        assertThat(seen.get(10).entry().omitted()).isTrue();
        assertThat(seen.get(10).leafHash()).isEqualTo(RecordHashes.leafHash(c11));
        assertThat(seen.get(299).verified()).isFalse();
        assertThat(seen.get(299).findings()).extracting(Finding::kind).containsExactly(Finding.Kind.BAD_SIGNATURE);
    }

    @Test
    void anEntryOutOfOrderInAStreamIsRefusedAndReported() throws Exception {
        List<StoredRecord> l = new ArrayList<>(chain.subList(0, 10));
        StoredRecord three = l.remove(2);
        l.add(5, three); // 1 2 4 5 6 3 7 ...
        l.add(chain.get(0)); // seq 1 again, at the end
        l.add(new StoredRecord.Signed(9, CoseSign1.sign(key, ReadingCodec.encode(
                new ChainedReading("gw", 9, chain.get(7).chainHash(), new byte[16], TestExports.odometer(999))))));
        VerificationReport r = streamed(l, Set.of(), EntryObserver.NONE);
        assertThat(r.ok()).isFalse();
        assertThat(r.records()).isEqualTo(l.size());
        assertThat(r.findings()).extracting(Finding::kind, Finding::seq).containsExactly(
                Tuple.tuple(Finding.Kind.DUPLICATE, 1L),
                Tuple.tuple(Finding.Kind.GAP, 3L),
                Tuple.tuple(Finding.Kind.REORDER, 3L),
                Tuple.tuple(Finding.Kind.FORK, 9L));
    }

    @Test
    void beyondTheListedFindingsTheRestAreCounted() throws Exception {
        SoftwareDeviceKey other = Pkcs12KeyStore.create(dir.resolve("o.p12"), CoseAlgorithm.EDDSA, "gw", "pw".toCharArray());
        List<StoredRecord> many = new ArrayList<>();
        TestExports.chain(other, "gw", ChainVerifier.MAX_LISTED_FINDINGS + 5, 0).forEachRemaining(many::add);
        VerificationReport r = streamed(many, Set.of(), EntryObserver.NONE);
        assertThat(r.findings()).hasSize(ChainVerifier.MAX_LISTED_FINDINGS);
        assertThat(r.unlistedFailures()).isEqualTo(5);
        assertThat(r.failures()).isEqualTo(ChainVerifier.MAX_LISTED_FINDINGS + 5);
        assertThat(r.ok()).isFalse();
        assertThat(r.verdict().checks().get(0).detail()).contains("10000 findings listed, 5 more counted");
    }
}
