package io.certigate.meter.coap;

import static io.certigate.meter.coap.SenmlFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.meter.testing.TestChain;
import io.certigate.simulators.coap.RoadSensor;
import io.certigate.simulators.coap.RoadSensorFleet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DTLS on loopback: the simulated fleet (Californium clients) against the ingest server. */
@Tag("component")
class CoapIngestComponentTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    @TempDir
    Path dir;
    private final ExecutorService relayThreads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        relayThreads.shutdownNow();
    }

    @Test
    void fleetOverALossyLinkIsStoredExactlyOncePerSequence() throws Exception {
        Map<String, byte[]> keys = RoadSensorFleet.keys(3, 11);
        try (TestChain chain = new TestChain(dir, "hub-1")) {
            SensorSequences seqs = SensorSequences.inBuffer(chain.buffer, Clock.systemUTC());
            try (CoapIngestServer server = new CoapIngestServer(CoapIngestServer.Options.of(ANY, keys), chain.sequencer, seqs,
                    Clock.systemUTC()).start();
                    RoadSensorFleet fleet = new RoadSensorFleet(3, server.address(), "senml", 0.2, 11, relayThreads)) {
                List<String> codes = fleet.run(4);
                assertThat(codes).hasSize(12).allMatch(c -> c.equals("2.04"));
                assertThat(fleet.relay().dropped()).isPositive();
                List<Reading> stored = chain.readings();
                Map<String, Long> shocks = stored.stream().filter(r -> r.kind().equals("road.shock"))
                        .collect(Collectors.groupingBy(Reading::source, Collectors.counting()));
                // a retransmitted request must not be stored twice: exactly 4 shocks per sensor
                assertThat(shocks).containsOnly(Map.entry("coap:road-01", 4L), Map.entry("coap:road-02", 4L),
                        Map.entry("coap:road-03", 4L));
                assertThat(stored).hasSize(36);
                assertThat(server.stats().stored()).isEqualTo(12);
            }
        }
    }

    @Test
    void errorsCarryClearCodesAndDuplicatesSurviveARestart() throws Exception {
        Map<String, byte[]> keys = RoadSensorFleet.keys(1, 5);
        byte[] key = keys.get("road-01");
        try (TestChain chain = new TestChain(dir, "hub-2")) {
            SensorSequences seqs = SensorSequences.inBuffer(chain.buffer, Clock.systemUTC());
            try (CoapIngestServer server = new CoapIngestServer(CoapIngestServer.Options.of(ANY, keys), chain.sequencer, seqs,
                    Clock.systemUTC()).start();
                    RoadSensor s = new RoadSensor("road-01", key, server.address(), "senml", 1)) {
                CoapResponse ok = s.post(raw("shock.json"), MediaTypeRegistry.APPLICATION_SENML_JSON);
                assertThat(ok.getCode()).isEqualTo(ResponseCode.CHANGED);
                assertThat(ok.getResponseText()).isEqualTo("stored 3 readings, seq 42");
                CoapResponse again = s.post(raw("shock.cbor"), MediaTypeRegistry.APPLICATION_SENML_CBOR);
                assertThat(again.getCode()).isEqualTo(ResponseCode.CHANGED);
                assertThat(again.getResponseText()).contains("duplicate seq 42");
                expect(s, raw("shock-unknown-unit.json"), MediaTypeRegistry.APPLICATION_SENML_JSON, ResponseCode.UNPROCESSABLE_ENTITY,
                        "unknown SenML unit 'furlong'");
                expect(s, raw("shock-missing-seq.json"), MediaTypeRegistry.APPLICATION_SENML_JSON, ResponseCode.BAD_REQUEST,
                        "missing field");
                expect(s, raw("shock-truncated.cbor"), MediaTypeRegistry.APPLICATION_SENML_CBOR, ResponseCode.BAD_REQUEST,
                        "malformed: invalid SenML CBOR");
                expect(s, raw("shock.json"), MediaTypeRegistry.APPLICATION_JSON, ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                        "content format 50");
                expect(s, new byte[5000], MediaTypeRegistry.APPLICATION_SENML_CBOR, ResponseCode.REQUEST_ENTITY_TOO_LARGE, "exceeds");
                assertThat(server.stats().rejected()).isEqualTo(5);
                assertThat(server.health()).isEqualTo(new io.certigate.core.metrics.AdapterHealth(true, 0, 5, 3));
            }
            // gateway restart: new server and sequence table over the same buffer file
            try (CoapIngestServer server = new CoapIngestServer(CoapIngestServer.Options.of(ANY, keys), chain.sequencer,
                    SensorSequences.inBuffer(chain.buffer, Clock.systemUTC()), Clock.systemUTC()).start();
                    RoadSensor s = new RoadSensor("road-01", key, server.address(), "senml", 1)) {
                CoapResponse again = s.post(raw("shock.json"), MediaTypeRegistry.APPLICATION_SENML_JSON);
                assertThat(again.getResponseText()).contains("duplicate seq 42");
            }
            assertThat(chain.readings()).hasSize(3);
        }
    }

    @Test
    void unknownIdentitiesAndWrongKeysCannotPost() throws Exception {
        Map<String, byte[]> keys = RoadSensorFleet.keys(1, 5);
        try (TestChain chain = new TestChain(dir, "hub-3")) {
            try (CoapIngestServer server = new CoapIngestServer(CoapIngestServer.Options.of(ANY, keys), chain.sequencer,
                    SensorSequences.inBuffer(chain.buffer, Clock.systemUTC()), Clock.systemUTC()).start();
                    RoadSensor stranger = new RoadSensor("road-99", "0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII),
                            server.address(), "senml", 1);
                    RoadSensor impostor = new RoadSensor("road-01", "wrong-key-wrong-key!".getBytes(StandardCharsets.US_ASCII),
                            server.address(), "senml", 1)) {
                assertThat(post(stranger.timeout(java.time.Duration.ofSeconds(3)))).isNull();
                assertThat(post(impostor.timeout(java.time.Duration.ofSeconds(3)))).isNull();
                assertThat(server.stats().stored()).isZero();
                assertThat(server.unknownIdentities()).isPositive();
            }
            assertThat(chain.readings()).isEmpty();
        }
    }

    private static CoapResponse post(RoadSensor s) {
        try {
            return s.post(raw("shock.json"), MediaTypeRegistry.APPLICATION_SENML_JSON);
        } catch (Exception e) {
            return null; // the handshake failure surfaces as an exception or a null response
        }
    }

    private static void expect(RoadSensor s, byte[] payload, int format, ResponseCode code, String diagnostic) throws Exception {
        CoapResponse r = s.post(payload, format);
        assertThat(r.getCode()).isEqualTo(code);
        assertThat(r.getResponseText()).contains(diagnostic);
    }
}
