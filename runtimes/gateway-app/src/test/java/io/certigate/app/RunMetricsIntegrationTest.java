package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.demo.DevLedger;
import io.certigate.app.metrics.ServedFamilies;
import io.certigate.core.testing.Exposition;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import io.certigate.simulators.gnss.GnssSimulator;
import io.certigate.simulators.gnss.NmeaRouteGenerator;
import io.certigate.simulators.gnss.Route;
import io.certigate.testbed.pty.PtyPair;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.mqtt.MosquittoBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate run} as a process with an OBD adapter (the ELM327 simulator over TCP, winding its
 * odometer back and answering garbage now and then), a TIC port that is not plugged in, synthetic
 * load, a GNSS receiver (the route simulator on a pty, 1 epoch a second from now), the MQTT uplink
 * to a real Mosquitto and anchoring on a dev chain: every metric of
 * docs/metrics.md is scraped from the endpoint, the exposition is read strictly, and each figure is
 * seen to move when what it measures changes (the broker stops, the ledger stops, the adapter goes).
 */
@Tag("integration")
class RunMetricsIntegrationTest {
    private static final String VIN = "1M8GDM9AXKP042788";

    @TempDir
    Path dir;
    private Process gateway;
    private final java.util.concurrent.ScheduledExecutorService gnssThread =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopGateway() throws Exception {
        gnssThread.shutdownNow();
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyMetricIsScrapedFromARunningGatewayAndMovesWithWhatItMeasures() throws Exception {
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-metrics-1", CoseAlgorithm.EDDSA);
        SimulatedVehicle car = new SimulatedVehicle(VehicleScript.demo().withVin(VIN),
                Elm327Switches.defaults().withRollback(2, new BigDecimal("1500.0")).withGarbageEvery(11), Clock.systemUTC());
        try (DevLedger ledger = DevLedger.start(dir.resolve("ledger"));
                MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                Elm327TcpServer obd = Elm327TcpServer.start(car, 0);
                PtyPair gnssPty = PtyPair.open(dir.resolve("gnss"));
                GnssSimulator gnss = GnssSimulator.onPath(gnssPty.deviceSide(), new NmeaRouteGenerator(Route.demo(),
                        NmeaRouteGenerator.Options.of(15, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))))
                        .start(gnssThread, java.time.Duration.ofSeconds(1))) {
            Path config = Files.writeString(dir.resolve("certigate.conf"), String.join("\n",
                    "device.id = gw-metrics-1",
                    "key.store = " + dir.resolve("device.p12"),
                    "key.passphrase = file:" + dir.resolve("device.pass"),
                    "buffer.file = " + dir.resolve("buffer.db"),
                    "sources.synthetic.rate = 20",
                    "metrics.port = 0",
                    "obd.port = " + obd.address(),
                    "obd.identity-every-ms = 1000",
                    "obd.backoff-min-ms = 100",
                    "obd.backoff-max-ms = 400",
                    "tic.port = " + dir.resolve("ttyUSB-unplugged"),
                    "tic.mode = historic",
                    "gnss.port = " + gnssPty.gatewaySide(),
                    "uplink.mqtt.url = " + broker.url(),
                    "uplink.mqtt.reconnect-min-ms = 100",
                    "uplink.mqtt.reconnect-max-ms = 400",
                    "route.insurer.purpose = insurance",
                    "route.insurer.kinds = vehicle.odometer",
                    "route.insurer.mqtt.topic = insurer/{device}/mileage",
                    "anchor.ledger = " + dir.resolve("ledger/ledger.properties"),
                    "anchor.batch-size = 20",
                    "anchor.batch-age-s = 1", ""));
            gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), CertigateCli.class.getName(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
            URI endpoint = URI.create(awaitLogLine("metrics on http://").replaceAll(".*metrics on ", "").strip());

            // everything up: records delivered and anchored, the vehicle read, the missing TIC port retried
            Exposition first = awaitScrape(endpoint, "all sources running", s ->
                    s.value("certigate_uplink_delivered_total", "transport", "mqtt") > 0
                            && s.value("certigate_anchor_last_anchored_seq") > 0
                            && s.value("certigate_alerts_total", "kind", "rollback-suspected") > 0
                            && s.value("certigate_adapter_malformed_total", "adapter", "obd") > 0
                            && s.value("certigate_adapter_reconnects_total", "adapter", "tic") >= 1
                            && s.value("certigate_gnss_fix_usable") == 1);
            assertThat(first.families()).containsKeys(ServedFamilies.ALL.keySet().toArray(String[]::new));
            ServedFamilies.ALL.forEach((name, type) -> assertThat(first.family(name).type()).as(name).isEqualTo(type));
            assertThat(first.families().keySet()).as("every family served is documented")
                    .allMatch(ServedFamilies.ALL::containsKey);
            assertThat(first.family("certigate_build_info").samples()).singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("version", "0.1.0-SNAPSHOT").containsKey("java"));
            assertThat(first.value("certigate_buffer_bytes", "file", "db")).isPositive();
            assertThat(first.family("certigate_buffer_bytes").value("file", "wal")).isPresent();
            assertThat(first.value("certigate_uplink_connected", "transport", "mqtt")).isEqualTo(1);
            assertThat(first.value("certigate_anchor_ledger_reachable")).isEqualTo(1);
            assertThat(first.value("certigate_adapter_connected", "adapter", "obd")).isEqualTo(1);
            assertThat(first.value("certigate_adapter_connected", "adapter", "tic")).as("the TIC port is not there").isZero();
            assertThat(first.value("certigate_adapter_readings_total", "adapter", "tic")).isZero();
            assertThat(first.value("certigate_readings_total", "source", "sim")).isPositive();
            assertThat(first.value("certigate_adapter_connected", "adapter", "gnss")).isEqualTo(1);
            assertThat(Math.abs(first.value("certigate_gnss_clock_offset_seconds"))).isLessThan(2.0);
            assertThat(first.value("certigate_gnss_satellites_used")).isEqualTo(9);
            assertThat(first.value("certigate_readings_total", "source", "obd")).isPositive();
            assertThat(first.value("certigate_chain_head_seq")).isGreaterThanOrEqualTo(first.value("certigate_anchor_last_anchored_seq"));

            // counters move on their own while the gateway works
            awaitScrape(endpoint, "counters moving", s ->
                    s.value("certigate_uplink_delivered_total", "transport", "mqtt")
                            > first.value("certigate_uplink_delivered_total", "transport", "mqtt")
                            && s.value("certigate_adapter_readings_total", "adapter", "obd")
                                    > first.value("certigate_adapter_readings_total", "adapter", "obd")
                            && s.value("certigate_adapter_reconnects_total", "adapter", "tic")
                                    > first.value("certigate_adapter_reconnects_total", "adapter", "tic")
                            && s.value("certigate_anchor_last_anchored_seq") > first.value("certigate_anchor_last_anchored_seq"));

            // the broker goes away: disconnected, reconnects counted, the last error has a time and a kind
            double reconnectsBefore = first.value("certigate_uplink_reconnects_total", "transport", "mqtt");
            broker.stop();
            Exposition noBroker = awaitScrape(endpoint, "uplink down", s ->
                    s.value("certigate_uplink_connected", "transport", "mqtt") == 0
                            && s.value("certigate_uplink_reconnects_total", "transport", "mqtt") > reconnectsBefore + 1
                            && s.family("certigate_uplink_last_error_info").value("transport", "mqtt", "reason", "unreachable")
                                    .isPresent()
                            && s.value("certigate_route_undelivered", "route", "insurer") > 0);
            assertThat(noBroker.value("certigate_uplink_last_error_timestamp_seconds", "transport", "mqtt") * 1000)
                    .isGreaterThan(System.currentTimeMillis() - 60_000.0);

            // the ledger goes away: unreachable, failures counted, the lag grows
            ledger.chain().stop();
            double lagBefore = noBroker.value("certigate_anchor_lag_records");
            awaitScrape(endpoint, "ledger down", s -> s.value("certigate_anchor_ledger_reachable") == 0
                    && s.value("certigate_anchor_failures_total", "reason", "unreachable") > 0
                    && s.value("certigate_anchor_lag_records") > lagBefore
                    && s.value("certigate_oldest_undelivered_age_seconds") > 0);

            // the OBD adapter is unplugged: disconnected, reconnects counted
            double obdReconnects = first.value("certigate_adapter_reconnects_total", "adapter", "obd");
            obd.close();
            awaitScrape(endpoint, "OBD adapter gone", s -> s.value("certigate_adapter_connected", "adapter", "obd") == 0
                    && s.value("certigate_adapter_reconnects_total", "adapter", "obd") > obdReconnects + 2);

            new ProcessBuilder("kill", "-TERM", Long.toString(gateway.pid())).start().waitFor();
            assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Scrapes until {@code done} holds on a strictly parsed scrape; fails with the last scrape after 90 s. */
    private Exposition awaitScrape(URI endpoint, String what, Predicate<Exposition> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String text = "";
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            assertThat(gateway.isAlive()).as("gateway running; log:\n%s", log()).isTrue();
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) endpoint.toURL().openConnection();
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(c.getContentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            try (var in = c.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Exposition e = Exposition.parse(text); // strict: a malformed scrape fails at once
            last = null;
            try {
                if (done.test(e)) {
                    return e;
                }
            } catch (AssertionError missing) {
                last = missing; // a series not there yet
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what + (last == null ? "" : " (" + last.getMessage() + ")")
                + "; last scrape:\n" + text + "\nlog:\n" + log());
    }

    private String awaitLogLine(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(dir.resolve("gateway.log")),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
            }
            assertThat(gateway.isAlive()).as("gateway running; log:\n%s", log()).isTrue();
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("no line with '" + text + "' in:\n" + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("gateway.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
