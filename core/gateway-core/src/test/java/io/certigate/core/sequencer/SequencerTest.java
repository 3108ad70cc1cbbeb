package io.certigate.core.sequencer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.BufferTable;
import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.buffer.TableAccess;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.testing.TestSpine;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.VerificationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("component")
class SequencerTest {
    @TempDir
    Path dir;

    @Test
    void assignsSeqChainsSignsAndCommitsBeforeAcknowledging() throws Exception {
        List<CompletableFuture<ReadingSink.Committed>> acks = new ArrayList<>();
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 2000; i++) {
                acks.add(spine.sequencer.submit(TestSpine.odometer(i)));
            }
            for (int i = 0; i < acks.size(); i++) {
                ReadingSink.Committed c = acks.get(i).get(10, TimeUnit.SECONDS);
                assertThat(c.seq()).isEqualTo(i + 1);
                // acknowledged means readable from the file
            }
            assertThat(spine.buffer.head().seq()).isEqualTo(2000);
            List<StoredRecord> all = spine.buffer.range(1, 2000);
            assertThat(all).hasSize(2000);
            VerificationReport r = new ChainVerifier(TestSpine.DEVICE, List.of(spine.key.publicKey()),
                    SignatureVerifier.JDK).verify(all);
            assertThat(r.ok()).as("%s", r.findings()).isTrue();
            assertThat(r.verified()).isEqualTo(2000);
            byte[] payload = CoseSign1.verify(((StoredRecord.Signed) all.get(0)).cose(), spine.key.publicKey(), null);
            ChainedReading first = ReadingCodec.decode(payload);
            assertThat(first.prev()).isEqualTo(new byte[32]);
            assertThat(first.reading()).isEqualTo(TestSpine.odometer(0));
            assertThat(first.salt()).isNotEqualTo(ReadingCodec.decode(CoseSign1.verify(
                    ((StoredRecord.Signed) all.get(1)).cose(), spine.key.publicKey(), null)).salt());
        }
    }

    @Test
    void theStampStepChangesWhatIsSignedAndChained() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            spine.sequencer.submit(TestSpine.odometer(1)).get(10, TimeUnit.SECONDS);
            spine.sequencer.stampWith(r -> r.withTime(r.observedAtMillis() - 250, io.certigate.core.model.TimeQuality.GNSS));
            spine.sequencer.submit(TestSpine.odometer(2)).get(10, TimeUnit.SECONDS);
            List<StoredRecord> all = spine.buffer.range(1, 2);
            ChainedReading before = ReadingCodec.decode(CoseSign1.verify(((StoredRecord.Signed) all.get(0)).cose(),
                    spine.key.publicKey(), null));
            ChainedReading after = ReadingCodec.decode(CoseSign1.verify(((StoredRecord.Signed) all.get(1)).cose(),
                    spine.key.publicKey(), null));
            assertThat(before.reading()).isEqualTo(TestSpine.odometer(1));
            assertThat(after.reading().timeQuality()).isEqualTo(io.certigate.core.model.TimeQuality.GNSS);
            assertThat(after.reading().observedAtMillis()).isEqualTo(TestSpine.odometer(2).observedAtMillis() - 250);
        }
    }

    @Test
    void runsBothStagesOnTheExecutorsItIsGivenAndStartsNoThreadOfItsOwn() throws Exception {
        List<Thread> made = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "given-" + made.size());
            made.add(t);
            return t;
        });
        io.certigate.signing.SoftwareDeviceKey key = io.certigate.signing.Pkcs12KeyStore.create(dir.resolve("k.p12"),
                io.certigate.signing.CoseAlgorithm.EDDSA, TestSpine.DEVICE, "pass".toCharArray());
        try (RecordBuffer buffer = RecordBuffer.open(dir.resolve("b.db"), RecordBuffer.Options.defaults(TestSpine.DEVICE))) {
            Sequencer sequencer = new Sequencer(key, buffer, java.time.Clock.systemUTC(), new java.security.SecureRandom(),
                    pool, pool, Sequencer.Options.DEFAULT);
            List<Thread> committedOn = java.util.Collections.synchronizedList(new ArrayList<>());
            sequencer.addCommitListener(seq -> committedOn.add(Thread.currentThread()));
            sequencer.start();
            for (int i = 0; i < 20; i++) {
                sequencer.submit(TestSpine.odometer(i)).get(10, TimeUnit.SECONDS);
            }
            sequencer.close();
            assertThat(buffer.head().seq()).isEqualTo(20);
            assertThat(made).as("one thread per stage, both from the given pool").hasSize(2);
            assertThat(committedOn).isNotEmpty().allSatisfy(t -> assertThat(made).contains(t));
        } finally {
            pool.shutdown();
        }
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).as("both stages ended with close()").isTrue();
    }

    @Test
    void countsCommittedAlertFlagsByKindAndNotOtherFlags() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            io.certigate.core.model.Reading plain = TestSpine.odometer(1);
            io.certigate.core.model.Reading rollback = new io.certigate.core.model.Reading(plain.observedAtMillis(),
                    plain.timeQuality(), plain.source(), plain.kind(), plain.subject(), plain.value(), plain.unit(),
                    List.of("rollback-suspected", "vin-unavailable"));
            spine.sequencer.submit(plain).get(5, TimeUnit.SECONDS);
            spine.sequencer.submit(rollback).get(5, TimeUnit.SECONDS);
            spine.sequencer.submit(rollback).get(5, TimeUnit.SECONDS);
            assertThat(spine.sequencer.alertsByKind()).containsExactly(java.util.Map.entry("rollback-suspected", 2L));
        }
    }

    @Test
    void restartContinuesSeqAndChain() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 10; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
        }
        try (TestSpine spine = TestSpine.start(dir)) {
            assertThat(spine.buffer.head().seq()).isEqualTo(10);
            assertThat(spine.sequencer.submit(TestSpine.odometer(10)).get(5, TimeUnit.SECONDS).seq()).isEqualTo(11);
            VerificationReport r = new ChainVerifier(TestSpine.DEVICE, List.of(spine.key.publicKey()),
                    SignatureVerifier.BOUNCY_CASTLE).verify(spine.buffer.range(1, 100));
            assertThat(r.ok()).as("%s", r.findings()).isTrue();
            assertThat(r.verified()).isEqualTo(11);
        }
    }

    @Test
    void rejectPolicyRefusesWithAClearErrorAndKeepsTheChainWhole() throws Exception {
        RecordBuffer.Options opts = RecordBuffer.Options.defaults(TestSpine.DEVICE).withCapacity(5, CapacityPolicy.REJECT);
        try (TestSpine spine = TestSpine.start(dir, opts, new Sequencer.Options(16, 1))) {
            for (int i = 0; i < 5; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
            CompletableFuture<ReadingSink.Committed> sixth = spine.sequencer.submit(TestSpine.odometer(5));
            assertThatThrownBy(() -> sixth.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(BufferException.class).hasMessageContaining("buffer is full")
                    .hasMessageContaining("5 of 5");
            assertThat(spine.buffer.head().seq()).isEqualTo(5);
            assertThat(spine.sequencer.refusedCount()).isEqualTo(1);
            assertThat(spine.sequencer.lastRefusalReason()).isEqualTo("capacity");
            assertThat(spine.sequencer.lastRefusalMillis()).isPositive();
        }
    }

    @Test
    void purgePolicyMakesRoomFromDeliveredAndAnchoredRecordsOnly() throws Exception {
        RecordBuffer.Options opts = RecordBuffer.Options.defaults(TestSpine.DEVICE)
                .withCapacity(10, CapacityPolicy.PURGE_DELIVERED_AND_ANCHORED);
        try (TestSpine spine = TestSpine.start(dir, opts, new Sequencer.Options(16, 1))) {
            for (int i = 0; i < 10; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
            spine.buffer.markDelivered(1, 4, 1);
            // delivered but not anchored: nothing may be purged yet
            assertThatThrownBy(() -> spine.sequencer.submit(TestSpine.odometer(10)).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BufferException.class);
            TableAccess batches = spine.buffer.register(BufferTable.named("test_batch").migration("CREATE TABLE test_batch (id)"));
            batches.write("test anchor", tx -> tx.assignBatch(1, 1, 3) + tx.markAnchored(1, 2));
            assertThat(spine.sequencer.submit(TestSpine.odometer(10)).get(5, TimeUnit.SECONDS).seq()).isEqualTo(11);
            List<StoredRecord> left = spine.buffer.range(1, 100);
            assertThat(left.get(0).seq()).isEqualTo(2); // only seq 1 was purged: the minimum needed
            assertThat(left).hasSize(10);
        }
    }

    @Test
    void aPurgeHoldKeepsRecordsAnotherReaderHasNotDelivered() throws Exception {
        RecordBuffer.Options opts = RecordBuffer.Options.defaults(TestSpine.DEVICE)
                .withCapacity(10, CapacityPolicy.PURGE_DELIVERED_AND_ANCHORED);
        try (TestSpine spine = TestSpine.start(dir, opts, new Sequencer.Options(16, 1))) {
            for (int i = 0; i < 10; i++) {
                spine.sequencer.submit(TestSpine.odometer(i)).get(5, TimeUnit.SECONDS);
            }
            spine.buffer.markDelivered(1, 6, 1);
            TableAccess batches = spine.buffer.register(BufferTable.named("test_batch").migration("CREATE TABLE test_batch (id)"));
            batches.write("test anchor", tx -> tx.assignBatch(1, 1, 6) + tx.markAnchored(1, 2));
            java.util.concurrent.atomic.AtomicLong route = new java.util.concurrent.atomic.AtomicLong(0);
            java.util.function.LongSupplier hold = route::get;
            spine.buffer.holdPurge(hold);
            // delivered and anchored, but a route has delivered nothing: nothing may be purged
            assertThatThrownBy(() -> spine.sequencer.submit(TestSpine.odometer(10)).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BufferException.class);
            route.set(2);
            assertThat(spine.sequencer.submit(TestSpine.odometer(10)).get(5, TimeUnit.SECONDS).seq()).isEqualTo(11);
            assertThat(spine.sequencer.submit(TestSpine.odometer(11)).get(5, TimeUnit.SECONDS).seq()).isEqualTo(12);
            assertThatThrownBy(() -> spine.sequencer.submit(TestSpine.odometer(12)).get(5, TimeUnit.SECONDS))
                    .as("seq 3 is held by the route").hasCauseInstanceOf(BufferException.class);
            spine.buffer.releasePurge(hold);
            assertThat(spine.sequencer.submit(TestSpine.odometer(12)).get(5, TimeUnit.SECONDS).seq()).isEqualTo(13);
            assertThat(spine.buffer.range(1, 100).get(0).seq()).isEqualTo(4);
        }
    }

    @Test
    void submitBlocksWhenTheQueueIsFullInsteadOfGrowingMemory() throws Exception {
        try (TestSpine spine = TestSpine.start(dir, RecordBuffer.Options.defaults(TestSpine.DEVICE), new Sequencer.Options(4, 2))) {
            List<CompletableFuture<ReadingSink.Committed>> acks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                acks.add(spine.sequencer.submit(TestSpine.odometer(i)));
                assertThat(spine.sequencer.queueDepth()).isLessThanOrEqualTo(4);
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            assertThat(spine.buffer.head().seq()).isEqualTo(200);
        }
    }
}
