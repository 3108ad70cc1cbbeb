package io.certigate.app.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.SignatureVerifier;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.RecordFilter;
import io.certigate.uplink.RouteCursor;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.testing.Await;
import io.certigate.verifier.route.RouteStreamVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate run} as a process reading a simulated car (ELM327 over TCP) with two forwarding
 * routes besides the main uplink, all to a real Mosquitto, where a subscriber takes what each
 * destination receives: the insurer's route (vehicle.odometer) and the fleet operator's
 * (vehicle.speed, vehicle.engine.*). The gateway is killed (SIGKILL) while forwarding, started
 * again (each route resumes after its cursor), stopped, and started once more without its source
 * so that every route catches up. Then each destination's stream verifies from seq 1 to the
 * chain's head with the verifier's {@link RouteStreamVerifier}, holds whole only the kinds of its
 * route, and the bytes the broker delivered hold no trace of the other records' payloads (their
 * kind names and their 16-byte salts).
 */
@Tag("integration")
class RouteForwardingIntegrationTest {
    private static final String DEVICE = "gw-routes-1";
    private static final String INSURER = "insurer/" + DEVICE + "/mileage";
    private static final String FLEET = "fleet/" + DEVICE + "/driving";
    private static final String MAIN = UplinkTopics.READINGS.topic(DEVICE);

