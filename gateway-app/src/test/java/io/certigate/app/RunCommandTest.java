package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
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
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).start();
    }

    @Test
    void runsFromConfigAndFlushesOnSigterm() throws Exception {
        Files.writeString(dir.resolve("pass"), "run-test-pass\n");
        Pkcs12KeyStore.create(dir.resolve("device.p12"), CoseAlgorithm.EDDSA, "gw-run-1", "run-test-pass".toCharArray());
        Path config = Files.writeString(dir.resolve("certigate.conf"), String.join("\n",
                "device.id = gw-run-1",
                "key.store = " + dir.resolve("device.p12"),
                "key.passphrase = file:" + dir.resolve("pass"),
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
        Files.writeString(dir.resolve("pass"), "run-test-pass\n");
        Pkcs12KeyStore.create(dir.resolve("device.p12"), CoseAlgorithm.EDDSA, "gw-meter-1", "run-test-pass".toCharArray());
        var pty = io.certigate.simulators.tic.PtyPair.open(dir.resolve("pty"));
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
                    "key.passphrase = file:" + dir.resolve("pass"),
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
            var records = io.certigate.core.export.ExportFile.read(export).records();
            assertThat(records).isNotEmpty();
            var first = io.certigate.core.model.ReadingCodec.decode(io.certigate.signing.CoseSign1.parse(
                    ((io.certigate.core.model.StoredRecord.Signed) records.get(0)).cose()).payload());
            assertThat(first.reading().source()).isEqualTo("tic");
            assertThat(first.reading().subject()).isEqualTo("041876097359");
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
        assertThat(all).contains("buffer.max-records = 'lots' is not a whole number").contains(config.toString());
        Path typo = Files.writeString(dir.resolve("typo.conf"), "device.id = gw\nbufer.file = b.db\n");
        Process q = start(typo);
        String t = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        q.waitFor(30, TimeUnit.SECONDS);
        assertThat(t).contains("unknown key(s) [bufer.file]");
        Path mode = Files.writeString(dir.resolve("mode.conf"),
                "device.id = gw\nkey.store = k.p12\nkey.passphrase = env:X\nbuffer.file = b.db\ntic.port = /dev/ttyS1\ntic.mode = turbo\n");
        Process m = start(mode);
        String mo = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        m.waitFor(30, TimeUnit.SECONDS);
        assertThat(mo).contains("tic.mode = 'turbo' is not auto, historic or standard");
    }
}
