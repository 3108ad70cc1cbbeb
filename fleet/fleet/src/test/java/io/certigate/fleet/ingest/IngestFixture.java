package io.certigate.fleet.ingest;

import io.certigate.fleet.topics.FleetTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * What the ingest's component tests share: Kafka's in-process test cluster (one controller, one
 * broker, so the broker can be stopped and started again), the fleet topics, a reader of what a
 * topic holds, and a plain MQTT publisher standing for the gateways.
 */
final class IngestFixture {
    static final int RECORD_PARTITIONS = 4;

    private IngestFixture() {
    }

    /** A started cluster with {@link FleetTopics#RECORDS} ({@value #RECORD_PARTITIONS} partitions) and the findings topic. */
    static KafkaClusterTestKit kafka() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false).setNumControllerNodes(1).setNumBrokerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(FleetTopics.RECORDS, RECORD_PARTITIONS, (short) 1),
                        new NewTopic(FleetTopics.FINDINGS, 2, (short) 1),
                        new NewTopic(FleetTopics.STATEMENTS, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** Every record {@code topic} holds now, read from the start of each partition (no consumer group). */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(10));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end " + end);
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A gateway's view: a plain MQTT 3.1.1 client publishing at QoS 1 (each publish waits for the broker's PUBACK). */
    static final class Publisher implements AutoCloseable {
        private final MqttClient client;

        Publisher(String url, String user, String password) throws MqttException {
            client = new MqttClient(url, "gateway-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            // a publish returns on its PUBACK, a moment before Paho frees its in-flight slot
            o.setMaxInflight(1000);
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.toCharArray());
            }
            client.connect(o);
        }

        Publisher(String url) throws MqttException {
            this(url, null, null);
        }

        void publish(String topic, byte[] payload) throws MqttException {
            client.publish(topic, payload, 1, false);
        }

        void publish(String topic, String payload) throws MqttException {
            publish(topic, payload.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws MqttException {
            client.disconnect();
            client.close();
        }
    }
}