    @TempDir
    Path dir;
    private GatewayProcess gateway;
    private final Map<String, List<byte[]>> received = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        gateway = new GatewayProcess(dir);
    }

    @AfterEach
    void stopGateway() throws Exception {
        gateway.close();
    }

    @Test
    void eachRouteReceivesItsKindsWholeTheRestAsHashesAndResumesAfterAKill() throws Exception {
        PublicKey deviceKey = TestDevice.openOrCreate(dir.resolve("device.p12"), DEVICE, CoseAlgorithm.EDDSA).key()
                .publicKey();
        SimulatedVehicle car = new SimulatedVehicle(VehicleScript.demo(), Elm327Switches.defaults(), Clock.systemUTC());
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                Elm327TcpServer obd = Elm327TcpServer.start(car, 0)) {
            MqttClient subscriber = new MqttClient(broker.url(), "route-consumers", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            subscriber.connect(o);
            for (String topic : List.of(INSURER, FLEET, MAIN)) {
                received.put(topic, new CopyOnWriteArrayList<>());
                subscriber.subscribe(topic, 1, (t, m) -> received.get(t).add(m.getPayload()));
            }
            String common = String.join("\n",
                    "device.id = " + DEVICE,
                    "key.store = " + dir.resolve("device.p12"),
                    "key.passphrase = file:" + dir.resolve("device.pass"),
                    "buffer.file = " + dir.resolve("buffer.db"),
                    "uplink.mqtt.url = " + broker.url(),
                    "uplink.mqtt.records-per-batch = 5",
                    "uplink.mqtt.reconnect-min-ms = 100",
                    "uplink.mqtt.reconnect-max-ms = 400",
                    "route.insurer.purpose = insurance",
                    "route.insurer.kinds = vehicle.odometer",
                    "route.insurer.mqtt.topic = insurer/{device}/mileage",
                    "route.fleet.purpose = fleet-operations",
                    "route.fleet.kinds = vehicle.speed, vehicle.engine.*",
                    "route.fleet.mqtt.topic = fleet/{device}/driving", "");
            Path withCar = Files.writeString(dir.resolve("car.conf"), common + String.join("\n",
                    "obd.port = " + obd.address(),
                    "obd.identity-every-ms = 1000",
                    "obd.poll.speed = 200", ""));
            Path parked = Files.writeString(dir.resolve("parked.conf"), common);

            // first run: killed while forwarding
            gateway.start(withCar, "run-1.log");
            gateway.awaitLog("run-1.log", "route insurer (insurance): vehicle.odometer to MQTT topic " + INSURER + ", from seq 1");
            gateway.awaitLog("run-1.log", "route fleet (fleet-operations): vehicle.speed, vehicle.engine.* to MQTT topic " + FLEET);
            Await.until(Duration.ofSeconds(60), () -> "batches on every topic: " + counts(),
                    () -> received.values().stream().allMatch(l -> l.size() >= 4));
            Await.until(Duration.ofSeconds(60), () -> "both routes' cursors past seq 3 in the running gateway's buffer",
                    () -> storedCursors().getOrDefault("insurer", 0L) > 3 && storedCursors().getOrDefault("fleet", 0L) > 3);
            gateway.kill();
            int beforeRestart = received.get(INSURER).size();

            // second run: each route resumes after its cursor
            gateway.start(withCar, "run-2.log");
            String resumed = gateway.awaitLog("run-2.log", "route insurer (insurance)");
            assertThat(Long.parseLong(resumed.replaceAll(".*from seq ", "").strip())).as(resumed).isGreaterThan(1);
            Await.until(Duration.ofSeconds(60), () -> "more on the insurer's topic: " + counts(),
                    () -> received.get(INSURER).size() >= beforeRestart + 3);
            gateway.stop("run-2.log");

            // third run, without the car: every route delivers what is left
            long head;
            try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), DEVICE)) {
                head = b.head().seq();
            }
            gateway.start(parked, "run-3.log");
            gateway.awaitLog("run-3.log", "route fleet (fleet-operations)");
            gateway.awaitLog("run-3.log", "MQTT uplink to");
            RouteStreamVerifier verifier = new RouteStreamVerifier(DEVICE, List.of(deviceKey), SignatureVerifier.JDK);
            for (String topic : List.of(INSURER, FLEET, MAIN)) {
                Await.until(Duration.ofSeconds(60), () -> topic + " up to seq " + head + ": " + counts(),
                        () -> verifier.verify(received.get(topic), 1).chain().lastSeq() >= head);
            }
            gateway.stop("run-3.log");
            assertThat(Files.readString(dir.resolve("run-3.log")))
                    .contains("certigate run: route insurer: everything delivered")
                    .contains("certigate run: route fleet: everything delivered");
            subscriber.disconnect();
            subscriber.close();

            List<StoredRecord> chain;
            try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), DEVICE)) {
                assertThat(b.head().seq()).as("the parked run recorded nothing").isEqualTo(head);
                chain = b.range(1, head);
            }
            assertThat(storedCursors()).containsEntry("insurer", head).containsEntry("fleet", head);

            RouteStreamVerifier.Report insurer = verifier.verify(received.get(INSURER), 1);
            assertThat(insurer.ok()).as("%s %s", insurer.problems(), insurer.chain().findings()).isTrue();
            assertThat(insurer.chain().lastSeq()).isEqualTo(head);
            assertThat(insurer.whole()).containsOnlyKeys("vehicle.odometer");
            assertThat(insurer.omitted()).isPositive();

            RouteStreamVerifier.Report fleet = verifier.verify(received.get(FLEET), 1);
            assertThat(fleet.ok()).as("%s %s", fleet.problems(), fleet.chain().findings()).isTrue();
            assertThat(fleet.chain().lastSeq()).isEqualTo(head);
            assertThat(fleet.whole().keySet()).contains("vehicle.speed").allMatch(k -> k.equals("vehicle.speed")
                    || k.startsWith("vehicle.engine."));
            assertThat(fleet.omitted()).isPositive();

            RouteStreamVerifier.Report main = verifier.verify(received.get(MAIN), 1);
            assertThat(main.ok()).as("%s %s", main.problems(), main.chain().findings()).isTrue();
            assertThat(main.chain().lastSeq()).isEqualTo(head);
            assertThat(main.omitted()).as("the main uplink forwards everything").isZero();

            GatewayProcess.assertNoTraceOfUncovered(received.get(INSURER), chain, RecordFilter.of(List.of("vehicle.odometer")),
                    "vehicle.speed", "vehicle.vin", "vehicle.engine");
            GatewayProcess.assertNoTraceOfUncovered(received.get(FLEET), chain,
                    RecordFilter.of(List.of("vehicle.speed", "vehicle.engine.*")), "vehicle.odometer", "vehicle.vin");
        }
    }

    /** The routes' cursors as the (running or stopped) gateway's buffer holds them. */
    private Map<String, Long> storedCursors() throws Exception {
        try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), DEVICE)) {
            return RouteCursor.stored(b);
        }
    }

    private String counts() {
        StringBuilder sb = new StringBuilder();
        received.forEach((t, l) -> sb.append(t).append('=').append(l.size()).append(' '));
        return sb.toString();
    }
}
