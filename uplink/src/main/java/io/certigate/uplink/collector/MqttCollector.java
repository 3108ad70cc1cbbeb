package io.certigate.uplink.collector;

import io.certigate.uplink.Backoff;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.mqtt.TlsSettings;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The reference collector's MQTT side: a persistent session (clean session off, fixed client id)
 * subscribed at QoS 1 to every device's readings and status, so the broker queues what arrives
 * while the collector is away. Each message is stored by {@link RecordCollector} before Paho
 * acknowledges it, so a record the collector acknowledged is in its database.
 *
 * <p>The broker must keep a persistent session's queue across its own restarts (Mosquitto:
 * {@code persistence true}) and must not cap it below the backlog ({@code max_queued_messages});
 * otherwise a record the broker acknowledged to the gateway can be lost before the collector gets
 * it, which the collector reports as missing.
 */
public final class MqttCollector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttCollector.class.getName());

    /**
     * @param serverUri  {@code tcp://} or {@code ssl://} broker URI
     * @param clientId   the persistent session's client id
     * @param tls        TLS settings for {@code ssl://}, or null
     * @param reconnect  delay between connect attempts
     */
    public record Options(String serverUri, String clientId, TlsSettings tls, Backoff reconnect) {
        public static Options defaults(String serverUri) {
            return new Options(serverUri, "certigate-collector", null,
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)));
        }

        public Options withClientId(String id) {
            return new Options(serverUri, id, tls, reconnect);
        }

        public Options withTls(TlsSettings t) {
            return new Options(serverUri, clientId, t, reconnect);
        }
    }

    private final RecordCollector collector;
    private final Options options;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicLong messages = new AtomicLong();
    private volatile MqttAsyncClient client;
    private volatile boolean closed;
    private volatile boolean subscribed;

    public MqttCollector(RecordCollector collector, Options options, ScheduledExecutorService scheduler,
            RandomGenerator random) {
        this.collector = collector;
        this.options = options;
        this.scheduler = scheduler;
        this.random = random;
    }

    public synchronized MqttCollector start() throws UplinkException {
        try {
            client = new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new UplinkException("cannot create an MQTT client for " + options.serverUri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
        schedule(0);
        return this;
    }

    /** True once subscribed on the current connection. */
    public boolean subscribed() {
        return subscribed;
    }

    public long messages() {
        return messages.get();
    }

    private void schedule(long delayMs) {
        try {
            scheduler.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler shut down; collector not reconnecting");
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        if (client.isConnected()) {
            // a second retry chain met a connection another one made: just make sure we are subscribed
            if (!subscribed) {
                subscribe();
            }
            return;
        }
        try {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(false);
            o.setAutomaticReconnect(false);
            o.setMaxInflight(100);
            o.setKeepAliveInterval(30);
            if (options.tls() != null) {
                o.setSocketFactory(options.tls().socketFactory());
            }
            client.connect(o, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    subscribe();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    retry("cannot connect", e);
                }
            });
        } catch (MqttException | GeneralSecurityException | RuntimeException e) {
            retry("cannot connect", e);
        }
    }

    private void subscribe() {
        try {
            String[] filters = {UplinkTopics.STATUS.allDevices(), UplinkTopics.READINGS.allDevices()};
            client.subscribe(filters, new int[] {1, 1}, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    attempts.set(0);
                    subscribed = true;
                    LOG.log(System.Logger.Level.INFO, "collector subscribed at {0}", options.serverUri());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    retry("subscription refused", e);
                }
            });
        } catch (MqttException e) {
            retry("cannot subscribe", e);
        }
    }

    private void retry(String what, Throwable e) {
        subscribed = false;
        if (closed) {
            return;
        }
        int n = attempts.incrementAndGet();
        if (n == 1) {
            LOG.log(System.Logger.Level.WARNING, "collector {0} to {1}: {2}; retrying", what, options.serverUri(),
                    String.valueOf(e));
        }
        schedule(options.reconnect().delayMillis(n, random));
    }

    @Override
    public void close() {
        closed = true;
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnect(1000).waitForCompletion(2000);
            }
            c.close(true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "collector disconnect: {0}", e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            retry("lost its connection", cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws SQLException {
            messages.incrementAndGet();
            String device = UplinkTopics.READINGS.deviceOf(topic);
            if (device != null) {
                collector.acceptBatch(device, message.getPayload());
                return;
            }
            device = UplinkTopics.STATUS.deviceOf(topic);
            if (device != null && message.getPayload().length > 0) {
                collector.acceptStatus(device, message.getPayload());
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // the collector publishes nothing
        }
    }
}
