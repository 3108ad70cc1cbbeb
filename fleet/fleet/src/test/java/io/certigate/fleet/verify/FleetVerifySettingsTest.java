package io.certigate.fleet.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.config.ConfigValues;
import io.certigate.fleet.topics.FindingType;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class FleetVerifySettingsTest {
    @Test
    void defaultsAreTheDefinitionsDefaults() {
        FleetVerifySettings s = FleetVerifySettings.defaults();
        assertThat(s.aheadBuffer()).isEqualTo(1000);
        assertThat(s.gapTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.maxPayloadBytes()).isEqualTo(1 << 20);
        assertThat(s.duplicateWindow()).isEqualTo(1024);
        assertThat(s.registryRetry()).isZero();
        assertThat(s.applicationId()).isEqualTo("certigate-fleet-verify");
        assertThat(s.stateDir()).isNull();
        assertThat(s.replicationFactor()).isEqualTo(3);
        assertThat(FleetVerifySettings.ALL).allMatch(x -> x.key().startsWith("fleet.verify."));
    }

    @Test
    void valuesAreReadAndCheckedAgainstTheirRanges() {
        FleetVerifySettings s = FleetVerifySettings.from(new ConfigValues("fleet.properties", Map.of(
                "fleet.verify.ahead-buffer", "50", "fleet.verify.gap-timeout-ms", "2000",
                "fleet.verify.state-dir", "/var/lib/certigate/verify", "fleet.verify.stream-threads", "2")));
        assertThat(s.aheadBuffer()).isEqualTo(50);
        assertThat(s.gapTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.stateDir()).isEqualTo("/var/lib/certigate/verify");
        assertThat(s).isEqualTo(s.with(FleetVerifySettings.AHEAD_BUFFER, 50))
                .isNotEqualTo(s.with(FleetVerifySettings.AHEAD_BUFFER, 51));
        assertThat(s.with(FleetVerifySettings.GAP_TIMEOUT_MS, 7000).gapTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThatThrownBy(() -> s.with(FleetVerifySettings.AHEAD_BUFFER, 0))
                .hasMessageContaining("fleet.verify.ahead-buffer = '0' must be a whole number in 1..1000000");
        assertThatThrownBy(() -> FleetVerifySettings.from(new ConfigValues("fleet.properties",
                Map.of("fleet.verify.ahead-buffer", "0")))).hasMessage(
                        "fleet.properties: fleet.verify.ahead-buffer = '0' must be a whole number in 1..1000000");
        assertThatThrownBy(() -> FleetVerifySettings.from(new ConfigValues("f",
                Map.of("fleet.verify.duplicate-window", "lots")))).hasMessageContaining("fleet.verify.duplicate-window");
    }

    @Test
    void theInstanceRunsExactlyOnceWithTheSettingsKafkaProperties() {
        Properties p = FleetVerifier.properties("k1:9092,k2:9092",
                FleetVerifySettings.defaults().with(FleetVerifySettings.APPLICATION_ID, "verify-a")
                        .with(FleetVerifySettings.STATE_DIR, "/tmp/state").with(FleetVerifySettings.STREAM_THREADS, 2)
                        .with(FleetVerifySettings.REPLICATION_FACTOR, 3));
        assertThat(p).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "verify-a")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9092")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/tmp/state")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
        // the configuration is valid as Kafka Streams reads it
        assertThat(new StreamsConfig(p).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    }

    @Test
    void kafkaStreamsPropertiesPassThroughButNotTheOnesTheGuaranteesNeed() {
        FleetVerifySettings s = FleetVerifySettings.from(new ConfigValues("fleet.properties", Map.of(
                "fleet.verify.kafka.streams.commit.interval.ms", "250",
                "fleet.verify.kafka.streams.producer.linger.ms", " 20 ",
                "fleet.verify.kafka.streams.producer.max.request.size", "4194304")));
        assertThat(s.streams()).containsEntry("commit.interval.ms", "250").containsEntry("producer.linger.ms", "20");
        assertThat(s.with(FleetVerifySettings.AHEAD_BUFFER, 7).streams()).isEqualTo(s.streams());
        Properties p = FleetVerifier.properties("k1:9092", s);
        assertThat(p).containsEntry("commit.interval.ms", "250").containsEntry("producer.linger.ms", "20")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry("producer.max.request.size", 4194304);
        assertThat(new StreamsConfig(p).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(250L);
        // a smaller request size than the largest accepted record needs is raised, never lowered
        assertThat(FleetVerifier.properties("k1:9092", FleetVerifySettings.from(new ConfigValues("f",
                Map.of("fleet.verify.kafka.streams.producer.max.request.size", "1000")))))
                .containsEntry("producer.max.request.size", (1 << 20) + 4096);
        for (String fixed : new String[] {"processing.guarantee", "application.id", "producer.transactional.id",
            "consumer.isolation.level"}) {
            assertThatThrownBy(() -> FleetVerifySettings.from(new ConfigValues("fleet.properties",
                    Map.of("fleet.verify.kafka.streams." + fixed, "x"))))
                    .hasMessageContaining("fleet.verify.kafka.streams." + fixed + " cannot be set");
        }
    }

    @Test
    void metricsNameEveryCounter() {
        FleetVerifyMetrics m = new FleetVerifyMetrics();
        m.onRefused(FindingType.BAD_SIGNATURE);
        m.onVerified(true);
        assertThat(m.snapshot()).containsEntry("refused.bad-signature", 1L).containsEntry("verified", 1L)
                .containsEntry("erasures", 1L).containsKey("findings.unknown-device");
    }
}
