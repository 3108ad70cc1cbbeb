package io.certigate.fleet.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class IngestSettingsTest {
    @TempDir
    Path dir;

    private static Map<String, String> minimal() {
        return new HashMap<>(Map.of("fleet.ingest.mqtt.url", "tcp://127.0.0.1:1883",
                "fleet.ingest.mqtt.client-id", "ingest-1",
                "fleet.ingest.kafka.bootstrap-servers", "127.0.0.1:9092"));
    }

    @Test
    void defaultsAndThePassThroughReachTheProducerButNotOverTheIngestsGuarantees() {
        Map<String, String> c = minimal();
        c.put("fleet.ingest.kafka.client.compression.type", "zstd");
        c.put("fleet.ingest.kafka.client.linger.ms", "20");
        IngestSettings s = IngestSettings.parse("f.properties", c);
        assertThat(s.group()).isEqualTo("certigate-ingest");
        assertThat(s.maxPayloadBytes()).isEqualTo(256 * 1024);
        assertThat(s.maxInFlight()).isEqualTo(1000);
        assertThat(s.broker().clientId()).isEqualTo("ingest-1");
        assertThat(s.broker().username()).isNull();
        Map<String, Object> p = s.producerProperties();
        assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("compression.type", "zstd").containsEntry("linger.ms", "20")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(IngestSettings.of(s.broker(), "k:1").producerProperties()).containsEntry("compression.type", "lz4")
                .containsEntry("linger.ms", 5);

        c.put("fleet.ingest.kafka.client.acks", "1");
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", c)).hasMessageContaining("acks cannot be set");
    }

    @Test
    void errorsNameTheKey() {
        Map<String, String> c = minimal();
        c.remove("fleet.ingest.mqtt.client-id");
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", c))
                .hasMessage("f.properties: fleet.ingest.mqtt.client-id is required");

        Map<String, String> typo = minimal();
        typo.put("fleet.ingest.max-inflight", "5");
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", typo)).hasMessageContaining("fleet.ingest.max-inflight")
                .hasMessageContaining("fleet.ingest.max-in-flight");

        Map<String, String> group = minimal();
        group.put("fleet.ingest.mqtt.group", "a/b");
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", group)).hasMessageContaining("fleet.ingest.mqtt.group");

        Map<String, String> big = minimal();
        big.put("fleet.ingest.max-payload-bytes", Integer.toString(1024 * 1024));
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", big)).hasMessageContaining("max.request.size");
        big.put("fleet.ingest.kafka.client.max.request.size", Integer.toString(2 * 1024 * 1024));
        assertThat(IngestSettings.parse("f.properties", big).maxPayloadBytes()).isEqualTo(1024 * 1024);

        Map<String, String> range = minimal();
        range.put("fleet.ingest.max-in-flight", "0");
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", range))
                .hasMessage("f.properties: fleet.ingest.max-in-flight = '0' must be a whole number in 1..65535");
    }

    @Test
    void theLoginIsReadLikeCertigateCollectReadsIt() throws Exception {
        Path pass = Files.writeString(dir.resolve("pass"), "s3cret\n");
        Map<String, String> c = minimal();
        c.put("fleet.ingest.mqtt.username", "ingest");
        c.put("fleet.ingest.mqtt.password-source", "file:" + pass);
        IngestSettings s = IngestSettings.parse("f.properties", c);
        assertThat(s.broker().username()).isEqualTo("ingest");
        assertThat(s.broker().password()).containsExactly("s3cret".toCharArray());
        assertThat(s.toString()).doesNotContain("s3cret");

        Map<String, String> clear = minimal();
        clear.put("fleet.ingest.mqtt.password-source", "s3cret");
        clear.put("fleet.ingest.mqtt.username", "ingest");
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", clear)).hasMessageContaining("file:PATH or env:NAME")
                .hasMessageNotContaining("s3cret");

        Map<String, String> remote = minimal();
        remote.put("fleet.ingest.mqtt.url", "tcp://broker.example:1883");
        remote.put("fleet.ingest.mqtt.username", "ingest");
        remote.put("fleet.ingest.mqtt.password-source", "file:" + pass);
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", remote))
                .hasMessageContaining("fleet.ingest.mqtt.username is set but fleet.ingest.mqtt.url")
                .hasMessageContaining("fleet.ingest.mqtt.allow-plaintext-credentials");
        remote.put("fleet.ingest.mqtt.allow-plaintext-credentials", "true");
        assertThat(IngestSettings.parse("f.properties", remote).broker().username()).isEqualTo("ingest");

        Map<String, String> ssl = minimal();
        ssl.put("fleet.ingest.mqtt.url", "ssl://localhost:8883");
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", ssl))
                .hasMessageContaining("fleet.ingest.mqtt.tls.ca is required");
        ssl.put("fleet.ingest.mqtt.tls.client-keystore", dir.resolve("k.p12").toString());
        assertThatThrownBy(() -> IngestSettings.parse("f.properties", ssl))
                .hasMessageContaining("go together");
    }
}
