package io.certigate.uplink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.UplinkHealth;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MqttUplink} against a real Mosquitto, where no collector is needed: the proof hook and a
 * refused login. Delivery, order and the broker and gateway faults are checked end to end with the
 * reference collector in the fleet module ({@code MqttStoreAndForwardTest}).
 */
@Tag("integration")
class MqttUplinkTest {
    /** Kept when a test fails: the broker's log is in {@code broker/mosquitto.log}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private ScheduledExecutorService scheduler;
    private MosquittoBroker broker;
    private TestDevice device;
    private MqttUplink uplink;

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        device = TestDevice.create(dir, "dev-1");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (uplink != null) {
            uplink.close();
        }
        device.close();
        if (broker != null) {
            broker.close();
        }
        scheduler.shutdownNow();
    }

    private MqttUplinkOptions options() {
        return MqttUplinkOptions.defaults(broker.url(), device.id()).withBatching(50, 16, 256 * 1024)
                .withReconnect(new Backoff(Duration.ofMillis(100), Duration.ofMillis(800)));
    }

    private MqttUplink startUplink(MqttUplinkOptions o) throws Exception {
        MqttUplink u = new MqttUplink(device.buffer(), device.key().certificateChain(), o, Clock.systemUTC(), scheduler,
                new SplittableRandom(7));
        device.sequencer().addCommitListener(u.commitListener());
        return u.start();
    }

    @Test
    void proofBundlesGoToTheProofsTopicAndCompleteOnPuback() throws Exception {
        broker = MosquittoBroker.start(dir.resolve("broker"));
        uplink = new MqttUplink(device.buffer(), device.key().certificateChain(), options(), Clock.systemUTC(), scheduler,
                new SplittableRandom(7));
        assertThat(uplink.publishProof("{}".getBytes())).as("not connected").isCompletedExceptionally();
        uplink.start();
        Await.until(Duration.ofSeconds(10), () -> "state " + uplink.state(), () -> uplink.state() == MqttUplink.State.CONNECTED);
        List<byte[]> got = new CopyOnWriteArrayList<>();
        MqttClient watcher = new MqttClient(broker.url(), "proof-watcher", new MemoryPersistence());
        watcher.connect(new MqttConnectOptions());
        watcher.subscribe(UplinkTopics.PROOFS.topic(device.id()), 1, (topic, msg) -> got.add(msg.getPayload()));
        byte[] proof = "{\"format\":\"certigate-proof/1\",\"leafIndex\":7}".getBytes(StandardCharsets.UTF_8);
        uplink.publishProof(proof).get(10, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), () -> "proof not seen", () -> !got.isEmpty());
        assertThat(got.get(0)).isEqualTo(proof);
        watcher.disconnect();
        watcher.close();
    }

    @Test
    void refusedLoginIsAClearErrorAndBufferingContinues() throws Exception {
        broker = MosquittoBroker.in(dir.resolve("broker")).refuseAnonymous().start();
        uplink = startUplink(options());
        Await.until(Duration.ofSeconds(10), () -> "state " + uplink.state(),
                () -> uplink.state() == MqttUplink.State.REFUSED);
        assertThat(uplink.lastError()).contains("refused the device's credentials").contains("buffered");
        assertThat(uplink.health()).satisfies(h -> {
            assertThat(h.connected()).isFalse();
            assertThat(h.lastProblem()).isEqualTo(UplinkHealth.Problem.CREDENTIALS);
            assertThat(h.reconnects()).isPositive();
            assertThat(h.recordsDelivered()).isZero();
        });
        long attempts = uplink.health().reconnects();
        device.produce(50);
        // two more connection attempts after the records were committed, each refused: then nothing was sent
        Await.until(Duration.ofSeconds(10), () -> "reconnects " + uplink.health().reconnects(),
                () -> uplink.health().reconnects() >= attempts + 2);
        assertThat(device.undelivered()).isEqualTo(50);
        assertThat(uplink.stats().batchesSent()).isZero();
        assertThat(uplink.state()).isEqualTo(MqttUplink.State.REFUSED);
    }
}
