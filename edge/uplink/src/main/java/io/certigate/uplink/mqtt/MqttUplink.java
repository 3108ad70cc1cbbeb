package io.certigate.uplink.mqtt;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.uplink.BatchTransport;
import io.certigate.uplink.DeliveryCursor;
import io.certigate.uplink.ForwardingPump;
import io.certigate.uplink.ProofPublisher;
import io.certigate.uplink.RecordBatch;
import io.certigate.uplink.RecordFilter;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.UplinkHealth;
import io.certigate.uplink.UplinkTopics;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Store-and-forward MQTT uplink of one device (Paho MQTT 3.1.1 client, QoS 1). Batches of records
 * go to {@code certigate/v1/<device>/readings} in seq order; a record is marked delivered in the
 * buffer only once the broker's PUBACK for its batch arrived (see {@link ForwardingPump}). A birth
 * status (retained) is published on every connect and a last will registered; a clean close
 * publishes an offline status.
 *
 * <p>This class is the publishing side (batches, status messages, proofs, each completed on its
 * PUBACK); the connection side ({@link MqttConnection}) keeps Paho's persistence in memory and its
 * automatic reconnect off: the buffer holds the truth, and it reconnects with a jittered
 * exponential backoff on the given scheduler. A refused login or a failed TLS handshake is logged
 * once as a clear error; the sequencer keeps committing readings meanwhile and they are sent when
 * the broker lets the device in.
 */
