package io.certigate.app.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SignatureVerifier;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.BatchDecoder;
import io.certigate.uplink.RecordFilter;
import io.certigate.uplink.RouteCursor;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.coap.CoapEndpoints;
import io.certigate.uplink.testing.Await;
import io.certigate.verifier.route.RouteStreamVerifier;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate run} as a process reading a simulated car (ELM327 over TCP: speed, odometer,
 * VIN) with one route on each uplink: the insurer's (vehicle.odometer) to an MQTT topic on a real
 * Mosquitto, and the fleet operator's (vehicle.speed) to a CoAP path on a real Californium server
 * over DTLS 1.2 (PSK), the gateway's {@code uplink.coap.url}. With an MQTT uplink configured, the
 * CoAP connection carries the routes only ({@code uplink.coap.main} defaults to false): the main
 * stream goes whole over MQTT, and the route's server, which also answers the main uplink's path,
 * gets no POST there. The gateway is killed (SIGKILL)
 * while forwarding, started again, stopped, and started once more without the car so that
 * everything is delivered.
 * The CoAP destination then holds every seq from 1 to the head, each exactly as often as the
 * route's stored cursor allows (a batch the gateway sent but had not marked when it was killed or
 * stopped may come again; nothing at or below the cursor comes twice): speed readings as the
 * stored COSE_Sign1 bytes, every other record as an {@code omitted} hash-only item with its leaf
 * and chain hashes; it verifies with the verifier's {@link RouteStreamVerifier}, and no byte
 * posted to it holds an uncovered record's salt or kind name.
 */
@Tag("integration")
class CoapRouteRunTest {
    private static final String DEVICE = "gw-coap-route-1";
    private static final String INSURER = "insurer/" + DEVICE + "/mileage";
    private static final String MAIN = UplinkTopics.READINGS.topic(DEVICE);
    private static final String PSK_HEX = "00112233445566778899aabbccddeeff0123456789abcdef";

    /** A POST the CoAP server answered 2.04, with the run of the gateway that sent it (1, 2, 3). */
    private record Post(int run, byte[] body) {}

    @TempDir
    Path dir;
    private GatewayProcess gateway;
    private CoapServer server;
    private volatile int run;
    private final List<Post> route = new CopyOnWriteArrayList<>();
    /** What the main uplinks delivered: the CoAP POSTs to the main path and the MQTT messages on its topic. */
    private final List<byte[]> main = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger mainCoapPosts = new java.util.concurrent.atomic.AtomicInteger();
    private final List<byte[]> insurer = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        gateway = new GatewayProcess(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.close();
        if (server != null) {
            server.destroy();
        }
    }

