package io.certigate.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.spine.VerifyCommand;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.testbed.device.TestDevice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's vehicle through a real spine: certified odometer readings, then a rollback visible in verify. */
@Tag("component")
class VehicleScenarioTest {
    @TempDir
    Path dir;

    /**
     * Runs the vehicle box on a spine over {@code dir/buffer.db} until {@code done} (a positive
     * condition, polled within {@code within}), then commits what is queued; returns the buffer file.
     */
    private Path drive(VehicleScenario scenario, ByteArrayOutputStream log, Duration within, String what,
            java.util.function.BooleanSupplier done) throws Exception {
        SoftwareDeviceKey key = TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-vehicle", CoseAlgorithm.EDDSA).key();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        Path bufferFile = dir.resolve("buffer.db");
        try (Spine spine = Spine.open(key, bufferFile, RecordBuffer.Options.defaults("gw-vehicle"), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer)) {
            DemoScenario.Context ctx = new DemoScenario.Context(spine, dir, Clock.systemUTC(), scheduler,
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            try (AutoCloseable running = scenario.start(ctx)) {
                long deadline = System.nanoTime() + within.toNanos();
                while (!done.getAsBoolean()) {
                    assertThat(System.nanoTime()).as(what + " within " + within.toSeconds() + " s:\n" + log).isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            spine.sequencer().close();
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
        }
        return bufferFile;
    }

    @Test
    void driveWithARollbackAttemptShowsInVerify() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        VehicleScenario scenario = new VehicleScenario(Duration.ofMillis(250));
        Path bufferFile = drive(scenario, log, Duration.ofSeconds(20), "rollback",
                () -> String.join("\n", scenario.summary()).matches("(?s).*\\n[1-9][0-9]* odometer readings flagged.*"));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("simulated ELM327 on " + dir.resolve("ttyOBD"));
        Path export = dir.resolve("export.json");
        try (RecordBuffer buffer = RecordBuffer.open(bufferFile, RecordBuffer.Options.defaults("gw-vehicle"))) {
            Exporter.export(buffer, Selection.ALL, export);
        }
        VerificationReport report = VerifyCommand.verify(ExportFile.read(export));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        VerifyCommand.print(report, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(report.ok()).as(text).isTrue();
        assertThat(text).contains("rollback-suspected").contains("result: OK");
        assertThat(String.join("\n", scenario.summary())).contains("VIN 1M8GDM9AXKP042788")
                .containsPattern("[0-9]+ odometer readings, certified 123[0-9]{3}[0-9.]* \\.\\. 123[0-9]{3}[0-9.]* km");
    }

    /** The box's accelerometer: the car hits the first two defects of the route; each is a verified road.shock located there. */
    @Test
    void roadShocksAreLocatedAtTheRoutesDefects() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        VehicleScenario scenario = new VehicleScenario(Duration.ofSeconds(2));
        Path bufferFile = drive(scenario, log, Duration.ofSeconds(30), "two road shocks", () -> scenario.roadEvents() >= 2);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("accelerometer lis3dh (buffered " + dir.resolve("iio/dev/iio:device0"));
        Path export = dir.resolve("export.json");
        try (RecordBuffer buffer = RecordBuffer.open(bufferFile, RecordBuffer.Options.defaults("gw-vehicle"))) {
            Exporter.export(buffer, Selection.ALL, export);
        }
        java.util.List<io.certigate.app.report.RoadEvent> events = io.certigate.app.report.RoadMap.events(export);
        assertThat(events).hasSizeGreaterThanOrEqualTo(2);
        // where the receiver's route puts the defects (the same polyline as the accelerometer's car)
        java.util.List<io.certigate.simulators.gnss.Route.RoadDefect> defects = VehicleGnss.gnssRoute(
                io.certigate.simulators.motion.Route.demo(), VehicleRoad.DEFECTS_M, VehicleRoad.PEAKS_G).defects();
        for (int i = 0; i < 2; i++) {
            io.certigate.app.report.RoadEvent e = events.get(i);
            assertThat(e.verified()).isTrue();
            assertThat(io.certigate.app.report.RoadHotSpots.distanceM(e.lat(), e.lon(), defects.get(i).latitude().doubleValue(),
                    defects.get(i).longitude().doubleValue())).as("metres from defect %d", i).isLessThan(8);
            assertThat(e.peakG()).isCloseTo(VehicleRoad.PEAKS_G[i], org.assertj.core.data.Offset.offset(0.1 + 0.1 * VehicleRoad.PEAKS_G[i]));
        }
        // the positions are the GNSS receiver's: its stamp gave the shocks GNSS time (the route model gives none)
        java.util.List<io.certigate.core.model.Reading> shocks = new java.util.ArrayList<>();
        for (io.certigate.core.model.StoredRecord r : ExportFile.read(export).records()) {
            if (r instanceof io.certigate.core.model.StoredRecord.Signed signed) {
                io.certigate.core.model.Reading reading = io.certigate.core.model.ReadingCodec.decode(
                        io.certigate.signing.CoseSign1.parse(signed.cose()).payload()).reading();
                if (reading.kind().equals("road.shock")) {
                    shocks.add(reading);
                }
            }
        }
        assertThat(shocks).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> assertThat(r.timeQuality()).isEqualTo(io.certigate.core.model.TimeQuality.GNSS));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("simulated GNSS receiver (NMEA 0183, 1 Hz) on "
                + dir.resolve("gnss"));
        assertThat(String.join("\n", scenario.summary())).contains("road.shock events above 400 mg, ").contains("speed-src.")
                .containsPattern("GNSS receiver on .*: [0-9]+ epochs sent, .* fix valid, 9 satellites used \\(13 in view\\).*"
                        + "ms off GNSS time; [1-9][0-9]* readings got GNSS time")
                .containsPattern("m from defect 1\\)");
    }
}