public final class MqttUplink implements ProofPublisher, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttUplink.class.getName());
    static final int QOS = 1;

    /** Where the connection stands. */
    public enum State { NEW, CONNECTING, CONNECTED, WAITING, REFUSED, CLOSED }

    private final RecordBuffer buffer;
    private final String device;
    private final List<X509Certificate> deviceChain;
    private final MqttUplinkOptions options;
    private final Clock clock;
    private final ForwardingPump pump;
    private final MqttConnection connection;
    private final String readingsTopic;
    private final String statusTopic;
    private final String proofsTopic;
    private final List<Subscription> subscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> sessionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    /** Forwarding routes: topic to its pump, in the order added. */
    private final java.util.Map<String, ForwardingPump> routes = new java.util.concurrent.ConcurrentSkipListMap<>();

    private record Subscription(String topic, java.util.function.BiConsumer<String, byte[]> handler) {}

    /**
     * @param deviceChain the device certificate chain announced in status messages (may be empty)
     * @param scheduler   runs the pump's tasks and the connect attempts, and times the backoffs
     */
    public MqttUplink(RecordBuffer buffer, List<X509Certificate> deviceChain, MqttUplinkOptions options, Clock clock,
            ScheduledExecutorService scheduler, RandomGenerator random) {
        if (options.serverUri().startsWith("ssl://") && options.tls() == null) {
            throw new IllegalArgumentException("an ssl:// broker needs TLS settings (trusted CA certificates)");
        }
        this.buffer = buffer;
        this.device = buffer.deviceId();
        this.deviceChain = List.copyOf(deviceChain);
        this.options = options;
        this.clock = clock;
        this.readingsTopic = UplinkTopics.READINGS.topic(device);
        this.statusTopic = UplinkTopics.STATUS.topic(device);
        this.proofsTopic = UplinkTopics.PROOFS.topic(device);
        this.scheduler = scheduler;
        this.random = random;
        this.pump = new ForwardingPump(buffer, new Transport(readingsTopic),
                new ForwardingPump.Options(options.recordsPerBatch(), options.window(), options.reconnect()),
                clock, scheduler, random);
        this.connection = new MqttConnection(device, options, clock, scheduler, random, statusTopic,
                () -> status(StatusMessage.State.LOST).encode(), new MqttConnection.Listener() {
                    @Override
                    public void up(MqttAsyncClient client) {
                        try {
                            client.publish(statusTopic, status(StatusMessage.State.ONLINE).encode(), QOS, true);
                        } catch (MqttException e) {
                            LOG.log(System.Logger.Level.WARNING, "birth message of {0} not sent: {1}", device,
                                    e.getMessage());
                        }
                        pump.linkUp();
                        routes.values().forEach(ForwardingPump::linkUp);
                        for (Subscription sub : subscriptions) {
                            try {
                                client.subscribe(sub.topic(), QOS, (topic, m) -> sub.handler().accept(topic, m.getPayload()));
                            } catch (MqttException e) {
                                LOG.log(System.Logger.Level.WARNING, "subscription of {0} to {1} not made: {2}", device,
                                        sub.topic(), e.getMessage());
                            }
                        }
                        for (Runnable r : sessionListeners) {
                            r.run();
                        }
                    }

                    @Override
                    public void down() {
                        pump.linkDown();
                        routes.values().forEach(ForwardingPump::linkDown);
                    }
                });
    }

    /** Starts connecting; returns at once. */
    public MqttUplink start() throws UplinkException {
        connection.start();
        return this;
    }

    /** For {@code Sequencer.addCommitListener}: wakes the main pump and every route's. */
    public LongConsumer commitListener() {
        return seq -> {
            pump.onCommit(seq);
            for (ForwardingPump p : routes.values()) {
                p.onCommit(seq);
            }
        };
    }

    /**
     * Adds a forwarding route on this connection: a pump of its own that publishes to
     * {@code topic} (QoS 1) the records after {@code cursor}, those {@code filter} covers as their
     * signed bytes and the others as hash-only items, and moves {@code cursor} on each PUBACK. Its
     * batches have the main uplink's size and window. Call before {@link #start()}.
     *
     * @throws IllegalArgumentException when {@code topic} is a certigate topic or already routed
     */
    public MqttUplink route(String topic, DeliveryCursor cursor, RecordFilter filter) {
        if (topic.startsWith(UplinkTopics.PREFIX) || topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
            throw new IllegalArgumentException("route topic '" + topic + "' must be a topic name of its own, "
                    + "without wildcards and outside " + UplinkTopics.PREFIX);
        }
        ForwardingPump p = new ForwardingPump(buffer, cursor, filter, new Transport(topic),
                new ForwardingPump.Options(options.recordsPerBatch(), options.window(), options.reconnect()),
                clock, scheduler, random);
        if (routes.putIfAbsent(topic, p) != null) {
            p.close();
            throw new IllegalArgumentException("route topic '" + topic + "' is routed twice");
        }
        return this;
    }

    /** Each route's pump figures, by topic. */
    public java.util.Map<String, ForwardingPump.Stats> routeStats() {
        java.util.Map<String, ForwardingPump.Stats> out = new java.util.TreeMap<>();
        routes.forEach((t, p) -> out.put(t, p.stats()));
        return out;
    }

    public State state() {
        return connection.state();
    }

    /** The last connection error, or null. */
    public String lastError() {
        return connection.lastError();
    }

    public ForwardingPump.Stats stats() {
        return pump.stats();
    }

    /** Clock time (epoch ms) of the last successful connect, 0 before the first. */
    public long connectedAtMillis() {
        return connection.connectedAtMillis();
    }

    /** {@link System#nanoTime()} at the last successful connect, for measuring elapsed time; 0 before the first. */
    public long connectedAtNanos() {
        return connection.connectedAtNanos();
    }

    /**
     * Called with the buffer's delivery watermark after each transaction that marked records
     * delivered, from the marking task; must not block. See {@link ForwardingPump#onDelivered}.
     */
    public MqttUplink onDelivered(LongConsumer listener) {
        pump.onDelivered(listener);
        return this;
    }

    /** Connection state, delivered records, reconnect attempts and the last problem, for operators. */
    public UplinkHealth health() {
        return connection.health(pump.stats().recordsDelivered());
    }

    /** Successful connects so far (1 + reconnects). */
    public long connects() {
        return connection.connects();
    }

    /**
     * Subscribes to {@code topic} (QoS 1) on every session from the next connect on (the session is
     * clean: the subscription is made again after each reconnect); {@code handler} gets the topic and
     * payload on the client's callback thread and must not block. Call before {@link #start()}.
     */
    public MqttUplink subscribe(String topic, java.util.function.BiConsumer<String, byte[]> handler) {
        subscriptions.add(new Subscription(topic, handler));
        return this;
    }

    /** Runs {@code listener} after each connect (and the subscriptions), on the connecting thread; must not block. */
    public MqttUplink onSession(Runnable listener) {
        sessionListeners.add(listener);
        return this;
    }

    /** Publishes {@code payload} on {@code topic}, QoS 1, not retained; fails at once when not connected. */
    public CompletableFuture<Void> publish(String topic, byte[] payload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        MqttAsyncClient c = connection.connectedClient();
        if (c == null) {
            done.completeExceptionally(new UplinkException("MQTT uplink of " + device + " is not connected"));
            return done;
        }
        try {
            c.publish(topic, payload, QOS, false, null, listener(failure -> {
                if (failure == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(failure);
                }
            }));
        } catch (MqttException e) {
            done.completeExceptionally(new UplinkException("not published on " + topic + ": " + e.getMessage(), e));
        }
        return done;
    }

    /** Payload bytes a message may carry so that the whole PUBLISH packet fits the broker's limit. */
    static int maxPayload(int maxPacket, String topic) {
        // fixed header (1) + remaining length (up to 4) + topic (2 + n) + packet id (2)
        return maxPacket - 1 - 4 - 2 - topic.getBytes(StandardCharsets.UTF_8).length - 2;
    }

    private StatusMessage status(StatusMessage.State s) {
        return new StatusMessage(device, s, buffer.head().seq(), clock.millis(), deviceChain);
    }

    @Override
    public CompletableFuture<Void> publishProof(byte[] proofJson) {
        return publish(proofsTopic, proofJson);
    }

    private static IMqttActionListener listener(Consumer<Throwable> done) {
        return new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                done.accept(null);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                done.accept(e == null ? new UplinkException("publish failed") : e);
            }
        };
    }

    /** Publishes a clean-shutdown status, disconnects and stops reconnecting. */
    @Override
    public void close() {
        State before = connection.closing();
        pump.close();
        routes.values().forEach(ForwardingPump::close);
        connection.disconnect(before, c -> c.publish(statusTopic, status(StatusMessage.State.OFFLINE).encode(), QOS, true)
                .waitForCompletion(2000));
    }

    private final class Transport implements BatchTransport {
        private final String topic;

        Transport(String topic) {
            this.topic = topic;
        }

        @Override
        public int maxPayloadBytes() {
            return maxPayload(options.maxPacketBytes(), topic);
        }

        @Override
        public void send(RecordBatch batch, Consumer<Throwable> done) throws UplinkException {
            MqttAsyncClient c = connection.connectedClient();
            if (c == null) {
                throw new UplinkException("not connected");
            }
            try {
                c.publish(topic, batch.payload(), QOS, false, null, listener(done));
            } catch (MqttException e) {
                throw new UplinkException("publish of " + batch + " refused: " + e.getMessage(), e);
            }
        }
    }
}