    /** The DTLS endpoint: POST {@code /fleet/driving/<device>} (the route) and the main uplink's path. */
    private int startCoapServer() {
        CoapEndpoint ep = CoapEndpoints.server(new InetSocketAddress("127.0.0.1", 0),
                Map.of(DEVICE, java.util.HexFormat.of().parseHex(PSK_HEX)), null, CoapEndpoints.Timing.DEFAULT);
        server = new CoapServer();
        server.addEndpoint(ep);
        server.add(new CoapResource("fleet").add(new CoapResource("driving").add(new CoapResource(DEVICE) {
            @Override
            public void handlePOST(CoapExchange exchange) {
                route.add(new Post(run, exchange.getRequestPayload()));
                exchange.respond(ResponseCode.CHANGED);
            }
        })));
        CoapResource readings = new CoapResource("readings") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                main.add(exchange.getRequestPayload());
                mainCoapPosts.incrementAndGet();
                exchange.respond(ResponseCode.CHANGED);
            }
        };
        String[] mainPath = UplinkTopics.READINGS.topic(DEVICE).split("/");
        assertThat(mainPath).endsWith("readings");
        CoapResource parent = null;
        for (int i = mainPath.length - 2; i >= 0; i--) {
            CoapResource r = new CoapResource(mainPath[i]);
            r.add(parent == null ? readings : parent);
            parent = r;
        }
        server.add(parent);
        server.start();
        return ep.getAddress().getPort();
    }

    @Test
    void theCoapDestinationGetsSpeedWholeTheRestAsHashesAndResumesAfterAKillWithoutLossOrRepeat() throws Exception {
        PublicKey deviceKey = TestDevice.openOrCreate(dir.resolve("device.p12"), DEVICE, CoseAlgorithm.EDDSA).key()
                .publicKey();
        SimulatedVehicle car = new SimulatedVehicle(VehicleScript.demo(), Elm327Switches.defaults(), Clock.systemUTC());
        int coapPort = startCoapServer();
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                Elm327TcpServer obd = Elm327TcpServer.start(car, 0)) {
            MqttClient subscriber = new MqttClient(broker.url(), "insurer", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            subscriber.connect(o);
            subscriber.subscribe(INSURER, 1, (t, m) -> insurer.add(m.getPayload()));
            subscriber.subscribe(MAIN, 1, (t, m) -> main.add(m.getPayload()));
            Files.writeString(dir.resolve("uplink.psk"), PSK_HEX + "\n");
            String common = String.join("\n",
                    "device.id = " + DEVICE,
                    "key.store = " + dir.resolve("device.p12"),
                    "key.passphrase = file:" + dir.resolve("device.pass"),
                    "buffer.file = " + dir.resolve("buffer.db"),
                    "uplink.mqtt.url = " + broker.url(),
                    "uplink.mqtt.records-per-batch = 5",
                    "uplink.mqtt.reconnect-min-ms = 100",
                    "uplink.mqtt.reconnect-max-ms = 400",
                    "uplink.coap.url = coaps://127.0.0.1:" + coapPort,
                    "uplink.coap.psk-secret-source = file:" + dir.resolve("uplink.psk"),
                    "uplink.coap.records-per-batch = 5",
                    "uplink.coap.retry-min-ms = 100",
                    "uplink.coap.retry-max-ms = 400",
                    "route.insurer.purpose = insurance",
                    "route.insurer.kinds = vehicle.odometer",
                    "route.insurer.mqtt.topic = insurer/{device}/mileage",
                    "route.driving.purpose = fleet-operations",
                    "route.driving.kinds = vehicle.speed",
                    "route.driving.coap.path = fleet/driving/{device}", "");
            Path withCar = Files.writeString(dir.resolve("car.conf"), common + String.join("\n",
                    "obd.port = " + obd.address(),
                    "obd.identity-every-ms = 1000",
                    "obd.poll.speed = 200", ""));
            Path parked = Files.writeString(dir.resolve("parked.conf"), common);
            Map<Integer, Long> cursorAtEnd = new HashMap<>(); // the route's stored cursor when each run ended

            // first run: killed while forwarding
            run = 1;
            gateway.start(withCar, "run-1.log");
            gateway.awaitLog("run-1.log", "route driving (fleet-operations): vehicle.speed to CoAP path /fleet/driving/"
                    + DEVICE + ", from seq 1");
            gateway.awaitLog("run-1.log", "route insurer (insurance): vehicle.odometer to MQTT topic " + INSURER);
            gateway.awaitLog("run-1.log", "CoAP connection to coaps://127.0.0.1:" + coapPort + " for the routes only");
            Await.until(Duration.ofSeconds(60),
                    () -> "the route's cursor past seq 10, the insurer's and the main uplinks' first batches",
                    () -> storedCursors().getOrDefault("driving", 0L) > 10 && !insurer.isEmpty() && !main.isEmpty());
            gateway.kill();
            cursorAtEnd.put(1, storedCursors().get("driving"));

            // second run: the route resumes right after its stored cursor
            run = 2;
            int beforeRestart = route.size();
            gateway.start(withCar, "run-2.log");
            assertThat(gateway.awaitLog("run-2.log", "route driving (fleet-operations)"))
                    .endsWith("from seq " + (cursorAtEnd.get(1) + 1));
            Await.until(Duration.ofSeconds(60), () -> "more posted to the route: " + route.size(),
                    () -> route.size() >= beforeRestart + 3);
            gateway.stop("run-2.log");
            cursorAtEnd.put(2, storedCursors().get("driving"));

            // third run, without the car: every route and uplink delivers what is left
            long head;
            try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), DEVICE)) {
                head = b.head().seq();
            }
            run = 3;
            gateway.start(parked, "run-3.log");
            assertThat(gateway.awaitLog("run-3.log", "route driving (fleet-operations)"))
                    .endsWith("from seq " + (cursorAtEnd.get(2) + 1));
            RouteStreamVerifier verifier = new RouteStreamVerifier(DEVICE, List.of(deviceKey), SignatureVerifier.JDK);
            Await.until(Duration.ofSeconds(60), () -> "route, insurer and main up to seq " + head,
                    () -> verifier.verify(bodies(), 1).chain().lastSeq() >= head
                            && verifier.verify(insurer, 1).chain().lastSeq() >= head
                            && verifier.verify(main, 1).chain().lastSeq() >= head);
            gateway.stop("run-3.log");
            assertThat(Files.readString(dir.resolve("run-3.log")))
                    .contains("certigate run: route driving: everything delivered")
                    .contains("certigate run: route insurer: everything delivered");
            subscriber.disconnect();
            subscriber.close();

            List<StoredRecord> chain;
            try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), DEVICE)) {
                assertThat(b.head().seq()).as("the parked run recorded nothing").isEqualTo(head);
                chain = b.range(1, head);
            }
            assertThat(storedCursors()).containsEntry("driving", head).containsEntry("insurer", head);

            // what the CoAP destination received verifies, holds speed whole and nothing else
            RouteStreamVerifier.Report coap = verifier.verify(bodies(), 1);
            assertThat(coap.ok()).as("%s %s", coap.problems(), coap.chain().findings()).isTrue();
            assertThat(coap.chain().lastSeq()).isEqualTo(head);
            assertThat(coap.whole()).containsOnlyKeys("vehicle.speed");
            assertThat(coap.omitted()).isPositive();
            RecordFilter speed = RecordFilter.of(List.of("vehicle.speed"));
            Map<Long, byte[]> items = itemsBySeq();
            assertThat(items.keySet()).hasSize((int) head).allMatch(s -> s >= 1 && s <= head);
            for (StoredRecord r : chain) {
                byte[] cose = ((StoredRecord.Signed) r).cose();
                byte[] item = items.get(r.seq());
                if (speed.covers(cose)) {
                    assertThat(item).as("seq %d: the stored COSE_Sign1", r.seq()).isEqualTo(cose);
                    assertThat(CoseSign1.parse(item).payload()).isNotEmpty();
                } else {
                    CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(item);
                    assertThat(m.get("omitted")).as("seq %d", r.seq()).isEqualTo(CborItem.Simple.TRUE);
                    assertThat(((CborItem.Bytes) m.get("leaf")).value()).isEqualTo(r.leafHash());
                    assertThat(((CborItem.Bytes) m.get("chain")).value()).isEqualTo(r.chainHash());
                }
            }
            GatewayProcess.assertNoTraceOfUncovered(bodies(), chain, speed, "vehicle.odometer", "vehicle.vin");

            // at least once, and no more than the cursor allows: nothing at or below a run's stored
            // cursor was sent again by a later run, and no run sent a record twice
            for (int k = 1; k <= 3; k++) {
                List<Long> seqs = seqsOfRun(k);
                assertThat(seqs).as("run %d posted to the route", k).doesNotHaveDuplicates();
                if (k > 1 && !seqs.isEmpty()) { // the third run may find nothing left
                    long resumedAfter = cursorAtEnd.get(k - 1);
                    assertThat(seqs).as("run %d resumed after seq %d", k, resumedAfter)
                            .allMatch(s -> s > resumedAfter).contains(resumedAfter + 1);
                }
            }
            assertThat(seqsOfRun(1)).isNotEmpty();
            assertThat(seqsOfRun(2)).as("the run after the kill posted").isNotEmpty();

            RouteStreamVerifier.Report mileage = verifier.verify(insurer, 1);
            assertThat(mileage.ok()).as("%s %s", mileage.problems(), mileage.chain().findings()).isTrue();
            assertThat(mileage.whole()).containsOnlyKeys("vehicle.odometer");
            // the main stream goes whole over MQTT; the CoAP connection carried the route alone
            RouteStreamVerifier.Report all = verifier.verify(main, 1);
            assertThat(all.ok()).as("%s %s", all.problems(), all.chain().findings()).isTrue();
            assertThat(all.chain().lastSeq()).isEqualTo(head);
            assertThat(all.omitted()).as("the main uplink forwards everything whole").isZero();
            assertThat(mainCoapPosts).as("POSTs to the main path on the route's CoAP server").hasValue(0);
        }
    }

    private List<byte[]> bodies() {
        return route.stream().map(Post::body).toList();
    }

    /** Every item posted to the route, the first seen of each seq. */
    private Map<Long, byte[]> itemsBySeq() throws Exception {
        Map<Long, byte[]> out = new HashMap<>();
        for (Post p : route) {
            for (byte[] item : BatchDecoder.items(p.body())) {
                out.putIfAbsent(seqOf(item), item);
            }
        }
        return out;
    }

    private List<Long> seqsOfRun(int k) throws Exception {
        List<Long> seqs = new ArrayList<>();
        for (Post p : route) {
            if (p.run() == k) {
                for (byte[] item : BatchDecoder.items(p.body())) {
                    seqs.add(seqOf(item));
                }
            }
        }
        return seqs;
    }

    private static long seqOf(byte[] item) throws Exception {
        CborItem decoded = CborReader.decode(item);
        if (decoded instanceof CborItem.MapItem m) {
            return ((CborItem.Int) m.get("seq")).longValueExact();
        }
        byte[] payload = CoseSign1.parse(item).payload();
        return io.certigate.core.model.ReadingCodec.decode(payload).seq();
    }

    /** The routes' cursors as the (running or stopped) gateway's buffer holds them. */
    private Map<String, Long> storedCursors() throws Exception {
        try (RecordBuffer b = RecordBuffer.openReadOnly(dir.resolve("buffer.db"), DEVICE)) {
            return RouteCursor.stored(b);
        }
    }
}
