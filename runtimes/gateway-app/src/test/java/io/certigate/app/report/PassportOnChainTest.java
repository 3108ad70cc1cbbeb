package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.app.anchor.DemoAnchoring;
import io.certigate.app.demo.DemoScenario;
import io.certigate.app.demo.VehicleScenario;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.device.TestDevice;
import io.certigate.verifier.export.ExportFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo vehicle's passport as an insurer gets it, rendered by headless Chromium: the vehicle box
 * of {@code certigate demo} (the simulated ELM327 read by the real OBD poller, its odometer wound
 * back after four reads) on a real spine, anchored on an anvil dev chain as the demo does. Then
 * {@code report --buffer} with and without {@code --rpc}, and {@code report --export} of an export
 * cut just before the rollback, checked against the chain.
 */
@Tag("integration")
class PassportOnChainTest {
    private static final String DEVICE = "gw-vehicle";
    private static final String VIN = "1M8GDM9AXKP042788";

    @TempDir
    Path dir;

    @Test
    void theDemoVehiclesPassportAndATruncatedExportOnTheChain() throws Exception {
        SoftwareDeviceKey key = TestDevice.openOrCreate(dir.resolve("device.p12"), DEVICE, CoseAlgorithm.EDDSA).key();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        VehicleScenario scenario = new VehicleScenario(Duration.ofMillis(250));
        Path buffer = dir.resolve("buffer.db");
        Chromium chromium = new Chromium(dir.resolve("profile"));
        try (Spine spine = Spine.open(key, buffer, RecordBuffer.Options.defaults(DEVICE), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer);
                DemoAnchoring anchoring = DemoAnchoring.start(dir, spine.buffer(), spine.sequencer(), out)) {
            DemoScenario.Context ctx = new DemoScenario.Context(spine, dir, Clock.systemUTC(), scheduler, out);
            try (AutoCloseable running = scenario.start(ctx)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!String.join("\n", scenario.summary()).matches("(?s).*\\n([6-9]|[1-9][0-9]+) odometer readings flagged.*")) {
                    assertThat(System.nanoTime()).as("a rollback and five readings after it within 30 s").isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            spine.sequencer().close();
            assertThat(anchoring.finish(spine.key().certificateChain(), out)).as(log.toString(StandardCharsets.UTF_8)).isTrue();

            // the demo vehicle's passport from its buffer, anchors checked on the chain
            Path checked = dir.resolve("checked.html");
            CliRun.Result r = CliRun.run("report", "--buffer", buffer.toString(), "--device", DEVICE, "--subject", VIN,
                    "--rpc", anchoring.rpcUrl(), "-o", checked.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern(": \\d+ readings of " + VIN + ", 1 rollback \\(\\d+ readings inside\\)\n");
            Chromium.Rendered page = chromium.render(checked, "svg g.rollback-marker", "li.rollback-explanation",
                    "#anchors tbody tr", "table.readings tr.verified, table.readings tr.rollback", "#incomplete-warning");
            assertThat(page.text()).containsPattern("VERIFIED: the \\d+ readings of " + VIN + " are signed by the device")
                    .contains("1 rollback of the odometer")
                    .containsPattern("the odometer read [0-9,.]+ km, [0-9,.]+ km less than the [0-9,.]+ km certified on")
                    .containsPattern("one event of \\d+ readings, not \\d+ separate anomalies")
                    .containsPattern("\\d+ of \\d+ anchoring transactions confirmed on chain 1337")
                    .contains("Complete: the file covers the ")
                    .containsPattern("the root recomputed from the file's \\d+ leaves matches");
            assertThat(page.count("svg g.rollback-marker")).isEqualTo(1);
            assertThat(page.count("li.rollback-explanation")).isEqualTo(1);
            assertThat(page.count("#anchors tbody tr")).isPositive();
            assertThat(page.count("#incomplete-warning")).isZero();
            assertThat(page.text()).doesNotContain("not anchored").doesNotContain("NOT confirmed").doesNotContain("unchecked")
                    .containsPattern("block \\d+ \\(checked on chain\\)");

            // without --rpc: the gateway's blocks, said to be its claim; no row 'not anchored' (every batch is anchored)
            Path claimed = dir.resolve("claimed.html");
            r = CliRun.run("report", "--buffer", buffer.toString(), "--device", DEVICE, "--subject", VIN, "-o", claimed.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            String html = Files.readString(claimed, StandardCharsets.UTF_8);
            assertThat(html).doesNotContain(">not anchored<").containsPattern("block \\d+ \\(gateway&#39;s claim, unchecked\\)")
                    .contains("the gateway&#39;s claim, NOT checked on the ledger");

            // an export cut just before the rollback: clean on its own, incomplete against the ledger
            long cut = firstFlagged(spine.buffer()) - 1;
            Path truncated = dir.resolve("truncated.json");
            Exporter.export(spine.buffer(), new Selection(1, cut, null, null, null, null), truncated);
            Path partial = dir.resolve("truncated.html");
            r = CliRun.run("report", "--export", truncated.toString(), "--subject", VIN, "--rpc", anchoring.rpcUrl(),
                    "--contract", anchoring.contract(), "-o", partial.toString());
            assertThat(r.exit()).as("an incomplete history is a verification failure; the passport is written").isEqualTo(1);
            assertThat(r.out()).contains(", 0 rollbacks; INCOMPLETE history: seq " + (cut + 1) + "..");
            page = chromium.render(partial, "#incomplete-warning", "svg g.rollback-marker", "#verdict-headline");
            assertThat(page.count("#incomplete-warning")).isEqualTo(1);
            assertThat(page.count("svg g.rollback-marker")).isZero();
            assertThat(page.text()).contains("INCOMPLETE HISTORY: the ledger holds readings of this device that this file does not"
                    + " contain (seq " + (cut + 1) + "..")
                    .contains("Incomplete history. The ledger shows readings of this device that are not in this file:")
                    .containsPattern("seq " + (cut + 1) + "\\.\\.\\d+: anchored at block \\d+, tx 0x[0-9a-f]{64} \\(seq 1\\.\\.\\d+\\), not in"
                            + " this file: the history goes on after the file's last record, seq " + cut)
                    .contains("No rollback in this file").contains("the readings it lacks are not seen here")
                    .doesNotContain("VERIFIED:");
            Matcher m = Pattern.compile("(\\d+) readings of " + VIN).matcher(r.out());
            assertThat(m.find()).isTrue();

            // the same export without the ledger: completeness not checked, said plainly
            Path offline = dir.resolve("offline.html");
            r = CliRun.run("report", "--export", truncated.toString(), "--subject", VIN, "-o", offline.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(chromium.render(offline).text()).contains("Completeness not checked.")
                    .contains("A file that stops early, before a rollback for instance, would look the same");
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
        }
    }

    private static long firstFlagged(RecordBuffer buffer) throws Exception {
        Path all = Files.createTempFile("all-", ".json");
        try {
            Exporter.export(buffer, Selection.ALL, all);
            for (StoredRecord r : ExportFile.read(all).records()) {
                if (r instanceof StoredRecord.Signed s) {
                    ChainedReading c = ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload());
                    if (c.reading().flags().contains("rollback-suspected")) {
                        return c.seq();
                    }
                }
            }
            throw new AssertionError("no flagged reading");
        } finally {
            Files.deleteIfExists(all);
        }
    }
}
