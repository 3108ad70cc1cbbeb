package io.certigate.fleet.collector;

import io.certigate.core.io.LogText;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.fleet.mqtt.PersistentSubscription;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.mqtt.TlsSettings;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * The reference collector's MQTT side: a persistent session (clean session off, fixed client id,
 * {@link PersistentSubscription}) subscribed at QoS 1 to every device's readings and status, so the
 * broker queues what arrives while the collector is away. Each message is stored by
 * {@link RecordCollector} before Paho acknowledges it, so a record the collector acknowledged is in
 * its database.
 *
 * <p>The broker must keep a persistent session's queue across its own restarts (Mosquitto:
 * {@code persistence true}) and must not cap it below the backlog ({@code max_queued_messages});
 * otherwise a record the broker acknowledged to the gateway can be lost before the collector gets
 * it, which the collector reports as missing. How the session is kept (a fresh client per connect
 * attempt, one retry chain, MQTT 3.1.1 pinned) is {@link PersistentSubscription}'s.
 *
 * <p>The collector authenticates to the broker with a user name and password, with a client
 * certificate (mutual TLS, {@link TlsSettings} with a client key store), or both, so that the
 * broker can refuse anonymous clients and give the collector alone read access to every device's
 * topic. A refused login is counted ({@link #refusedLogins()}) and retried with the back-off.
 * Topics are logged through {@link LogText#escape}: they are chosen by whoever publishes.
 */
public final class MqttCollector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttCollector.class.getName());

    private final RecordCollector collector;
    private final PersistentSubscription subscription;
    private final AtomicLong messages = new AtomicLong();

    public MqttCollector(RecordCollector collector, BrokerOptions options, ScheduledExecutorService scheduler,
            RandomGenerator random) {
        this.collector = collector;
        this.subscription = new PersistentSubscription("collector", options,
                List.of(UplinkTopics.STATUS.allDevices(), UplinkTopics.READINGS.allDevices()), false, this::accept,
                scheduler, random);
    }

    public MqttCollector start() throws UplinkException {
        subscription.start();
        return this;
    }

    /** True once subscribed on the current connection. */
    public boolean subscribed() {
        return subscription.subscribed();
    }

    public long messages() {
        return messages.get();
    }

    /**
     * Reconnects on which the broker no longer had this collector's persistent session (CONNACK
     * session-present off): messages queued for it in between are gone and are reported as
     * missing. Zero against a broker that keeps sessions across its restarts.
     */
    public int sessionsLost() {
        return subscription.sessionsLost();
    }

    /**
     * Connect attempts the broker refused for the collector's credentials (MQTT 3.1.1 CONNACK return
     * code 4, bad user name or password, or 5, not authorized).
     */
    public int refusedLogins() {
        return subscription.refusedLogins();
    }

    /** The last connect or subscribe failure, or null while none happened since the last subscription. */
    public String lastError() {
        return subscription.lastError();
    }

    @Override
    public void close() {
        subscription.close();
    }

    /** Paho acknowledges the message when this returns: after the collector stored it. */
    private void accept(PersistentSubscription.Connection connection, String topic, MqttMessage message)
            throws SQLException {
        messages.incrementAndGet();
        String device = UplinkTopics.READINGS.deviceOf(topic);
        if (device != null) {
            collector.acceptBatch(device, message.getPayload());
            return;
        }
        device = UplinkTopics.STATUS.deviceOf(topic);
        if (device != null && message.getPayload().length > 0) {
            collector.acceptStatus(device, message.getPayload());
        } else if (device == null) {
            LOG.log(System.Logger.Level.DEBUG, "collector: message on unexpected topic {0} ignored",
                    LogText.escape(topic));
        }
    }
}
