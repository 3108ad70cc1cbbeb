package io.certigate.fleet.ingest;

import io.certigate.core.io.LogText;
import io.certigate.fleet.mqtt.PersistentSubscription;
import io.certigate.fleet.mqtt.PersistentSubscription.Connection;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.uplink.UplinkException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * The fleet ingest: MQTT to Kafka, nothing lost in between. One instance holds a persistent MQTT
 * session (its own client id, clean session off) with shared subscriptions
 * {@code $share/<group>/certigate/v1/+/readings} and {@code .../status} at QoS 1, so that the
 * instances of a group split the gateways' messages and the broker keeps an instance's messages
 * while it is away. Every message becomes one Kafka record on {@link FleetTopics#RECORDS}: key the
 * device id of the topic, value the payload unchanged, headers {@link FleetTopics#HEADER_KIND} and
 * {@link FleetTopics#HEADER_RECEIVED} (this instance's {@link Clock}). The producer is idempotent
 * with {@code acks=all}.
 *
 * <p><b>Acknowledgements.</b> Paho's automatic PUBACK is off: a message is acknowledged to the broker
 * only from the produce callback, once Kafka acknowledged its record, and in the order the messages
 * arrived on the connection ({@link AckWindow}). MQTT 3.1.1 has no negative acknowledgement and a
 * broker sends an unacknowledged message again only when the session reconnects (§4.4); a message
 * left unacknowledged on a live connection would also hold one of the broker's in-flight slots for
 * good. So when a produce fails the connection is dropped at once without acknowledging anything
 * more ({@link Connection#abandon}), and the session reconnects after the back-off: the broker sends
 * every unacknowledged message again, in order. Those Kafka already had arrive twice; the
 * verification drops duplicates by (device, seq).
 *
 * <p><b>Refused messages.</b> A topic whose device id is empty, longer than
 * {@link FleetTopics#MAX_DEVICE_ID_BYTES} or with control characters, and a payload over
 * {@link IngestSettings#maxPayloadBytes()} (or one Kafka refuses as too large), are not forwarded: a
 * {@link Finding} ({@link FindingType#MALFORMED} keyed by {@link #NO_DEVICE}, or
 * {@link FindingType#OVERSIZED} keyed by the device) goes to {@link FleetTopics#FINDINGS}, and the
 * message is acknowledged once Kafka has the finding. The ingest never stops for them.
 *
 * <p><b>Memory.</b> At most {@link IngestSettings#maxInFlight()} messages are held between arrival and
 * acknowledgement; beyond it Paho's callback thread waits, Paho stops reading the socket and the
 * broker keeps the rest queued. (Paho's own {@code maxInflight} bounds only what a client publishes.)
 */
public final class MqttKafkaIngest implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttKafkaIngest.class.getName());
    /** The key and device of a finding about a topic that names no valid device id: no valid id is empty. */
    public static final String NO_DEVICE = "";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final IngestSettings settings;
    private final Clock clock;
    private final Producer<byte[], byte[]> producer;
    private final PersistentSubscription subscription;
    private final IngestMetrics metrics = new IngestMetrics();
    private final Map<Connection, AckWindow> windows = new ConcurrentHashMap<>();
    private final Object permits = new Object();
    /** Messages held between arrival and acknowledgement; guarded by {@link #permits}. */
    private int held;
    private volatile boolean closing;

    /**
     * @param clock     the time written in {@link FleetTopics#HEADER_RECEIVED} and in findings
     * @param scheduler runs the MQTT session's connect attempts and reconnect back-off
     * @param random    the back-off's jitter
     * @throws IllegalArgumentException when Kafka's producer refuses the settings
     */
    public MqttKafkaIngest(IngestSettings settings, Clock clock, ScheduledExecutorService scheduler,
            RandomGenerator random) {
        this.settings = settings;
        this.clock = clock;
        try {
            this.producer = new KafkaProducer<>(settings.producerProperties());
        } catch (KafkaException e) {
            throw new IllegalArgumentException("the Kafka producer refuses the ingest's settings: " + e.getMessage(), e);
        }
        this.subscription = new PersistentSubscription("ingest", settings.broker(), IngestTopic.filters(settings.group()),
                true, new Receiver(), scheduler, random);
    }

    /** Starts the MQTT session; returns at once (connecting happens on the scheduler). */
    public MqttKafkaIngest start() throws UplinkException {
        subscription.start();
        return this;
    }

    public IngestSettings settings() {
        return settings;
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    /** True once subscribed on the current connection. */
    public boolean subscribed() {
        return subscription.subscribed();
    }

    /** Connections that reached the subscription (the first one included). */
    public int connections() {
        return subscription.connections();
    }

    /** Connect attempts the broker refused for the login (CONNACK return code 4 or 5). */
    public int refusedLogins() {
        return subscription.refusedLogins();
    }

    /** Reconnects on which the broker had lost this instance's session (and what it queued). */
    public int sessionsLost() {
        return subscription.sessionsLost();
    }

    /** The last connect or subscribe failure, or null while none happened since the last subscription. */
    public String lastError() {
        return subscription.lastError();
    }

    /**
     * Stops taking messages, gives Kafka up to 10 s for the records sent (each acknowledged to the
     * broker as Kafka acknowledges it), then disconnects. What is not acknowledged by then stays in
     * the instance's session at the broker and comes again on the next start.
     */
    @Override
    public void close() {
        closing = true;
        synchronized (permits) {
            permits.notifyAll(); // a callback thread waiting for room gives up its message
        }
        producer.close(CLOSE_TIMEOUT);
        subscription.close();
        LOG.log(System.Logger.Level.INFO, "ingest {0} closed: {1}", settings.broker().clientId(), metrics);
    }

    private final class Receiver implements PersistentSubscription.Receiver {
        @Override
        public void messageArrived(Connection connection, String topic, MqttMessage message) {
            metrics.countReceived();
            try {
                if (!hold(connection)) {
                    return; // not acknowledged: the broker sends it again on the next connection
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            AckWindow window = windows.computeIfAbsent(connection, c -> new AckWindow(settings.maxInFlight()));
            long slot = window.add(message.getId(), message.getQos());
            if (slot < 0) {
                release(1);
                return;
            }
            if (connection.ended()) { // it ended while the window was made: whoever removes it releases it
                connectionEnded(connection);
                return;
            }
            accept(connection, window, slot, topic, message.getPayload());
        }

        @Override
        public void connectionEnded(Connection connection) {
            AckWindow w = windows.remove(connection);
            release(w == null ? 0 : w.close());
        }
    }

    private void accept(Connection connection, AckWindow window, long slot, String topic, byte[] payload) {
        long receivedMs = clock.millis();
        IngestTopic t = IngestTopic.of(topic);
        if (!t.valid()) {
            metrics.countRefused(IngestMetrics.Refusal.INVALID_DEVICE_ID);
            LOG.log(System.Logger.Level.DEBUG, "ingest: topic {0} {1}", LogText.escape(topic), t.problem());
            sendFinding(connection, window, slot, Finding.of(NO_DEVICE, 0, FindingType.MALFORMED, "MQTT topic "
                    + LogText.escape(topic) + " " + t.problem() + "; its " + payload.length + "-byte payload was not"
                    + " forwarded", receivedMs));
            return;
        }
        if (payload.length > settings.maxPayloadBytes()) {
            metrics.countRefused(IngestMetrics.Refusal.OVERSIZED);
            sendFinding(connection, window, slot, Finding.of(t.device(), 0, FindingType.OVERSIZED, "a " + t.kind()
                    + " payload of " + payload.length + " bytes is over the ingest's limit of "
                    + settings.maxPayloadBytes() + " bytes and was not forwarded", receivedMs));
            return;
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetTopics.HEADER_KIND, t.kind().getBytes(StandardCharsets.UTF_8));
        headers.add(FleetTopics.HEADER_RECEIVED, FleetTopics.epochMs(receivedMs));
        if (FleetTopics.KIND_STATUS.equals(t.kind())) {
            // a status goes to the verification and, for the anchor role that checks every device's batch
            // statements, next to the statements too; the MQTT message is acknowledged once Kafka has both
            AtomicInteger unacked = new AtomicInteger(2);
            Runnable both = () -> {
                if (unacked.decrementAndGet() == 0) {
                    done(connection, window, slot);
                }
            };
            send(connection, window, slot, new ProducerRecord<>(FleetTopics.RECORDS, null, FleetTopics.key(t.device()),
                    payload, headers), t, receivedMs, both);
            send(connection, window, slot, new ProducerRecord<>(FleetTopics.STATEMENTS, null,
                    FleetTopics.key(t.device()), payload, headers), t, receivedMs, both);
            return;
        }
        String to = FleetTopics.KIND_STATEMENT.equals(t.kind()) ? FleetTopics.STATEMENTS : FleetTopics.RECORDS;
        send(connection, window, slot, new ProducerRecord<>(to, null, FleetTopics.key(t.device()),
                payload, headers), t, receivedMs, () -> done(connection, window, slot));
    }

    private void sendFinding(Connection connection, AckWindow window, long slot, Finding finding) {
        send(connection, window, slot, new ProducerRecord<>(FleetTopics.FINDINGS, FleetTopics.key(finding.device()),
                finding.encode()), null, finding.atMs(), () -> done(connection, window, slot));
    }

    /**
     * @param forwarded the topic of a forwarded message; null for a finding
     * @param acked     run once Kafka acknowledged the record
     */
    private void send(Connection connection, AckWindow window, long slot, ProducerRecord<byte[], byte[]> record,
            IngestTopic forwarded, long receivedMs, Runnable acked) {
        long start = System.nanoTime();
        try {
            boolean copy = isStatusCopy(record); // counted once, with the status sent to the records topic
            producer.send(record, (metadata, e) -> {
                if (!copy) {
                    metrics.recordProduceLatency(System.nanoTime() - start);
                }
                if (e == null) {
                    if (forwarded != null) {
                        if (!copy) {
                            metrics.countForwarded();
                        }
                    } else {
                        metrics.countFinding();
                    }
                    acked.run();
                } else if (forwarded != null && e instanceof RecordTooLargeException) {
                    // Kafka will never take it: sending it again would loop; reported like an oversized payload
                    metrics.countRefused(IngestMetrics.Refusal.OVERSIZED);
                    sendFinding(connection, window, slot, Finding.of(forwarded.device(), 0, FindingType.OVERSIZED,
                            "Kafka refused a " + forwarded.kind() + " payload of " + record.value().length
                                    + " bytes as too large: " + e.getMessage(), receivedMs));
                } else {
                    failed(connection, "Kafka did not acknowledge a record for " + record.topic() + ": " + e);
                }
            });
        } catch (KafkaException | IllegalStateException e) { // no metadata or buffer within max.block.ms, closed
            failed(connection, "Kafka refused a record for " + record.topic() + " at send: " + e);
        }
    }

    /** Whether {@code record} is the copy of a status message sent next to the batch statements. */
    private static boolean isStatusCopy(ProducerRecord<byte[], byte[]> record) {
        return FleetTopics.STATEMENTS.equals(record.topic()) && record.headers().lastHeader(FleetTopics.HEADER_KIND) != null
                && FleetTopics.KIND_STATUS.equals(new String(record.headers().lastHeader(FleetTopics.HEADER_KIND).value(),
                        StandardCharsets.UTF_8));
    }

    /** Kafka has the message of {@code slot}: sends the acknowledgements now due, in arrival order. */
    private void done(Connection connection, AckWindow window, long slot) {
        int due;
        synchronized (window) { // the PUBACKs leave in the order the window gives them
            List<AckWindow.Ack> acks = window.complete(slot);
            due = acks.size();
            int sent = 0;
            for (AckWindow.Ack a : acks) {
                if (connection.ack(a.messageId(), a.qos())) {
                    sent++;
                }
            }
            metrics.countAcknowledged(sent);
        }
        release(due);
    }

    private void failed(Connection connection, String why) {
        metrics.countProduceFailure();
        if (!connection.ended()) {
            metrics.countConnectionDropped();
        }
        connection.abandon(why); // idempotent; ends the connection, which releases its window
    }

    /** Waits for room for one more message; false when the connection ended or the ingest closes meanwhile. */
    private boolean hold(Connection connection) throws InterruptedException {
        synchronized (permits) {
            while (held >= settings.maxInFlight()) {
                if (closing || !connection.live()) {
                    return false;
                }
                // woken by a release; the timeout re-checks the connection: when Paho loses one it first waits
                // for this (its callback) thread to finish, and reports the loss only afterwards
                permits.wait(1000);
            }
            if (closing || connection.ended()) {
                return false;
            }
            held++;
            metrics.addInFlight(1);
            return true;
        }
    }

    private void release(int n) {
        synchronized (permits) {
            held -= n;
            metrics.addInFlight(-n);
            permits.notifyAll(); // also wakes a waiter whose connection just ended
        }
    }
}
