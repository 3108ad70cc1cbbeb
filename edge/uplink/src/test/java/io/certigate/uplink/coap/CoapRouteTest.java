package io.certigate.uplink.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.BatchDecoder;
import io.certigate.uplink.RecordFilter;
import io.certigate.uplink.RouteCursor;
import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forwarding route on the CoAP uplink over real DTLS (PSK) on loopback: a Californium server
 * answers POSTs to the route's path {@code city/roads/<device>} (and to nothing else), and gets
 * the road events whole, every other record as a hash-only item, in seq order, while the route's
 * cursor reaches the head. The main uplink's path is not served, so the main pump keeps failing
 * and retrying meanwhile: the route does not wait for it.
 */
@Tag("component")
class CoapRouteTest {
    private static final byte[] SECRET = "0123456789abcdef-device-secret".getBytes(StandardCharsets.US_ASCII);
    private static final CoapEndpoints.Timing FAST = new CoapEndpoints.Timing(1024, 1 << 20, Duration.ofMillis(200), 2);

    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final List<byte[]> posted = new CopyOnWriteArrayList<>();
    private CoapServer server;
    private CoapUplink uplink;
    private RouteCursor cursor;
    private TestDevice device;

    @AfterEach
    void tearDown() throws Exception {
        if (uplink != null) {
            uplink.close();
        }
        if (cursor != null) {
            cursor.close();
        }
        if (server != null) {
            server.destroy();
        }
        if (device != null) {
            device.close();
        }
        scheduler.shutdownNow();
    }

    /** Serves POST {@code /city/roads/dev-k} only. */
    private InetSocketAddress startCity() {
        CoapEndpoint ep = CoapEndpoints.server(new InetSocketAddress("127.0.0.1", 0), Map.of("dev-k", SECRET), null, FAST);
        server = new CoapServer();
        server.addEndpoint(ep);
        server.add(new CoapResource("city").add(new CoapResource("roads").add(new CoapResource("dev-k") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                posted.add(exchange.getRequestPayload());
                exchange.respond(ResponseCode.CHANGED);
            }
        })));
        server.start();
        return ep.getAddress();
    }

    private void produce(int n) throws Exception {
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Reading r = i % 3 == 0
                    ? new Reading(1_700_000_000_000L + i, TimeQuality.NTP, "motion", "road.shock", "road",
                            ReadingValue.of(1200 + i), "mg")
                    : new Reading(1_700_000_000_000L + i, TimeQuality.NTP, "obd", "vehicle.speed", "VF1PRIVATEVIN0001",
                            ReadingValue.of(50 + i), "km/h");
            done.add(device.sequencer().submit(r));
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get();
    }

    @Test
    void theCityGetsRoadEventsWholeAndTheRestAsHashesOverDtls() throws Exception {
        device = TestDevice.create(dir, "dev-k", io.certigate.signing.CoseAlgorithm.ES256);
        InetSocketAddress city = startCity();
        produce(30);
        CoapUplink.Options o = CoapUplink.Options.defaults(URI.create("coaps://127.0.0.1:" + city.getPort()),
                new DtlsCredentials.Psk("dev-k", SECRET)).with(10, 1, 64 * 1024, FAST,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)));
        uplink = new CoapUplink(device.buffer(), o, Clock.systemUTC(), scheduler, new SplittableRandom(3));
        cursor = RouteCursor.open(device.buffer(), "city");
        uplink.route("/city/roads/dev-k", cursor, RecordFilter.of(List.of("road.shock")));
        device.sequencer().addCommitListener(uplink.commitListener());
        uplink.start();
        produce(15); // committed while the route runs
        Await.until(Duration.ofSeconds(60), () -> "route at " + cursor.deliveredThrough() + ", " + uplink.routeStats(),
                () -> cursor.deliveredThrough() == 45);
        assertThat(uplink.routeStats()).containsOnlyKeys(URI.create("coaps://127.0.0.1:" + city.getPort() + "/city/roads/dev-k"));
        assertThat(device.buffer().deliveredThrough()).as("the main uplink's path is not served").isZero();
        assertThat(uplink.health().connected()).as("the route's answers do not make the main uplink look healthy")
                .isFalse();

        TreeMap<Long, byte[]> bySeq = new TreeMap<>();
        StringBuilder wire = new StringBuilder();
        for (byte[] p : posted) {
            wire.append(new String(p, StandardCharsets.ISO_8859_1));
            for (byte[] item : BatchDecoder.items(p)) {
                long seq = CborReader.decode(item) instanceof CborItem.MapItem m
                        ? ((CborItem.Int) m.get("seq")).longValueExact() : -1;
                bySeq.putIfAbsent(seq, item);
            }
        }
        List<StoredRecord> chain = device.buffer().range(1, 45);
        for (StoredRecord r : chain) {
            byte[] cose = ((StoredRecord.Signed) r).cose();
            if (r.seq() % 3 == 0) { // road events: seq 3, 6, ... in both runs of produce
                assertThat(wire.toString()).as("road event %d whole", r.seq())
                        .contains(new String(cose, StandardCharsets.ISO_8859_1));
            } else {
                CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(bySeq.get(r.seq()));
                assertThat(m.get("omitted")).isEqualTo(CborItem.Simple.TRUE);
            }
        }
        assertThat(wire.toString()).contains("road.shock").doesNotContain("vehicle.speed", "VF1PRIVATEVIN0001", "km/h");
    }

    /**
     * {@code uplink.coap.main = false} (a CoAP route beside an MQTT main uplink): the connection
     * carries the route alone, even to a server that would take the main path.
     */
    @Test
    void aRoutesOnlyUplinkNeverPostsTheMainStream() throws Exception {
        device = TestDevice.create(dir, "dev-k", io.certigate.signing.CoseAlgorithm.ES256);
        InetSocketAddress city = startCity();
        java.util.concurrent.atomic.AtomicInteger mainPosts = new java.util.concurrent.atomic.AtomicInteger();
        CoapResource readings = new CoapResource("readings") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                mainPosts.incrementAndGet();
                exchange.respond(ResponseCode.CHANGED);
            }
        };
        server.add(new CoapResource("certigate").add(new CoapResource("v1").add(new CoapResource("dev-k")
                .add(readings))));
        produce(12);
        CoapUplink.Options o = CoapUplink.Options.defaults(URI.create("coaps://127.0.0.1:" + city.getPort()),
                new DtlsCredentials.Psk("dev-k", SECRET)).with(10, 1, 64 * 1024, FAST,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)));
        uplink = new CoapUplink(device.buffer(), o, Clock.systemUTC(), scheduler, new SplittableRandom(3)).routesOnly();
        assertThat(uplink.target().getPath()).isEqualTo("/certigate/v1/dev-k/readings");
        cursor = RouteCursor.open(device.buffer(), "city");
        uplink.route("/city/roads/dev-k", cursor, RecordFilter.of(List.of("road.shock")));
        device.sequencer().addCommitListener(uplink.commitListener());
        uplink.start();
        produce(6);
        Await.until(Duration.ofSeconds(60), () -> "route at " + cursor.deliveredThrough(),
                () -> cursor.deliveredThrough() == 18);
        assertThat(uplink.carriesMainStream()).isFalse();
        assertThat(uplink.stats().batchesSent()).as("the main pump sent nothing").isZero();
        assertThat(mainPosts).as("POSTs to the main path").hasValue(0);
        assertThat(device.buffer().deliveredThrough()).isZero();
        assertThatThrownBy(uplink::routesOnly).isInstanceOf(IllegalStateException.class);
    }
}
