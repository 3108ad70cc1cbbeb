package io.certigate.kura.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.TimeQuality;
import io.certigate.meter.coap.CoapIngestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CoAP ingest's options as its component builds them from a ConfigAdmin property map. */
@Tag("unit")
class CoapIngestOptionsTest {
    static final String KEY_A = "000102030405060708090a0b0c0d0e0f";
    static final String KEY_B = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00";

    @TempDir
    Path dir;

    static Map<String, Object> with(Map<String, Object> p, String key, Object value) {
        Map<String, Object> m = new HashMap<>(p);
        m.put(key, value);
        return m;
    }

    @Test
    void defaultsAndKeysFromAFile() throws Exception {
        Path keys = Files.writeString(dir.resolve("sensors.psk"), "# road sensors\nroad-1 = " + KEY_A + "\n\nroad-2=" + KEY_B + "\n",
                StandardCharsets.UTF_8);
        Map<String, Object> p = new HashMap<>(Map.of("coap.ingest.psk-source", "file:" + keys, "coap.ingest.port", 15684));
        CoapIngestOptions o = CoapIngestOptions.from(p);
        assertThat(o.bind()).isEqualTo("0.0.0.0");
        assertThat(o.path()).isEqualTo("senml");
        assertThat(o.maxPayload()).isEqualTo(4096);
        assertThat(o.commitTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.sensorClockQuality()).isEqualTo(TimeQuality.RTC);
        assertThat(o.gatewayClockQuality()).isEqualTo(TimeQuality.NTP);
        CoapIngestServer.Options server = o.server();
        assertThat(server.bind().getPort()).isEqualTo(15684);
        assertThat(server.sensorKeys()).containsOnlyKeys("road-1", "road-2");
        assertThat(server.sensorKeys().get("road-1")).hasSize(16).startsWith(0, 1, 2);
        assertThat(CoapIngestOptions.from(p)).isEqualTo(o);
        assertThat(CoapIngestOptions.from(with(p, "time.quality", "gnss"))).isNotEqualTo(o);
    }

    @Test
    void keysFromTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("ROAD_KEYS", "road-1=" + KEY_A + ";road-2=" + KEY_B);
        assertThat(CoapIngestOptions.sensorKeys("env:ROAD_KEYS", env::get)).containsOnlyKeys("road-1", "road-2");
        assertThatThrownBy(() -> CoapIngestOptions.sensorKeys("env:NOPE", env::get)).hasMessageContaining("NOPE is not set");
    }

    @Test
    void badKeyFilesAreRefusedWithoutShowingAKey() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.psk"), "road-1 = " + KEY_A + "\nroad-2 " + KEY_B + "\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CoapIngestOptions.sensorKeys("file:" + bad, k -> null))
                .hasMessageContaining("line 2 is not 'sensor-id = key in hex'").hasMessageNotContaining(KEY_B);
        Path twice = Files.writeString(dir.resolve("twice.psk"), "road-1 = " + KEY_A + "\nroad-1 = " + KEY_B + "\n",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CoapIngestOptions.sensorKeys("file:" + twice, k -> null)).hasMessageContaining("'road-1' is listed twice");
        Path empty = Files.writeString(dir.resolve("empty.psk"), "# none\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CoapIngestOptions.sensorKeys("file:" + empty, k -> null)).hasMessageContaining("lists no sensor");
        assertThatThrownBy(() -> CoapIngestOptions.sensorKeys("file:" + dir.resolve("missing"), k -> null))
                .hasMessageContaining("cannot read");
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndTheValue() {
        Map<String, Object> p = Map.of("coap.ingest.psk-source", "file:/etc/certigate/sensors.psk");
        assertThatThrownBy(() -> CoapIngestOptions.from(with(p, "coap.ingest.port", 70_000))).hasMessageContaining("coap.ingest.port = '70000' must be a whole number in 0..65535");
        assertThatThrownBy(() -> CoapIngestOptions.from(with(p, "coap.ingest.port", "x"))).hasMessageContaining("coap.ingest.port = 'x'");
        assertThatThrownBy(() -> CoapIngestOptions.from(with(p, "coap.ingest.path", "/Senml"))).hasMessageContaining("coap.ingest.path = '/Senml'");
        assertThatThrownBy(() -> CoapIngestOptions.from(with(p, "coap.ingest.max-payload-bytes", 10))).hasMessageContaining("coap.ingest.max-payload-bytes = '10'");
        assertThatThrownBy(() -> CoapIngestOptions.from(with(p, "time.quality", "sundial")))
                .hasMessageContaining("time.quality = 'sundial'");
        assertThatThrownBy(() -> CoapIngestOptions.from(with(p, "coap.ingest.psk-source", KEY_A)))
                .hasMessageContaining("coap.ingest.psk-source must be file:PATH or env:NAME").hasMessageNotContaining(KEY_A);
        assertThatThrownBy(() -> CoapIngestOptions.from(Map.of())).hasMessageContaining("coap.ingest.psk-source is required");
    }

    @Test
    void aConfigurationStoredUnderTheFormerIdsIsReadTheSame() {
        Map<String, Object> old = Map.of("coap.bind", "127.0.0.1", "coap.port", 15684, "coap.path", "road",
                "coap.psk-source", "env:SENSOR_KEYS", "coap.max-payload", 2048, "coap.commit-timeout-ms", 750L,
                "coap.sensor-time-quality", "gnss");
        Map<String, Object> current = Map.of("coap.ingest.address", "127.0.0.1", "coap.ingest.port", 15684,
                "coap.ingest.path", "road", "coap.ingest.psk-source", "env:SENSOR_KEYS", "coap.ingest.max-payload-bytes", 2048,
                "coap.ingest.commit-timeout-ms", 750L, "coap.ingest.sensor-clock-quality", "gnss");
        assertThat(CoapIngestOptions.from(old)).isEqualTo(CoapIngestOptions.from(current));
        assertThat(CoapIngestOptions.from(old).bind()).isEqualTo("127.0.0.1");
        // a former id beyond the range is refused under the key to use
        assertThatThrownBy(() -> CoapIngestOptions.from(with(old, "coap.port", 70_000)))
                .hasMessageContaining("coap.ingest.port = '70000'");
    }
}
