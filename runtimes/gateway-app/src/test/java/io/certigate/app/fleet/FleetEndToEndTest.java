package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.testbed.KafkaCluster;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole fleet tier on real components: a 3-broker Kafka cluster (one JVM per broker),
 * PostgreSQL, Mosquitto, two fleet instances sharing the work (each ingest, verify and store), and
 * gateways publishing real signed, chained records. Every record of every gateway ends in the store
 * exactly once, in a chain that links, with no finding.
 */
@Tag("integration")
class FleetEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void everyRecordOfEveryGatewayIsStoredOnceAcrossTwoInstances() throws Exception {
        TestPki pki = TestPki.create("fleet-e2e");
        Path ca = TestPki.writePem(dir.resolve("ca.pem"), List.of(pki.caCertificate()));
        List<SimulatedGateways.Gateway> gateways = SimulatedGateways.generate(dir.resolve("keys"), pki, "veh", 4, 250, 25,
                1_765_000_000_000L, 60_000);
        try (KafkaCluster kafka = KafkaCluster.builder(dir.resolve("kafka")).brokers(3).start();
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"));
                MosquittoBroker mqtt = MosquittoBroker.start(dir.resolve("mqtt"))) {
            List<FleetNode> nodes = new ArrayList<>();
            try {
                for (String n : List.of("a", "b")) {
                    nodes.add(FleetNode.start(FleetConfig.parse(FleetDemoCommand.config(kafka.bootstrapServers(), mqtt.url(), ca, pg, n,
                            dir.resolve("state-" + n)), "instance " + n), Clock.systemUTC()));
                }
                FleetDemoCommand.awaitSubscribed(nodes);
                try (GatewayLoad load = new GatewayLoad(mqtt.url(), "gateways", 100)) {
                    load.publish(gateways, 0);
                }
                FleetStore store = new FleetStore(nodes.get(0).config().store().connector());
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (store.countRecords() < 1000 && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                }
                assertThat(store.countRecords()).isEqualTo(1000);
                for (SimulatedGateways.Gateway g : gateways) {
                    List<VerifiedRecord> records = new ArrayList<>();
                    store.deviceRecords(g.id(), 1, Long.MAX_VALUE, records::add);
                    assertThat(records).extracting(VerifiedRecord::seq)
                            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 250).boxed().toList());
                    assertThat(records).allMatch(r -> g.vin().equals(r.subject()));
                }
                for (FindingType t : FindingType.values()) {
                    assertThat(store.findings(t, f -> { })).as("findings of type %s", t.code()).isZero();
                }
                assertThat(nodes.stream().mapToLong(n -> n.ingest().metrics().forwarded()).sum())
                        .as("status and reading messages forwarded").isEqualTo(4 + 40);
                Path config = dir.resolve("fleet-a.properties");
                try (var w = java.nio.file.Files.newBufferedWriter(config)) {
                    FleetDemoCommand.config(kafka.bootstrapServers(), mqtt.url(), ca, pg, "a", dir.resolve("state-a"))
                            .store(w, null);
                }
                CliRun.Result status = awaitCaughtUp(config);
                assertThat(status.exit()).as(status.err()).isZero();
                assertThat(status.out()).contains("store: 4 devices, 1000 records").contains("findings: none")
                        .contains("verify  certigate-fleet-verify").contains("store   certigate-fleet-store");
                assertThat(nodes.stream().mapToLong(n -> n.storeMetrics().stored()).sum()).isEqualTo(1000);
                assertThat(nodes.get(1).devicesStored()).isEqualTo(4);
                assertThat(nodes.get(0).consumerLag()).containsEntry("certigate-fleet-verify", 0L)
                        .containsEntry("certigate-fleet-store", 0L);
                assertThat(nodes.get(0).metrics().render()).contains("certigate_fleet_consumer_lag{group=\"certigate-fleet-store\"} 0");
            } finally {
                nodes.forEach(FleetNode::close);
            }
        }
    }

    /** {@code fleet status} once both groups have caught up (the store commits its offsets after PostgreSQL). */
    private static CliRun.Result awaitCaughtUp(Path config) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        CliRun.Result r = CliRun.run("fleet", "status", "--config", config.toString());
        while (!r.out().contains("lag: 0 records") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            r = CliRun.run("fleet", "status", "--config", config.toString());
        }
        assertThat(r.out()).as(r.out() + r.err()).contains("lag: 0 records");
        return r;
    }
}
