package io.certigate.fleet.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.ReadingCodec;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.signing.CoseSign1;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.BatchDecoder;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.mqtt.MqttUplink;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * Store-and-forward against a real Mosquitto: delivery marking, order, broker restart and outage,
 * gateway restart, packet-size splitting. The reference collector checks the other side: after
 * deduplication nothing is missing. {@code -Dcertigate.uplink.records=100000} runs the fault
 * scenario with that many records (default 3000). What needs no collector (the proof hook, a
 * refused login) is tested in uplink's {@code MqttUplinkTest}.
 */
@Tag("integration")
class MqttStoreAndForwardTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    /** Kept when a test fails: the broker's log is in {@code broker/mosquitto.log}. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private ScheduledExecutorService scheduler;
    private MosquittoBroker broker;
    private TestDevice device;
    private RecordCollector collector;
    private MqttCollector subscriber;
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
        if (subscriber != null) {
            subscriber.close();
        }
        if (collector != null) {
            collector.close();
        }
        device.close();
        if (broker != null) {
            broker.close();
        }
        scheduler.shutdownNow();
    }

    private void startCollector() throws Exception {
        DeviceKeys keys = new DeviceKeys(List.of(), false);
        keys.add(device.id(), device.key().publicKey());
        collector = RecordCollector.open(dir.resolve("collector.db"), keys, Clock.systemUTC());
        subscriber = new MqttCollector(collector, BrokerOptions.defaults(broker.url()), scheduler,
                new SplittableRandom(1)).start();
        Await.until(Duration.ofSeconds(10), () -> "collector subscribed", subscriber::subscribed);
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

    private void awaitAllDelivered() throws Exception {
        Await.until(LONG, () -> "undelivered=" + undelivered() + " uplink " + uplink.state() + " " + uplink.stats(),
                () -> device.undelivered() == 0);
    }

    private long undelivered() {
        try {
            return device.undelivered();
        } catch (Exception e) {
            return -1;
        }
    }

    private CollectorReport awaitCollected(long expected) throws Exception {
        Await.until(LONG, () -> "unique " + unique() + " of " + expected + ", collector messages " + subscriber.messages()
                + ", sessions lost " + subscriber.sessionsLost() + ", " + report().line() + "; broker log kept in " + dir,
                () -> unique() >= expected);
        return report();
    }

    private long unique() {
        try {
            return collector.uniqueCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private CollectorReport report() {
        try {
            return collector.report();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void marksRecordsDeliveredOnlyAfterPubackAndPublishesInSeqOrder() throws Exception {
        broker = MosquittoBroker.start(dir.resolve("broker"));
        startCollector();
        List<Long> firstSeqs = new CopyOnWriteArrayList<>();
        MqttClient watcher = new MqttClient(broker.url(), "watcher", new MemoryPersistence());
        watcher.connect(new MqttConnectOptions());
        watcher.subscribe(UplinkTopics.READINGS.allDevices(), 1, (topic, msg) -> {
            byte[] first = BatchDecoder.items(msg.getPayload()).get(0);
            firstSeqs.add(ReadingCodec.decode(CoseSign1.parse(first).payload()).seq());
        });
        device.produce(400);
        assertThat(device.undelivered()).isEqualTo(400);
        uplink = startUplink(options());
        device.produce(100);
        awaitAllDelivered();

        CollectorReport r = awaitCollected(500);
        assertThat(r.missing()).isZero();
        assertThat(r.badSignature()).isZero();
        assertThat(r.brokenLink()).isZero();
        assertThat(r.received()).isEqualTo(r.unique() + r.duplicates());
        assertThat(uplink.stats().recordsDelivered()).isEqualTo(500);
        Await.until(Duration.ofSeconds(10), () -> "watcher saw " + firstSeqs, () -> firstSeqs.size() >= 10);
        assertThat(firstSeqs).isSorted().doesNotHaveDuplicates();
        watcher.disconnect();
        watcher.close();
    }

    @Test
    void brokerRestartAndOutageMidStreamLoseNothing() throws Exception {
        int total = Integer.getInteger("certigate.uplink.records", 3000);
        broker = MosquittoBroker.start(dir.resolve("broker"));
        startCollector();
        uplink = startUplink(options());
        int chunk = Math.max(100, total / 10);
        int produced = 0;
        for (int round = 0; produced < total; round++) {
            int n = Math.min(chunk, total - produced);
            long before = uplink.stats().recordsDelivered(); // before producing: the uplink may deliver them at once
            device.produce(n);
            produced += n;
            if (round == 2 || round == 5) {
                Await.until(LONG, () -> "uplink delivering", () -> uplink.stats().recordsDelivered() > before);
            }
            if (round == 2) {
                broker.restart(); // mid-stream, batches in flight
            } else if (round == 5) {
                broker.stop(); // cut for a while: the gateway keeps buffering
                int m = Math.min(chunk, total - produced);
                device.produce(m);
                produced += m;
                Thread.sleep(1500);
                assertThat(device.undelivered()).isPositive();
                broker.restart();
            }
        }
        awaitAllDelivered();
        CollectorReport r = awaitCollected(total);
        assertThat(subscriber.sessionsLost()).as("the broker kept the collector's persistent session").isZero();
        assertThat(r.unique()).isEqualTo(total);
        assertThat(r.missing()).isZero();
        assertThat(r.badSignature()).isZero();
        assertThat(r.brokenLink()).isZero();
        assertThat(r.conflicts()).isZero();
        assertThat(r.received()).isEqualTo(r.unique() + r.duplicates());
        assertThat(uplink.connects()).isGreaterThanOrEqualTo(3);
        io.certigate.uplink.UplinkHealth h = uplink.health();
        assertThat(h.connected()).isTrue();
        assertThat(h.recordsDelivered()).isEqualTo(uplink.stats().recordsDelivered()).isGreaterThanOrEqualTo(total);
        assertThat(h.reconnects()).as("a restart and an outage").isGreaterThanOrEqualTo(2);
        assertThat(h.lastProblem()).isIn(io.certigate.uplink.UplinkHealth.Problem.LOST,
                io.certigate.uplink.UplinkHealth.Problem.UNREACHABLE);
        assertThat(h.lastProblemMillis()).isPositive();
        System.out.println("broker faults, " + total + " records: " + r.line() + " uplink " + uplink.stats());
    }

    @Test
    void gatewayRestartResendsWhatWasNotMarkedAndCollectorCountsDuplicates() throws Exception {
        broker = MosquittoBroker.start(dir.resolve("broker"));
        startCollector();
        device.produce(300);
        // a copy of the buffer before delivery stands for a gateway that crashed after the PUBACKs
        // but before its delivery marks reached the disk
        device.restart();
        Path snapshot = dir.resolve("snapshot.db");
        Files.copy(device.bufferFile(), snapshot);
        uplink = startUplink(options());
        awaitAllDelivered();
        awaitCollected(300);
        uplink.close();
        device.close();
        Files.copy(snapshot, device.bufferFile(), StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(Path.of(device.bufferFile() + "-wal"));
        Files.deleteIfExists(Path.of(device.bufferFile() + "-shm"));
        device = reopen();
        uplink = startUplink(options());
        device.produce(200);
        awaitAllDelivered();
        CollectorReport r = awaitCollected(500);
        Await.until(LONG, () -> "duplicates " + report().duplicates(), () -> report().duplicates() >= 300);
        r = report();
        assertThat(r.unique()).isEqualTo(500);
        assertThat(r.duplicates()).isEqualTo(300);
        assertThat(r.missing()).isZero();
        assertThat(r.conflicts()).isZero();
        assertThat(r.received()).isEqualTo(800);
    }

    private TestDevice reopen() throws Exception {
        return TestDevice.reopen(dir, "dev-1", device.key());
    }

    @Test
    void batchesAreCutToTheBrokersMaximumPacketSize() throws Exception {
        broker = MosquittoBroker.in(dir.resolve("broker")).maxPacketSize(2048).start();
        startCollector();
        uplink = startUplink(options().withBatching(100, 16, 2048));
        device.produce(600);
        awaitAllDelivered();
        CollectorReport r = awaitCollected(600);
        assertThat(r.missing()).isZero();
        assertThat(uplink.connects()).as("a packet over the limit makes Mosquitto drop the client").isEqualTo(1);
        assertThat(uplink.stats().batchesSent()).isGreaterThan(600 / 100 * 5);
        // and the limit is real: a plain client publishing one packet over it is disconnected
        MqttClient plain = new MqttClient(broker.url(), "oversize", new MemoryPersistence());
        plain.connect(new MqttConnectOptions());
        plain.setTimeToWait(5000);
        assertThatThrownBy(() -> plain.publish(UplinkTopics.READINGS.topic("other"), new byte[4096], 1, false))
                .isInstanceOf(org.eclipse.paho.client.mqttv3.MqttException.class);
        plain.close(true);
    }
}
