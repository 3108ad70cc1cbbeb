package io.certigate.fleet.ingest;

import static io.certigate.fleet.ingest.IngestFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.ingest.IngestFixture.Publisher;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.testbed.time.ManualScheduler;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.testing.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is acknowledged to the broker while Kafka does not have it, and nothing is lost: with
 * Kafka's broker stopped, the messages that arrive are not acknowledged, the connection is dropped
 * and, once Kafka is back, the broker sends them again and Kafka gets each once; an instance that
 * cannot reach Kafka at all acknowledges nothing, and the next instance under its client id gets
 * its messages. The MQTT reconnect back-off runs on virtual time, so that what must not happen
 * before it is checked exactly.
 */
@Tag("component")
class MqttKafkaIngestOutageTest {
    /** Kept when a test fails: the broker's log is in {@code broker/mosquitto.log}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private KafkaClusterTestKit kafka;
    private MosquittoBroker broker;
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<MqttKafkaIngest> ingests = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        kafka = IngestFixture.kafka();
        broker = MosquittoBroker.start(dir.resolve("broker"));
    }

    @AfterEach
    void tearDown() throws Exception {
        ingests.forEach(MqttKafkaIngest::close);
        broker.close();
        kafka.close();
    }

    /** Short Kafka timeouts so that a produce fails within seconds; reconnect after 1 s (virtual). */
    private IngestSettings settings(String clientId, String bootstrap) {
        return IngestSettings.of(BrokerOptions.defaults(broker.url()).withClientId(clientId)
                .withReconnect(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))), bootstrap)
                .withKafkaClient(Map.of("delivery.timeout.ms", "3000", "request.timeout.ms", "1000", "linger.ms", "0",
                        "max.block.ms", "1500", "retry.backoff.ms", "100", "reconnect.backoff.max.ms", "200"));
    }

    private MqttKafkaIngest start(IngestSettings settings) throws Exception {
        MqttKafkaIngest i = new MqttKafkaIngest(settings, scheduler.clock(), scheduler, new SplittableRandom(3));
        ingests.add(i);
        return i.start();
    }

    /** Waits for {@code check}, running what falls due on the virtual clock meanwhile (time does not move). */
    private void until(Supplier<String> what, Await.Check check) throws Exception {
        Await.until(Duration.ofSeconds(30), what, () -> {
            scheduler.runDue();
            return check.ok();
        });
    }

    private Map<String, Long> recordsOf(String prefix) {
        return IngestFixture.read(kafka.bootstrapServers(), FleetTopics.RECORDS).stream()
                .map(ConsumerRecord::value).map(IngestFixture::text).filter(v -> v.startsWith(prefix))
                .collect(Collectors.groupingBy(v -> v, Collectors.counting()));
    }

    @Test
    void whileKafkaIsDownNothingIsAcknowledgedAndTheBrokerSendsItAgainOnceKafkaIsBack() throws Exception {
        // one message in flight at most: m2 waits for m1, which Kafka cannot take
        MqttKafkaIngest ingest = start(settings("ingest-outage", kafka.bootstrapServers()).withLimits(1024, 1));
        until(() -> "subscribed; " + ingest.lastError(), ingest::subscribed);
        try (Publisher gateway = new Publisher(broker.url())) {
            gateway.publish("certigate/v1/out-dev/readings", "outage m0");
            until(() -> ingest.metrics().toString(), () -> ingest.metrics().acknowledged() == 1);

            int brokerId = kafka.brokers().keySet().iterator().next();
            kafka.brokers().get(brokerId).shutdown();
            kafka.brokers().get(brokerId).awaitShutdown();
            gateway.publish("certigate/v1/out-dev/readings", "outage m1");
            gateway.publish("certigate/v1/out-dev/readings", "outage m2");

            // Kafka gives up on the records (delivery timeout): the ingest drops the connection unacknowledged
            Await.until(Duration.ofSeconds(30), () -> ingest.metrics().toString(),
                    () -> ingest.metrics().produceFailures() >= 1);
            assertThat(ingest.metrics().received()).isEqualTo(3);
            assertThat(ingest.metrics().forwarded()).isEqualTo(1);
            assertThat(ingest.metrics().acknowledged()).isEqualTo(1);
            assertThat(ingest.metrics().connectionsDropped()).isEqualTo(1);
            scheduler.runDue(); // the disconnect; the reconnect waits for the back-off (0.5 to 1 s)
            assertThat(ingest.subscribed()).isFalse();
            scheduler.advance(Duration.ofMillis(499));
            assertThat(ingest.connections()).isEqualTo(1);
            assertThat(ingest.metrics().acknowledged()).isEqualTo(1);
            assertThat(ingest.metrics().inFlight()).isZero();

            kafka.restartBroker(brokerId, Map.of());
            kafka.waitForReadyBrokers();
            scheduler.advance(Duration.ofMillis(501));
            until(() -> "connections " + ingest.connections() + "; " + ingest.metrics(),
                    () -> ingest.metrics().acknowledged() == 3);
        }
        assertThat(ingest.connections()).isEqualTo(2);
        assertThat(ingest.sessionsLost()).isZero();
        assertThat(ingest.metrics().received()).isEqualTo(5); // m1 and m2 came twice
        assertThat(ingest.metrics().inFlightPeak()).isEqualTo(1);
        assertThat(recordsOf("outage ")).containsOnlyKeys("outage m0", "outage m1", "outage m2")
                .allSatisfy((payload, n) -> assertThat(n).as(payload).isEqualTo(1));
    }

    @Test
    void anInstanceThatCannotReachKafkaAcknowledgesNothingAndTheNextOneUnderItsClientIdGetsTheMessages()
            throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        MqttKafkaIngest cut = start(settings("ingest-restart", "127.0.0.1:" + closedPort));
        until(() -> "subscribed; " + cut.lastError(), cut::subscribed);
        try (Publisher gateway = new Publisher(broker.url())) {
            gateway.publish("certigate/v1/restart-dev/readings", "restart m0");
            gateway.publish("certigate/v1/restart-dev/status", "restart s0");
        }
        // send() finds no Kafka within max.block.ms: nothing is acknowledged, the connection is dropped
        Await.until(Duration.ofSeconds(30), () -> cut.metrics().toString(), () -> cut.metrics().produceFailures() >= 1);
        assertThat(cut.metrics().acknowledged()).isZero();
        assertThat(cut.metrics().forwarded()).isZero();
        cut.close();
        ingests.remove(cut);
        assertThat(cut.metrics().acknowledged()).isZero();

        MqttKafkaIngest next = start(settings("ingest-restart", kafka.bootstrapServers()));
        until(() -> "next: " + next.metrics() + "; " + next.lastError(), () -> next.metrics().acknowledged() == 2);
        assertThat(next.sessionsLost()).isZero();
        assertThat(recordsOf("restart ")).containsOnlyKeys("restart m0", "restart s0")
                .allSatisfy((payload, n) -> assertThat(n).as(payload).isEqualTo(1));
        assertThat(text(IngestFixture.read(kafka.bootstrapServers(), FleetTopics.RECORDS).stream()
                .filter(r -> text(r.value()).equals("restart s0")).findFirst().orElseThrow()
                .headers().lastHeader(FleetTopics.HEADER_KIND).value())).isEqualTo(FleetTopics.KIND_STATUS);
    }
}
