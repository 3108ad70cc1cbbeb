package io.certigate.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.spine.VerifyCommand;
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
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.testbed.device.TestDevice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three meter scenarios (Linky home meter, RFID station, road hub) run together through a real
 * spine for a few seconds; their readings are signed, exported and independently verified.
 */
@Tag("component")
class MeterScenariosTest {
    @TempDir
    Path dir;

    @Test
    void linkyRfidAndRoadHubReadingsAreCertifiedEndToEnd() throws Exception {
        SoftwareDeviceKey key = TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-meter-demo", CoseAlgorithm.EDDSA).key();
        List<DemoScenario> scenarios = List.of(new LinkyHomeMeterScenario(), new RfidStationScenario(), new RoadHubScenario());
        ExecutorService writer = Executors.newSingleThreadExecutor();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path bufferFile = dir.resolve("buffer.db");
        try (Spine spine = Spine.open(key, bufferFile, RecordBuffer.Options.defaults("gw-meter-demo"), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer)) {
            DemoScenario.Context ctx = new DemoScenario.Context(spine, dir, Clock.systemUTC(), scheduler,
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            List<AutoCloseable> running = new ArrayList<>();
            try {
                for (DemoScenario s : scenarios) {
                    running.add(s.start(ctx));
                }
                Thread.sleep(7000);
            } finally {
                for (AutoCloseable r : running) {
                    r.close();
                }
            }
            spine.sequencer().close();
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
        }
        for (DemoScenario s : scenarios) {
            assertThat(s.summary()).as(s.name()).isNotEmpty();
        }
        List<String> sources = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        try (RecordBuffer buffer = RecordBuffer.open(bufferFile, RecordBuffer.Options.defaults("gw-meter-demo"))) {
            for (StoredRecord r : buffer.range(1, buffer.head().seq())) {
                ChainedReading c = ReadingCodec.decode(CoseSign1.verify(((StoredRecord.Signed) r).cose(), key.publicKey(), key.keyId()));
                sources.add(c.reading().source());
                kinds.add(c.reading().kind());
            }
            Exporter.export(buffer, Selection.ALL, dir.resolve("export.json"));
        }
        assertThat(sources).as(log.toString(StandardCharsets.UTF_8)).contains("tic", "rfid:ttyGW")
                .anyMatch(s -> s.startsWith("coap:road-"));
        assertThat(kinds).contains("meter.energy.import", "meter.power.apparent", "rfid.tag", "road.shock", "road.position.lat");
        VerificationReport report = VerifyCommand.verify(ExportFile.read(dir.resolve("export.json")));
        assertThat(report.ok()).isTrue();
        assertThat(report.verified()).isEqualTo(sources.size());
    }
}
