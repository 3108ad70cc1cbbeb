package io.certigate.meter.coap;

import static io.certigate.meter.coap.SenmlFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.meter.testing.TestChain;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent CoAP implementation (libcoap's {@code coap-client}, Debian package libcoap3-bin)
 * posts SenML over DTLS-PSK to the ingest server. Fails when the program is missing.
 */
@Tag("integration")
class CoapClientInteropIntegrationTest {
    private static final byte[] KEY = "road-01-secret-key-0123".getBytes(StandardCharsets.US_ASCII);
    @TempDir
    Path dir;

    record Result(int exit, String out) {}

    static String coapClient() {
        for (String name : new String[] {"coap-client-openssl", "coap-client-gnutls", "coap-client"}) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        throw new AssertionError("coap-client (Debian package libcoap3-bin) is not installed");
    }

    private Result post(InetSocketAddress server, String identity, byte[] key, String fixture, int format) throws Exception {
        Path payload = dir.resolve(fixture);
        Files.write(payload, raw(fixture));
        List<String> cmd = new ArrayList<>(List.of(coapClient(), "-m", "post", "-u", identity, "-k",
                new String(key, StandardCharsets.US_ASCII), "-t", Integer.toString(format), "-f", payload.toString(), "-B", "8",
                "coaps://127.0.0.1:" + server.getPort() + "/senml"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("coap-client did not finish");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void libcoapPostsSenmlJsonAndCborOverDtlsPsk() throws Exception {
        try (TestChain chain = new TestChain(dir, "hub-interop");
                CoapIngestServer server = new CoapIngestServer(
                        CoapIngestServer.Options.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of("road-01", KEY)),
                        chain.sequencer, SensorSequences.inBuffer(chain.buffer, Clock.systemUTC()), Clock.systemUTC()).start()) {
            Result json = post(server.address(), "road-01", KEY, "shock.json", 110);
            assertThat(json.out()).contains("stored 3 readings, seq 42");
            Result cbor = post(server.address(), "road-01", KEY, "shock.cbor", 112);
            assertThat(cbor.out()).contains("duplicate seq 42");
            Result unit = post(server.address(), "road-01", KEY, "shock-unknown-unit.json", 110);
            assertThat(unit.out()).contains("4.22").contains("furlong");
            Result malformed = post(server.address(), "road-01", KEY, "shock-truncated.json", 110);
            assertThat(malformed.out()).contains("4.00").contains("invalid JSON");

            Result stranger = post(server.address(), "road-77", KEY, "shock.json", 110);
            assertThat(stranger.out()).doesNotContain("stored");
            assertThat(server.stats().stored()).isEqualTo(1);

            List<Reading> stored = chain.readings();
            assertThat(stored).extracting(Reading::kind).containsExactly("road.shock", "road.position.lat", "road.position.lon");
            assertThat(stored).allSatisfy(r -> assertThat(r.source()).isEqualTo("coap:road-01"));
        }
    }
}
