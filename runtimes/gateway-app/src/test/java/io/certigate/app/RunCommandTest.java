package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.testbed.device.TestDevice;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certigate run} as a real process: starts from a config file, stops cleanly on SIGTERM. */
@Tag("component")
class RunCommandTest {
    @TempDir
    Path dir;

    private Process start(Path config) throws Exception {
        return start(config, java.util.Map.of());
    }

    private Process start(Path config, java.util.Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Reads lines until one contains {@code text}; fails with what was read if the process ends first. */
    private static String awaitLine(BufferedReader out, String text) throws Exception {
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.contains(text)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("no line with '" + text + "' in:\n" + seen);
    }

    @Test
    void ingestsSenmlFromRoadSensorsOverDtlsPsk() throws Exception {
        var key = TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-hub-1", CoseAlgorithm.EDDSA).key();
        byte[] k1 = java.util.HexFormat.of().parseHex("101112131415161718191a1b1c1d1e1f");
        byte[] k2 = java.util.HexFormat.of().parseHex("202122232425262728292a2b2c2d2e2f2021");
        Path k1File = Files.writeString(dir.resolve("road-1.psk"), java.util.HexFormat.of().formatHex(k1) + "\n");
        Path config = Files.writeString(dir.resolve("hub.conf"), String.join("\n",
                "device.id = gw-hub-1",
                "key.store = " + dir.resolve("device.p12"),
                "key.passphrase = file:" + dir.resolve("device.pass"),
                "buffer.file = " + dir.resolve("buffer.db"),
                "coap.ingest.address = 127.0.0.1",
                "coap.ingest.port = 0",
                "coap.ingest.psk.road-1 = file:" + k1File,
                "coap.ingest.psk.road-2 = env:CERTIGATE_ROAD2_PSK", ""));
        Process p = start(config, java.util.Map.of("CERTIGATE_ROAD2_PSK", java.util.HexFormat.of().formatHex(k2)));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = awaitLine(out, "CoAP ingest on coaps://");
        assertThat(line).contains("2 sensors").contains("sequence marks in the buffer");
        int port = Integer.parseInt(line.replaceAll(".*coaps://127\\.0\\.0\\.1:(\\d+)/senml.*", "$1"));
        var hub = new java.net.InetSocketAddress("127.0.0.1", port);
        int json = org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_SENML_JSON;
        try (var road1 = new io.certigate.simulators.coap.RoadSensor("road-1", k1, hub, "senml", 1);
                var road2 = new io.certigate.simulators.coap.RoadSensor("road-2", k2, hub, "senml", 100);
                var stranger = new io.certigate.simulators.coap.RoadSensor("road-9", k1, hub, "senml", 1)
                        .timeout(java.time.Duration.ofSeconds(3))) {
            for (int i = 0; i < 3; i++) {
                var r = road1.postShock(12.5 + i, 45.1, 4.8);
                assertThat(r).isNotNull();
                assertThat(r.getCode().name()).as(r.getResponseText()).isEqualTo("CHANGED");
                assertThat(r.getResponseText()).startsWith("stored 3 readings");
            }
            assertThat(road2.postShock(30.0, 45.2, 4.9).getResponseText()).startsWith("stored 3 readings, seq 100");
            // a retried pack (same sensor, same seq) is recognised, not stored twice
            var again = road1.post(io.certigate.simulators.coap.RoadSensor.shockPack("road-1", 2, 99.0, 45.1, 4.8)
                    .getBytes(StandardCharsets.UTF_8), json);
            assertThat(again.getResponseText()).isEqualTo("duplicate seq 2, already stored");
            var bad = road1.post("[{\"n\":\"seq\",\"v\":4},{\"n\":\"shock\",\"u\":\"km\",\"v\":1}]"
                    .getBytes(StandardCharsets.UTF_8), json);
            assertThat(bad.getCode().name()).isEqualTo("UNPROCESSABLE_ENTITY");
            assertThat(stranger.postShock(1.0, 0, 0)).as("an identity that is not configured cannot handshake").isNull();
        }
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("stopped cleanly");

        Path export = dir.resolve("hub.json");
        java.util.List<String> shocks = new java.util.ArrayList<>();
        try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("gw-hub-1"))) {
            assertThat(b.head().seq()).isEqualTo(12); // 4 packs x (shock, lat, lon)
            for (var r : b.range(1, b.head().seq())) {
                var c = io.certigate.core.model.ReadingCodec.decode(io.certigate.signing.CoseSign1.verify(
                        ((io.certigate.core.model.StoredRecord.Signed) r).cose(), key.publicKey(), key.keyId()));
                if (c.reading().kind().equals("road.shock")) {
                    shocks.add(c.reading().source() + " " + c.reading().subject() + " " + c.reading().value());
                }
            }
            // the sequence marks live in the buffer's file, in the ingest's own table
            Long marks;
            try (var c = io.certigate.core.io.SqliteFiles.openReadOnly(b.file()); var st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM coap_sensor_seq")) {
                marks = rs.next() ? rs.getLong(1) : null;
            }
            assertThat(marks).isEqualTo(2L);
            io.certigate.core.export.Exporter.export(b, io.certigate.core.export.Selection.ALL, export);
        }
        assertThat(shocks).hasSize(4).allMatch(s -> s.startsWith("coap:road-"))
                .anyMatch(s -> s.startsWith("coap:road-2 road-2 30"));
        var report = io.certigate.app.spine.VerifyCommand.verify(io.certigate.verifier.export.ExportFile.read(export));
        assertThat(report.ok()).isTrue();
        assertThat(report.verified()).isEqualTo(12);
    }

    @Test
    void runsFromConfigAndFlushesOnSigterm() throws Exception {
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-run-1", CoseAlgorithm.EDDSA);
        Path config = Files.writeString(dir.resolve("certigate.conf"), String.join("\n",
                "device.id = gw-run-1",
                "key.store = " + dir.resolve("device.p12"),
                "key.passphrase = file:" + dir.resolve("device.pass"),
                "buffer.file = " + dir.resolve("buffer.db"),
                "sources.synthetic.rate = 200",
                "metrics.port = 0", ""));
        Process p = start(config);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).contains("certigate run: device gw-run-1").contains("at seq 0");
        String metricsLine = out.readLine();
        assertThat(metricsLine).contains("metrics on http://127.0.0.1:");
        String url = metricsLine.substring(metricsLine.indexOf("http://"));
        Thread.sleep(1500);
        String scrape = new String(java.net.URI.create(url).toURL().openStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(scrape).contains("# TYPE certigate_readings_total counter")
                .containsPattern("certigate_readings_total\\{source=\"sim\"} [1-9][0-9]*")
                .containsPattern("certigate_buffer_undelivered [1-9][0-9]*")
                .contains("certigate_oldest_undelivered_age_seconds");
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor(); // SIGTERM, streams kept open
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rest).contains("stopped cleanly");
        try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("gw-run-1"))) {
            assertThat(b.head().seq()).isGreaterThan(50);
            assertThat(b.integrityCheck()).isEqualTo("ok");
        }
    }

    @Test
    void runsATicMeterFromItsKeys() throws Exception {
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-meter-1", CoseAlgorithm.EDDSA);
        var pty = io.certigate.testbed.pty.PtyPair.open(dir.resolve("pty"));
        var threads = java.util.concurrent.Executors.newScheduledThreadPool(1);
        var gen = new io.certigate.simulators.tic.TicStreamGenerator(new io.certigate.simulators.tic.TicStreamGenerator.Config(
                false, io.certigate.simulators.tic.TicTariff.BASE, "041876097359", 0.0, false, System.currentTimeMillis()),
                new long[] {12_345_678});
        try (var sim = io.certigate.simulators.tic.TicSimulator.onPty(pty.deviceSide(), gen, java.time.Clock.systemUTC(),
                java.time.Instant.now(), 1)) {
            sim.start(threads, java.time.Duration.ofMillis(300));
            Path config = Files.writeString(dir.resolve("meter.conf"), String.join("\n",
                    "device.id = gw-meter-1",
                    "key.store = " + dir.resolve("device.p12"),
                    "key.passphrase = file:" + dir.resolve("device.pass"),
                    "buffer.file = " + dir.resolve("buffer.db"),
                    "tic.port = " + pty.gatewaySide(),
                    "tic.mode = standard",
                    "tic.index-period-s = 1",
                    "tic.instant-period-s = 0", ""));
            Process p = start(config);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).contains("device gw-meter-1");
            assertThat(out.readLine()).contains("TIC meter on " + pty.gatewaySide());
            Thread.sleep(4000);
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            threads.shutdownNow();
            pty.close();
        }
        try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("gw-meter-1"))) {
            var export = dir.resolve("e.json");
            io.certigate.core.export.Exporter.export(b, io.certigate.core.export.Selection.ALL, export);
            var records = io.certigate.verifier.export.ExportFile.read(export).records();
            assertThat(records).isNotEmpty();
            var first = io.certigate.core.model.ReadingCodec.decode(io.certigate.signing.CoseSign1.parse(
                    ((io.certigate.core.model.StoredRecord.Signed) records.get(0)).cose()).payload());
            assertThat(first.reading().source()).isEqualTo("tic");
            assertThat(first.reading().subject()).isEqualTo("041876097359");
        }
    }

    /** The metrics the running gateway serves, read over HTTP. */
    private static String scrape(String url) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Scrapes {@code url} until the metrics contain {@code line} (a positive condition, bounded). */
    private static void awaitMetric(String url, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = scrape(url);
            if (last.lines().anyMatch(l -> l.equals(line))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' in the metrics:\n" + last);
    }

    private static String metricsUrl(BufferedReader out) throws Exception {
        String line = awaitLine(out, "metrics on http://");
        return line.substring(line.indexOf("http://")).strip();
    }

    /** The readings of the run's buffer, in seq order, once the run has stopped. */
    private java.util.List<io.certigate.core.model.Reading> readings(String device) throws Exception {
        try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults(device))) {
            var export = dir.resolve("e.json");
            io.certigate.core.export.Exporter.export(b, io.certigate.core.export.Selection.ALL, export);
            java.util.List<io.certigate.core.model.Reading> readings = new java.util.ArrayList<>();
            for (var r : io.certigate.verifier.export.ExportFile.read(export).records()) {
                readings.add(io.certigate.core.model.ReadingCodec.decode(io.certigate.signing.CoseSign1.parse(
                        ((io.certigate.core.model.StoredRecord.Signed) r).cose()).payload()).reading());
            }
            return readings;
        }
    }

    private static final java.util.List<io.certigate.simulators.motion.Shock> SHOCKS = java.util.List.of(
            new io.certigate.simulators.motion.Shock(2_000, 1.1, 50, 0),
            new io.certigate.simulators.motion.Shock(6_000, 2.4, 40, 0.5));

    private static io.certigate.simulators.motion.ImuSignal.Samples shockSignal() {
        return new io.certigate.simulators.motion.ImuSignal(100, io.certigate.simulators.motion.ImuSignal.flat(),
                0.02, 0.05, SHOCKS, 4).samples();
    }

    private Path carConfig(io.certigate.simulators.motion.FakeIioDevice accel, String... more) throws Exception {
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(
                "device.id = gw-car-1",
                "key.store = " + dir.resolve("device.p12"),
                "key.passphrase = file:" + dir.resolve("device.pass"),
                "buffer.file = " + dir.resolve("buffer.db"),
                "metrics.port = 0",
                "motion.device = lis3dh",
                "motion.sysfs-root = " + accel.sysfsRoot(),
                "motion.dev-dir = " + accel.devDir(),
                "motion.threshold-mg = 500"));
        lines.addAll(java.util.List.of(more));
        lines.add("");
        return Files.writeString(dir.resolve("car.conf"), String.join("\n", lines));
    }

    @Test
    void runsTheRoadEventDetectorOnAnAccelerometersBuffer() throws Exception {
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-car-1", CoseAlgorithm.EDDSA);
        var accel = io.certigate.simulators.motion.FakeIioDevice.create(dir.resolve("iio"), 0, "lis3dh", 100, true);
        // a recorded stream in the buffer's layout stands for /dev/iio:device0: read to its end at once
        accel.writeBuffer(shockSignal(), System.currentTimeMillis() * 1_000_000L, 100, 1000);
        Process p = start(carConfig(accel));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String metrics = metricsUrl(out);
        assertThat(awaitLine(out, "accelerometer")).contains("lis3dh").contains("buffered " + accel.characterDevice())
                .contains("above 500 mg").contains("no position (no GNSS receiver)");
        awaitMetric(metrics, "certigate_chain_head_seq 2");
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        var readings = readings("gw-car-1");
        assertThat(readings).hasSize(2).allSatisfy(r -> {
            assertThat(r.kind()).isEqualTo("road.shock");
            assertThat(r.source()).isEqualTo("motion:lis3dh");
            assertThat(r.flags()).contains("position-unknown"); // no GNSS receiver in this configuration
            assertThat(r.position()).isNull();
        });
        assertThat(readings.get(1).value().toString()).startsWith("2.");
    }

    @Test
    void roadEventsTakeTheirPositionAndTimeFromTheGnssReceiver() throws Exception {
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-car-1", CoseAlgorithm.EDDSA);
        var accel = io.certigate.simulators.motion.FakeIioDevice.create(dir.resolve("iio"), 0, "lis3dh", 100, true);
        Path fifo = accel.makeFifo(); // the driver's device: read blocks until the vehicle moves
        var device = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (var pty = io.certigate.testbed.pty.PtyPair.open(dir.resolve("pty"));
                var gnss = io.certigate.simulators.gnss.GnssSimulator.onPath(pty.deviceSide(),
                        new io.certigate.simulators.gnss.NmeaRouteGenerator(io.certigate.simulators.gnss.Route.demo(),
                                io.certigate.simulators.gnss.NmeaRouteGenerator.Options.of(30,
                                        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))))
                        .start(device, java.time.Duration.ofSeconds(1))) {
            Process p = start(carConfig(accel, "gnss.port = " + pty.gatewaySide()));
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String metrics = metricsUrl(out);
            assertThat(awaitLine(out, "accelerometer")).contains("position from the GNSS receiver");
            awaitMetric(metrics, "certigate_gnss_fix_usable 1");
            // the car meets the two defects once the receiver has its fix
            try (var w = Files.newOutputStream(fifo)) {
                io.certigate.simulators.motion.FakeIioDevice.writeScans(w, shockSignal(),
                        System.currentTimeMillis() * 1_000_000L, 100, 1000);
            }
            awaitMetric(metrics, "certigate_chain_head_seq 2");
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            device.shutdownNow();
        }
        var readings = readings("gw-car-1");
        assertThat(readings).hasSize(2).allSatisfy(r -> {
            assertThat(r.kind()).isEqualTo("road.shock");
            assertThat(r.flags()).doesNotContain("position-unknown");
            assertThat(r.timeQuality()).isEqualTo(io.certigate.core.model.TimeQuality.GNSS);
            assertThat(r.position()).isNotNull();
            // the simulated route runs through Lyon
            assertThat(r.position().latitude()).isBetween(new java.math.BigDecimal("45.7"), new java.math.BigDecimal("45.8"));
            assertThat(r.position().ageMillis()).isLessThan(3000);
        });
    }

    @Test
    void aSourceThatCannotStartIsNamedAndTheBufferStaysUsable() throws Exception {
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-hub-2", CoseAlgorithm.EDDSA);
        Path k1File = Files.writeString(dir.resolve("road-1.psk"), "101112131415161718191a1b1c1d1e1f\n");
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Path config = Files.writeString(dir.resolve("busy.conf"), String.join("\n",
                    "device.id = gw-hub-2",
                    "key.store = " + dir.resolve("device.p12"),
                    "key.passphrase = file:" + dir.resolve("device.pass"),
                    "buffer.file = " + dir.resolve("buffer.db"),
                    "coap.ingest.address = 127.0.0.1",
                    "coap.ingest.port = " + taken.getLocalPort(),
                    "coap.ingest.psk.road-1 = file:" + k1File, ""));
            Process p = start(config);
            String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(all).isEqualTo(1);
            // Californium logs its own trace; the gateway's last word is one line naming what failed
            String[] lines = all.strip().split("\n");
            assertThat(lines[lines.length - 1]).startsWith("run: cannot start the gateway: the CoAP ingest cannot listen on udp 127.0.0.1:"
                    + taken.getLocalPort());
            assertThat(all).doesNotContain("stopped cleanly");
        }
        // the spine was closed properly: the buffer opens again
        try (var buffer = io.certigate.core.buffer.RecordBuffer.open(dir.resolve("buffer.db"),
                io.certigate.core.buffer.RecordBuffer.Options.defaults("gw-hub-2"))) {
            assertThat(buffer.head().seq()).isZero();
        }
    }

    @Test
    void configErrorsNameTheKeyAndValue() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.conf"),
                "device.id = gw\nkey.store = k.p12\nkey.passphrase = env:X\nbuffer.file = b.db\nbuffer.max-records = lots\n");
        Process p = start(config);
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(all).contains("buffer.max-records = 'lots' must be a whole number in 0..").contains(config.toString());
        Path typo = Files.writeString(dir.resolve("typo.conf"), "device.id = gw\nbufer.file = b.db\n");
        Process q = start(typo);
        String t = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        q.waitFor(30, TimeUnit.SECONDS);
        assertThat(t).contains("unknown key bufer.file (did you mean 'buffer.file'?)");
        Path mode = Files.writeString(dir.resolve("mode.conf"),
                "device.id = gw\nkey.store = k.p12\nkey.passphrase = env:X\nbuffer.file = b.db\ntic.port = /dev/ttyS1\ntic.mode = turbo\n");
        Process m = start(mode);
        String mo = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        m.waitFor(30, TimeUnit.SECONDS);
        assertThat(mo).contains("tic.mode = 'turbo' is not auto, historic or standard");
        Path coap = Files.writeString(dir.resolve("coap.conf"), "device.id = gw\nkey.store = k.p12\nkey.passphrase = env:X\n"
                + "buffer.file = b.db\ncoap.ingest.port = 5684\ncoap.ingest.psk.road-1 = 00112233445566778899aabbccddeeff\n");
        Process c = start(coap);
        String co = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(c.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(c.exitValue()).isEqualTo(2);
        assertThat(co).contains(coap + ": coap.ingest.psk.road-1 is neither file:PATH nor env:NAME")
                .doesNotContain("00112233445566778899aabbccddeeff");
        Path route = Files.writeString(dir.resolve("route.conf"), "device.id = gw\nkey.store = k.p12\nkey.passphrase = env:X\n"
                + "buffer.file = b.db\nuplink.mqtt.url = tcp://localhost:1883\nroute.city.purpose = road-maintenance\n"
                + "route.city.kinds = road.shock\nroute.city.mqtt.topic = certigate/v1/{device}/readings\n");
        Process r = start(route);
        String ro = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(r.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(r.exitValue()).isEqualTo(2);
        assertThat(ro).contains(route + ": route.city.mqtt.topic = 'certigate/v1/gw/readings' lies under certigate/v1/");
    }
}
