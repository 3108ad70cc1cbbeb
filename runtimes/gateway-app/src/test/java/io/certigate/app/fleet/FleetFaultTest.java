package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.cbor.CborWriter;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.fleet.status.FleetLag;
import io.certigate.fleet.status.PartitionLag;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.KafkaCluster;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.BatchDecoder;
import io.certigate.uplink.UplinkTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet tier's faults, one after the other on one set of real components, while gateways
 * publish: kill -9 of one of two fleet instances (separate processes), a Kafka broker restarted,
 * PostgreSQL restarted, the MQTT broker restarted, then every gateway resending everything, and bad
 * input from the network (a tampered copy of a record, a forked record, another device's records
 * replayed on a device's topic, garbage, an oversized payload, records of a device nobody knows).
 * Afterwards every (device, seq) sent is stored exactly once in a chain that links, and the
 * findings are exactly the injected ones.
 */
@Tag("integration")
class FleetFaultTest {
    /** The lean case CI runs; the long mode: {@code -Dcertigate.fleet.faults.gateways=100 -Dcertigate.fleet.faults.records=3000 -Dcertigate.fleet.faults.rate=5000}. */
    private static final int GATEWAYS = Integer.getInteger("certigate.fleet.faults.gateways", 6);
    private static final int RECORDS = Integer.getInteger("certigate.fleet.faults.records", 300);
    private static final int PER_BATCH = 20;
    private static final int RATE = Integer.getInteger("certigate.fleet.faults.rate", 600);

    @TempDir
    Path dir;

    @Test
    void nothingIsLostOrDoubledThroughCrashesRestartsAndBadInput() throws Exception {
        TestPki pki = TestPki.create("fleet-faults");
        Path ca = TestPki.writePem(dir.resolve("ca.pem"), List.of(pki.caCertificate()));
        Path keys = dir.resolve("keys");
        List<SimulatedGateways.Gateway> gateways = SimulatedGateways.generate(keys, pki, "veh", GATEWAYS, RECORDS, PER_BATCH,
                1_765_000_000_000L, 60_000);
        SimulatedGateways.Gateway stranger = SimulatedGateways.generate(dir.resolve("stranger"), TestPki.create("other"),
                "stranger", 1, 20, 20, 1_765_000_000_000L, 60_000).get(0);
        int batches = RECORDS / PER_BATCH;
        try (KafkaCluster kafka = KafkaCluster.builder(dir.resolve("kafka")).brokers(3).start();
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"));
                MosquittoBroker mqtt = MosquittoBroker.start(dir.resolve("mqtt"))) {
            FleetInstanceProcess a = FleetInstanceProcess.start(dir.resolve("a"), instance(kafka, mqtt, ca, pg, "a"));
            FleetInstanceProcess b = FleetInstanceProcess.start(dir.resolve("b"), instance(kafka, mqtt, ca, pg, "b"));
            try (a; b) {
                try (GatewayLoad load = new GatewayLoad(mqtt.url(), "gateways", 50)) {
                    load.statuses(gateways);
                    // 1. kill -9 one of the two instances mid-stream, then start it again
                    CompletableFuture<?> phase = publishing(load, gateways, 0, batches / 3);
                    Thread.sleep(500);
                    a.kill();
                    phase.get();
                    a.launch();
                    // 2. a Kafka broker restarted while records flow
                    phase = publishing(load, gateways, batches / 3, batches / 2);
                    kafka.restart(1);
                    phase.get();
                    // 3. PostgreSQL restarted while records flow
                    phase = publishing(load, gateways, batches / 2, 2 * batches / 3);
                    pg.restart();
                    phase.get();
                    load.batches(gateways, 2 * batches / 3, 5 * batches / 6, RATE);
                }
                // 4. the MQTT broker restarted (its persistent sessions and queued messages kept). Mosquitto 2.0
                // does not restore shared subscriptions at a restart: what gateways publish before the
                // instances subscribed again reaches no one (fleet/fleet/README.md), so they wait for that
                int subscribedA = a.subscriptions();
                int subscribedB = b.subscriptions();
                mqtt.restart();
                a.awaitSubscriptions(subscribedA + 1);
                b.awaitSubscriptions(subscribedB + 1);
                try (GatewayLoad load = new GatewayLoad(mqtt.url(), "gateways-again", 50)) {
                    load.batches(gateways, 5 * batches / 6, batches, RATE);
                    // 5. every gateway resends everything, as after losing its delivery marks
                    load.statuses(gateways);
                    load.batches(gateways, 0, batches, 0);
                    // 6. bad input from the network
                    load.raw(UplinkTopics.READINGS.topic(gateways.get(0).id()), tampered(gateways.get(0).batches().get(3)));
                    load.raw(UplinkTopics.READINGS.topic(gateways.get(1).id()), fork(keys, gateways.get(1), 7));
                    load.raw(UplinkTopics.READINGS.topic(gateways.get(3).id()), gateways.get(2).batches().get(0));
                    load.raw(UplinkTopics.READINGS.topic(gateways.get(4).id()), "not an uplink batch".getBytes());
                    load.raw(UplinkTopics.READINGS.topic(gateways.get(5).id()), new byte[300 * 1024]);
                    load.raw(UplinkTopics.READINGS.topic(stranger.id()), stranger.batches().get(0));
                }
                FleetStore store = new FleetStore(FleetConfig.parse(FleetDemoCommand.config(kafka.bootstrapServers(),
                        mqtt.url(), ca, pg, "check", dir), "check").store().connector());
                Set<String> expected = new TreeSet<>(List.of(
                        FindingType.BAD_SIGNATURE.code() + " " + gateways.get(0).id(),
                        FindingType.FORK.code() + " " + gateways.get(1).id(),
                        FindingType.WRONG_DEVICE.code() + " " + gateways.get(3).id(),
                        FindingType.MALFORMED.code() + " " + gateways.get(4).id(),
                        FindingType.OVERSIZED.code() + " " + gateways.get(5).id(),
                        FindingType.UNKNOWN_DEVICE.code() + " " + stranger.id()));
                long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
                while (System.nanoTime() < deadline && !(store.countRecords() == (long) GATEWAYS * RECORDS
                        && findings(store).containsAll(expected) && caughtUp(kafka))) {
                    Thread.sleep(500);
                }
                assertThat(store.countRecords()).isEqualTo((long) GATEWAYS * RECORDS);
                for (SimulatedGateways.Gateway g : gateways) {
                    List<VerifiedRecord> stored = new ArrayList<>();
                    store.deviceRecords(g.id(), 1, Long.MAX_VALUE, stored::add);
                    assertThat(stored).extracting(VerifiedRecord::seq).as("seqs of %s", g.id())
                            .containsExactlyElementsOf(LongStream.rangeClosed(1, RECORDS).boxed().toList());
                    byte[] prev = new byte[32];
                    for (VerifiedRecord r : stored) {
                        assertThat(ReadingCodec.decode(CoseSign1.parse(r.cose()).payload()).prev()).isEqualTo(prev);
                        prev = r.chainHash();
                    }
                }
                assertThat(caughtUp(kafka)).as("every stage caught up").isTrue();
                assertThat(findings(store)).containsExactlyElementsOf(expected);
            } finally {
                System.out.println("instance a:\n" + a.log() + "\ninstance b:\n" + b.log());
            }
        }
    }

    /**
     * An instance's settings: the demo's, with a grace period for parked devices longer than an
     * instance's restart, since a status held in the killed instance's session comes back only with it.
     */
    private Properties instance(KafkaCluster kafka, MosquittoBroker mqtt, Path ca, PostgresServer pg, String name) {
        Properties p = FleetDemoCommand.config(kafka.bootstrapServers(), mqtt.url(), ca, pg, name, dir.resolve(name + "/state"));
        p.setProperty("fleet.verify.unknown-device-after-ms", "90000");
        return p;
    }

    private static CompletableFuture<?> publishing(GatewayLoad load, List<SimulatedGateways.Gateway> gateways, int from,
            int to) {
        return CompletableFuture.runAsync(() -> {
            try {
                load.batches(gateways, from, to, RATE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Set<String> findings(FleetStore store) throws Exception {
        Set<String> out = new TreeSet<>();
        for (FindingType t : FindingType.values()) {
            store.findings(t, f -> out.add(t.code() + " " + f.device()));
        }
        return out;
    }

    private static boolean caughtUp(KafkaCluster kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            FleetLag lag = new FleetLag(admin, 15_000);
            List<PartitionLag> all = new ArrayList<>(lag.lag("certigate-fleet-verify", List.of(FleetTopics.RECORDS)));
            all.addAll(lag.lag("certigate-fleet-store", List.of(FleetTopics.VERIFIED, FleetTopics.FINDINGS)));
            return all.stream().allMatch(l -> l.lag() == 0);
        }
    }

    /** The batch with the last byte of its first record (inside the signature) flipped. */
    private static byte[] tampered(byte[] batch) throws Exception {
        byte[] cose = BatchDecoder.items(batch).get(0).clone();
        cose[cose.length - 1] ^= 0x01;
        return SimulatedGateways.array(List.of(cose));
    }

    /** Another validly signed record for {@code seq} of {@code g}: same key and prev, another reading. */
    private static byte[] fork(Path keys, SimulatedGateways.Gateway g, long seq) throws Exception {
        SoftwareDeviceKey key = Pkcs12KeyStore.open(keys.resolve(g.id() + ".p12"), TestDevice.passphrase());
        List<byte[]> items = new ArrayList<>();
        for (byte[] batch : g.batches()) {
            items.addAll(BatchDecoder.items(batch));
        }
        byte[] prev = RecordHashes.chainHash(items.get((int) seq - 2));
        Reading r = new Reading(1_765_000_000_000L, TimeQuality.NTP, "obd", "vehicle.odometer", g.vin(),
                ReadingValue.of(1L), "km");
        byte[] cose = CoseSign1.sign(key, ReadingCodec.encode(new ChainedReading(g.id(), seq, prev, new byte[16], r),
                new CborWriter()));
        return SimulatedGateways.array(List.of(cose));
    }
}
