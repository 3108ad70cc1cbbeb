package io.certigate.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.proof.ProofExporter;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.core.io.SqliteFiles;
import io.certigate.testbed.time.ManualScheduler;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once anchoring against a real anvil dev chain, across a chain outage (node stopped with
 * its database kept, then restarted) and gateway crashes at each point between signing and the
 * receipt. After every scenario each batch root has exactly one Anchored event, batches were
 * anchored in order, and the gateway account spent exactly one nonce per batch.
 */
@Tag("integration")
class ExactlyOnceAnchoringTest {
    @TempDir
    Path dir;
    TestChain chain;
    TestDevice device;
    final Clock clock = Clock.systemUTC();

    @BeforeEach
    void start() throws Exception {
        chain = TestChain.start(dir);
        device = new TestDevice(dir, "dev-once", clock);
    }

    @AfterEach
    void stop() throws Exception {
        device.close();
        chain.close();
    }

    private Anchorer anchorer(LedgerClient c) throws Exception {
        return new Anchorer(new BatchStore(device.buffer), c, chain.gateway, device.id, clock);
    }

    private static void stepUntilIdle(Anchorer a) throws Exception {
        for (int i = 0; i < 200; i++) {
            Anchorer.Outcome o = a.step();
            if (o == Anchorer.Outcome.IDLE) {
                return;
            }
            assertThat(o).isNotEqualTo(Anchorer.Outcome.REFUSED);
            if (o == Anchorer.Outcome.WAITING) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("anchorer did not finish");
    }

    /** Every batch anchored once, in order, by the gateway, and its records marked anchored. */
    private void assertAnchoredExactlyOnce(int expectedBatches) throws Exception {
        BatchStore store = new BatchStore(device.buffer);
        List<Batch> batches = store.all();
        assertThat(batches).hasSize(expectedBatches);
        long previousBlock = 0;
        try (LedgerClient c = chain.client()) {
            for (Batch b : batches) {
                assertThat(b.state()).as("%s", b).isEqualTo(Batch.State.ANCHORED);
                List<AnchorAbi.AnchoredEvent> events = c.anchoredEvents(AnchorAbi.deviceKey(device.id), b.root());
                assertThat(events).as("events of %s", b).hasSize(1);
                AnchorAbi.AnchoredEvent e = events.get(0);
                assertThat(e.txHash()).isEqualTo(b.txHash());
                assertThat(e.blockNumber()).isEqualTo(b.blockNumber()).isEqualTo(c.blockOf(AnchorAbi.deviceKey(device.id), b.root()));
                assertThat(e.firstSeq()).isEqualTo(b.firstSeq());
                assertThat(e.lastSeq()).isEqualTo(b.lastSeq());
                assertThat(e.device()).isEqualTo(AnchorAbi.deviceKey(device.id));
                assertThat(e.blockNumber()).isGreaterThan(previousBlock);
                previousBlock = e.blockNumber();
                assertThat(c.transaction(b.txHash()).orElseThrow().getFrom()).isEqualTo(chain.gateway.address());
            }
        }
        long unanchoredRecords;
        try (Connection c = SqliteFiles.openReadOnly(device.buffer.file()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM record WHERE anchored_ms IS NULL OR batch_id IS NULL")) {
            rs.next();
            unanchoredRecords = rs.getLong(1);
        }
        assertThat(unanchoredRecords).isZero();
        long last = batches.get(batches.size() - 1).lastSeq();
        ProofBundle bundle = ProofBundleJson.read(ProofBundleJson.write(
                new ProofExporter(device.buffer, store).export(1, last, device.key.certificateChain())));
        io.certigate.verifier.Verdict report = BundleVerifier.verify(bundle, chain.chain.rpcUrl(), chain.contract);
        assertThat(report.valid()).as(BundleVerifier.render(report)).isTrue();
        assertThat(report.checks()).filteredOn(io.certigate.verifier.Verdict.Check::ok).hasSize((int) last + 1 + expectedBatches);
    }

    private BigInteger gatewayNonce() throws Exception {
        try (LedgerClient c = chain.client()) {
            return c.nonce(chain.gateway.address(), false);
        }
    }

    @Test
    void aCrashAfterSigningOrAfterSendingNeitherLosesNorRepeatsAnAnchor() throws Exception {
        device.produce(30);
        new AnchorBatcher(new BatchStore(device.buffer), new AnchorBatcher.Options(10, Duration.ofHours(1)), clock).cutRipe();

        try (LedgerClient c = chain.client()) {
            Anchorer a = anchorer(c);
            assertThat(a.step()).isEqualTo(Anchorer.Outcome.PROGRESS); // batch 1 signed and persisted, not sent
        }
        device.crash(); // crash 1: between persisting the signed transaction and sending it
        device.open();
        try (LedgerClient c = chain.client()) {
            Anchorer a = anchorer(c);
            assertThat(a.step()).isEqualTo(Anchorer.Outcome.WAITING); // unknown to the node: the same bytes are sent
            Batch sent = new BatchStore(device.buffer).nextUnanchored().orElseThrow();
            assertThat(sent.state()).isEqualTo(Batch.State.SENT);
            assertThat(c.knows(sent.txHash())).isTrue();
        }
        device.crash(); // crash 2: between sending and reading the receipt
        device.open();
        try (LedgerClient c = chain.client()) {
            stepUntilIdle(anchorer(c));
        }
        assertAnchoredExactlyOnce(3);
        assertThat(gatewayNonce()).isEqualTo(BigInteger.valueOf(3));
    }

    @Test
    void aRootAlreadyOnChainIsRecognisedAndANonceTakenElsewhereIsReplaced() throws Exception {
        device.produce(20);
        BatchStore store = new BatchStore(device.buffer);
        List<Batch> cut = new AnchorBatcher(store, new AnchorBatcher.Options(10, Duration.ofHours(1)), clock).cutRipe();
        assertThat(cut).hasSize(2);
        try (LedgerClient c = chain.client()) {
            LedgerAdmin gw = new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30));
            // batch 1's root reaches the chain through another transaction (say, a restored backup's gateway)
            Batch first = cut.get(0);
            gw.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(first.root(),
                    AnchorAbi.deviceKey(device.id), first.firstSeq(), first.lastSeq()));
            Anchorer a = anchorer(c);
            assertThat(a.step()).isEqualTo(Anchorer.Outcome.PROGRESS);
            assertThat(store.byId(first.id()).orElseThrow().state()).isEqualTo(Batch.State.ANCHORED);

            // batch 2 is signed, then its nonce is spent by another transaction of the same account
            assertThat(a.step()).isEqualTo(Anchorer.Outcome.PROGRESS);
            Batch signed = store.byId(cut.get(1).id()).orElseThrow();
            assertThat(signed.state()).isEqualTo(Batch.State.SENT);
            gw.fund(chain.admin.address(), BigInteger.ONE);
            assertThat(c.nonce(chain.gateway.address(), false).longValueExact()).isGreaterThan(signed.nonce());
            stepUntilIdle(a);
            Batch anchored = store.byId(signed.id()).orElseThrow();
            assertThat(anchored.txHash()).isNotEqualTo(signed.txHash());
            assertThat(c.knows(signed.txHash())).isFalse();
        }
        assertAnchoredExactlyOnce(2);
    }

    /**
     * The same root anchored first under another device's id is not this device's anchor: the
     * anchorer neither takes that transaction for its own nor is blocked by it (before roots were
     * held per device, the contract refused the device's own anchor of that root).
     */
    @Test
    void aRootAnchoredUnderAnotherDevicesIdNeitherCountsNorBlocks() throws Exception {
        device.produce(10);
        BatchStore store = new BatchStore(device.buffer);
        Batch batch = new AnchorBatcher(store, new AnchorBatcher.Options(10, Duration.ofHours(1)), clock).cutRipe().get(0);
        try (LedgerClient c = chain.client()) {
            String elsewhere = new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30)).send(chain.contract,
                    BigInteger.ZERO, AnchorContract.encodeAnchor(batch.root(), AnchorAbi.deviceKey("dev-elsewhere"),
                            batch.firstSeq(), batch.lastSeq())).getTransactionHash();
            stepUntilIdle(anchorer(c));
            assertThat(store.byId(batch.id()).orElseThrow().txHash()).isNotEqualTo(elsewhere);
        }
        assertAnchoredExactlyOnce(1);
    }

    /**
     * A closed service does nothing more, on virtual time: wake-ups queued before close() (the
     * commit listener's) neither cut batches nor anchor, so a successor configured with another
     * batch size (a reconfigured Kura component) is the only one cutting.
     */
    @Test
    void aClosedServiceNeitherCutsNorAnchorsWhatWasQueued() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        BatchStore store = new BatchStore(device.buffer);
        try (LedgerClient c = chain.client()) {
            AnchorService service = new AnchorService(
                    new AnchorBatcher(store, new AnchorBatcher.Options(4, Duration.ofHours(1)), scheduler.clock()),
                    new Anchorer(store, c, chain.gateway, device.id, clock), store, scheduler, scheduler.clock(),
                    new AnchorService.Options(Duration.ofMillis(100), Duration.ofMillis(500)));
            service.start();
            device.produce(12);
            service.wake(12); // queued on the scheduler, not run yet
            service.close();
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(store.all()).as("nothing cut after close").isEmpty();
            assertThat(gatewayNonce()).as("nothing sent after close").isZero();
        }
    }

    /**
     * The service on virtual time (its ticks run on this thread when the test advances the
     * scheduler) against the real dev chain: while the ledger is down nothing is anchored and the
     * service holds off for exactly five ticks between attempts; afterwards everything is anchored
     * once.
     */
    @Test
    void aChainOutageMidRunOnlyDelaysAnchoring() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        Duration tick = Duration.ofMillis(100);
        BatchStore store = new BatchStore(device.buffer);
        try (LedgerClient c = chain.client();
                AnchorService service = new AnchorService(
                        new AnchorBatcher(store, new AnchorBatcher.Options(25, Duration.ofHours(1)), scheduler.clock()),
                        new Anchorer(store, c, chain.gateway, device.id, clock), store, scheduler, scheduler.clock(),
                        new AnchorService.Options(tick, Duration.ofMillis(500)))) {
            assertThat(store.lastAnchoredSeq()).isZero();
            device.sequencer.addCommitListener(service::wake);
            service.start();
            device.produce(100);
            waitUntil(() -> {
                scheduler.advance(tick);
                return store.unanchoredCount() == 0 && store.all().size() == 4;
            }, "first 4 batches anchored");
            assertThat(store.lastAnchoredSeq()).isEqualTo(100);
            assertThat(service.stats()).isEqualTo(new AnchorService.Stats(true, 0, 0, 0));

            chain.stopNode();
            device.produce(100); // readings keep being signed and batched while the ledger is down
            service.wake(200); // the commit listener's wake may still be on its way: this one runs now
            scheduler.runDue();
            assertThat(store.all()).as("batches cut during the outage").hasSize(8);
            assertThat(service.ledgerUnreachable()).isTrue();
            assertThat(service.stats().unreachable()).isEqualTo(1);
            scheduler.advance(tick.multipliedBy(5).minusMillis(1)); // later wakes and ticks find the hold
            assertThat(service.stats().unreachable()).as("held off for five ticks").isEqualTo(1);
            scheduler.advance(Duration.ofMillis(1));
            assertThat(service.stats().unreachable()).as("the next attempt").isEqualTo(2);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(store.unanchoredCount()).isEqualTo(4);
            assertThat(store.lastAnchoredSeq()).as("nothing anchored during the outage").isEqualTo(100);
            assertThat(service.stats().ledgerReachable()).isFalse();

            chain.restartNode();
            device.produce(50);
            waitUntil(() -> {
                scheduler.advance(tick);
                return store.unanchoredCount() == 0 && store.all().size() == 10;
            }, "all batches anchored after the outage");
            assertThat(service.ledgerUnreachable()).isFalse();
            assertThat(service.stats().ledgerReachable()).isTrue();
            assertThat(store.lastAnchoredSeq()).isEqualTo(250);
        }
        assertThat(scheduler.failures()).isEmpty();
        assertAnchoredExactlyOnce(10);
        assertThat(gatewayNonce()).isEqualTo(BigInteger.valueOf(10));
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}
