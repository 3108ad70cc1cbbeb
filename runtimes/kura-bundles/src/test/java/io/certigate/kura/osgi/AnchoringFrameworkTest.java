package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.proof.ProofExporter;
import io.certigate.core.io.SqliteFiles;
import io.certigate.anchor.testing.TestChain;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.simulators.tic.TicSimulator;
import io.certigate.simulators.tic.TicStreamGenerator;
import io.certigate.simulators.tic.TicTariff;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundleJson;
import io.certigate.testbed.pty.PtyPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * The anchoring component inside Equinox against a real dev chain (anvil, the CertigateAnchor
 * contract deployed, the gateway's ledger account funded and allowed): the readings of a simulated
 * Linky meter (TIC component on a pty pair) are batched and anchored (batch rows anchored with a
 * block, the records' anchored_ms set, every proof verifies against the chain); a smaller batch
 * size set through ConfigAdmin is what the next batches are cut with.
 */
@Tag("integration")
class AnchoringFrameworkTest {
    static final String DEVICE = "kura-anchor-1";
    static final String FILTER = "(device.id=" + DEVICE + ")";
    static final String METER = "041876097359";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final OsgiHarness osgi = new OsgiHarness();
    private final ScheduledExecutorService meterThread = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        osgi.close(); // deletes the configurations, newest first, and waits for the spine to go
        meterThread.shutdownNow();
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    @Test
    void meterReadingsAreAnchoredAndANewBatchSizeTakesEffect() throws Exception {
        TestChain ledger = TestChain.start(dir.resolve("ledger"));
        resources.add(ledger);
        Path accountPass = Files.writeString(dir.resolve("ledger/gateway.pass"), new String(TestChain.PASSPHRASE));

        DeviceKey key = OsgiHarness.createDeviceKey(dir, DEVICE, CoseAlgorithm.ES256);
        ServiceReference<Spine> spineRef = osgi.configureSpine(dir, DEVICE);
        Spine spine = osgi.context.getService(spineRef);

        Map<String, Object> anchoring = new HashMap<>();
        anchoring.put("anchor.rpc", ledger.config().rpcUrl());
        anchoring.put("anchor.chain-id", ledger.config().chainId());
        anchoring.put("anchor.contract", ledger.config().contract());
        anchoring.put("anchor.account-key", dir.resolve("ledger/gateway.key.json").toString());
        anchoring.put("anchor.account-pass", "file:" + accountPass);
        anchoring.put("anchor.batch-size", 4);
        anchoring.put("anchor.batch-age-s", 3600);
        anchoring.put("spine.target", FILTER);
        Configuration anchoringConfig = osgi.configure("io.certigate.kura.anchoring", anchoring);

        Map<String, Object> tic = new HashMap<>();
        tic.put("tic.port", meterLine("line").toString());
        tic.put("tic.mode", "historic");
        tic.put("tic.index-period-s", 0);
        tic.put("tic.instant-period-s", 0);
        tic.put("spine.target", FILTER);
        osgi.configure("io.certigate.kura.tic", tic);

        BatchStore store = new BatchStore(spine.buffer());
        List<Batch> first = awaitBatches(store, bs -> anchored(bs, 4) >= 2);
        assertThat(first).allSatisfy(b -> assertThat(b.size()).isEqualTo(4));

        anchoring.put("anchor.batch-size", 2);
        anchoringConfig.update(new Hashtable<>(anchoring));
        List<Batch> all = awaitBatches(store, bs -> anchored(bs, 2) >= 2);
        // cut with 4 until the new configuration took effect, with 2 from then on
        List<Long> sizes = all.stream().map(Batch::size).toList();
        int firstTwo = sizes.indexOf(2L);
        assertThat(sizes.subList(0, firstTwo)).as("sizes %s", sizes).isNotEmpty().containsOnly(4L);
        assertThat(sizes.subList(firstTwo, sizes.size())).as("sizes %s", sizes).containsOnly(2L);

        // every record of an anchored batch carries its anchoring time, and its proof verifies on chain
        List<Batch> anchored = all.stream().filter(b -> b.state() == Batch.State.ANCHORED).toList();
        long last = anchored.get(anchored.size() - 1).lastSeq();
        assertThat(anchored.get(0).firstSeq()).isEqualTo(1);
        assertThat(anchored).allSatisfy(b -> assertThat(b.blockNumber()).isPositive());
        assertThat(anchoredRecords(spine, last)).isEqualTo(last);
        ProofExporter exporter = new ProofExporter(spine.buffer(), store);
        io.certigate.verifier.Verdict report = BundleVerifier.verify(
                ProofBundleJson.read(ProofBundleJson.write(exporter.export(1, last, key.certificateChain()))),
                ledger.config().rpcUrl(), ledger.contract);
        assertThat(report.notChecked().isEmpty()).isTrue();
        assertThat(report.valid()).as(BundleVerifier.render(report)).isTrue();
        osgi.context.ungetService(spineRef);
    }

    private static long anchored(List<Batch> batches, long size) {
        return batches.stream().filter(b -> b.size() == size && b.state() == Batch.State.ANCHORED).count();
    }

    private List<Batch> awaitBatches(BatchStore store, Predicate<List<Batch>> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Batch> batches = store.all();
        while (!done.test(batches)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("batches never as expected: " + batches + "; components: " + osgi.components());
            }
            Thread.sleep(200);
            batches = store.all();
        }
        return batches;
    }

    private static long anchoredRecords(Spine spine, long lastSeq) throws Exception {
        try (Connection c = SqliteFiles.openReadOnly(spine.buffer().file()); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM record WHERE seq <= ? AND anchored_ms IS NOT NULL AND anchored_ms > 0")) {
            s.setLong(1, lastSeq);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A simulated meter writing frames into a fresh pty pair; returns the gateway side. */
    private Path meterLine(String name) throws Exception {
        PtyPair pty = PtyPair.open(dir.resolve(name));
        resources.add(pty);
        TicStreamGenerator gen = new TicStreamGenerator(new TicStreamGenerator.Config(true, TicTariff.BASE, METER, 0, false, 7),
                new long[] {4_210_000});
        TicSimulator meter = TicSimulator.onPty(pty.deviceSide(), gen, Clock.systemUTC(), Clock.systemUTC().instant(), 60);
        resources.add(0, meter);
        meter.start(meterThread, Duration.ofMillis(200));
        return pty.gatewaySide();
    }
}
