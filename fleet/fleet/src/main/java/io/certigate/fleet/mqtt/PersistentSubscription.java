package io.certigate.fleet.mqtt;

import io.certigate.uplink.UplinkException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * A persistent MQTT session (clean session off, a fixed client id) subscribed at QoS 1 to a set of
 * topic filters, kept connected by one retry chain: the broker queues what arrives while the
 * subscriber is away and, on the next connection, sends again every message it sent and never got
 * a PUBACK for (MQTT 3.1.1 §4.4, MQTT-4.4.0-1). Shared by the reference collector and the fleet
 * ingest.
 *
 * <p>The client must never send a second CONNECT on a live connection: Mosquitto (2.0) treats that
 * as a protocol error, drops the client and, in the same step, discards its persistent session with
 * every message queued or in flight for it. Paho 1.2.5 does send one after an attempt the broker
 * never answered, so every attempt uses a fresh Paho client (one {@link Connection}); attempts run
 * one at a time on a single retry chain (at most one scheduled, at most one connect or subscribe
 * outstanding), and the MQTT version is fixed (3.1.1) so that Paho does not retry on its own with
 * another one. Paho's automatic reconnect is off for the same reason; this chain reconnects and
 * subscribes again.
 *
 * <p>With {@code manualAcks} Paho sends no PUBACK by itself: the receiver acknowledges each message
 * through the {@link Connection} it came on ({@link Connection#ack}). Message ids belong to one
 * connection, so an acknowledgement is only ever sent on the client that received the message;
 * once that connection has ended nothing is sent and the broker redelivers on the next one. A
 * receiver that cannot take a message calls {@link Connection#abandon}: the connection is dropped
 * without acknowledging anything more, and the chain reconnects after the back-off.
 *
 * <p>A refused login (CONNACK return code 4 or 5) is counted ({@link #refusedLogins()}) and retried
 * with the back-off.
 */
public final class PersistentSubscription implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PersistentSubscription.class.getName());

    /** What receives the messages; called on Paho's callback thread of the connection. */
    public interface Receiver {
        /**
         * A message arrived on {@code connection}. Without manual acknowledgements Paho acknowledges
         * it when this returns normally; an exception drops the connection (the message is then
         * delivered again on the next one).
         */
        void messageArrived(Connection connection, String topic, MqttMessage message) throws Exception;

        /** {@code connection} ended (lost, abandoned or closed): nothing will be acknowledged on it any more. */
        default void connectionEnded(Connection connection) {
        }
    }

    /** One Paho client, used for one connect attempt and, when it succeeds, one connection. */
    public final class Connection {
        private final MqttAsyncClient client;
        private final int number;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Connection(MqttAsyncClient client, int number) {
            this.client = client;
            this.number = number;
        }

        /** 1 for the first connect attempt, then 2, 3…: tells connections apart in logs and tests. */
        public int number() {
            return number;
        }

        /** True once the connection was lost, abandoned or closed: acknowledgements are no longer sent. */
        public boolean ended() {
            return ended.get();
        }

        /** True while the connection is up and has not ended. */
        public boolean live() {
            return !ended.get() && client.isConnected();
        }

        /**
         * Sends the PUBACK of message {@code messageId} (manual acknowledgements, QoS 1) on this connection;
         * false when it cannot be sent because the connection ended (the broker then sends the
         * message again on the next connection). QoS 0 messages have nothing to acknowledge.
         */
        public boolean ack(int messageId, int qos) {
            if (qos == 0) {
                return true;
            }
            if (ended.get()) {
                return false;
            }
            try {
                client.messageArrivedComplete(messageId, qos);
                return true;
            } catch (MqttException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: acknowledgement of message {1} not sent: {2}", name, messageId,
                        e.getMessage());
                return false;
            }
        }

        /**
         * Drops this connection without acknowledging anything more (a message the receiver cannot
         * take): the broker keeps every unacknowledged message and sends it again, in order, when
         * the session reconnects after the back-off. Returns at once; the disconnect runs on the
         * scheduler. Idempotent.
         */
        public void abandon(String why) {
            if (!end()) {
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "{0}: dropping connection {1} to {2} without acknowledging: {3}", name,
                    number, options.serverUri(), why);
            if (client == current) {
                subscribed = false;
            }
            try {
                scheduler.execute(() -> {
                    disconnect(client);
                    if (client == current) {
                        retry("dropped its connection (" + why + ")", null);
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: scheduler shut down; not reconnecting", name);
            }
        }

        /** Marks the connection ended and tells the receiver, once; false when it had ended already. */
        private boolean end() {
            if (ended.compareAndSet(false, true)) {
                receiver.connectionEnded(this);
                return true;
            }
            return false;
        }
    }

    private final String name;
    private final BrokerOptions options;
    private final List<String> filters;
    private final boolean manualAcks;
    private final Receiver receiver;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    /** Failed attempts since the last subscription, for the back-off. */
    private final AtomicInteger attempts = new AtomicInteger();
    /** Paho clients made, numbering the {@link Connection}s. */
    private final AtomicInteger attemptsMade = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger sessionsLost = new AtomicInteger();
    private final AtomicInteger refusedLogins = new AtomicInteger();
    private volatile String lastError;
    private volatile boolean connectedBefore;
    private volatile Connection connection;
    /** The client of {@link #connection}, for identity checks in callbacks. */
    private volatile MqttAsyncClient current;
    private volatile boolean closed;
    private volatile boolean subscribed;
    /** A connect attempt is scheduled and has not run yet; guarded by {@code this}. */
    private boolean retryScheduled;
    /** A connect or subscribe is outstanding at Paho; guarded by {@code this}. */
    private boolean attemptOutstanding;
    /** {@link #connection} has made a connect attempt; touched by the retry chain only. */
    private boolean clientUsed;

    /**
     * @param name       what log lines call this subscriber ({@code collector}, {@code ingest})
     * @param filters    topic filters, each subscribed at QoS 1 (shared subscriptions {@code $share/G/...} included)
     * @param manualAcks true: the receiver acknowledges through {@link Connection#ack}; false: Paho
     *                   acknowledges when {@link Receiver#messageArrived} returns
     */
    public PersistentSubscription(String name, BrokerOptions options, List<String> filters, boolean manualAcks,
            Receiver receiver, ScheduledExecutorService scheduler, RandomGenerator random) {
        this.name = name;
        this.options = options;
        this.filters = List.copyOf(filters);
        this.manualAcks = manualAcks;
        this.receiver = receiver;
        this.scheduler = scheduler;
        this.random = random;
    }

    /** Creates the first client and schedules the first attempt; returns at once. */
    public synchronized PersistentSubscription start() throws UplinkException {
        try {
            setConnection(newConnection());
        } catch (MqttException e) {
            throw new UplinkException("cannot create an MQTT client for " + options.serverUri() + ": " + e.getMessage(), e);
        }
        retryScheduled = true;
        schedule(0);
        return this;
    }

    public BrokerOptions options() {
        return options;
    }

    /** True once subscribed on the current connection. */
    public boolean subscribed() {
        return subscribed;
    }

    /** Connections that reached the subscription (the first one included). */
    public int connections() {
        return connections.get();
    }

    /**
     * Reconnects on which the broker no longer had this session (CONNACK session-present off):
     * messages queued for it in between are gone. Zero against a broker that keeps sessions across
     * its restarts.
     */
    public int sessionsLost() {
        return sessionsLost.get();
    }

    /**
     * Connect attempts the broker refused for the credentials (MQTT 3.1.1 CONNACK return code 4,
     * bad user name or password, or 5, not authorized).
     */
    public int refusedLogins() {
        return refusedLogins.get();
    }

    /** The last connect or subscribe failure, or null while none happened since the last subscription. */
    public String lastError() {
        return lastError;
    }

    private Connection newConnection() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
        c.setManualAcks(manualAcks);
        Connection conn = new Connection(c, attemptsMade.incrementAndGet());
        c.setCallback(new Callback(conn));
        return conn;
    }

    private void setConnection(Connection c) {
        connection = c;
        current = c.client;
    }

    private void schedule(long delayMs) {
        try {
            scheduler.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: scheduler shut down; not reconnecting", name);
        }
    }

    /**
     * The one retry chain: at most one attempt is scheduled and at most one connect or subscribe is
     * outstanding at Paho, on a client that has not made an attempt before (see the class comment).
     */
    private void connect() {
        synchronized (this) {
            retryScheduled = false;
            if (closed || attemptOutstanding) {
                return; // the outstanding attempt's own outcome continues the chain
            }
            attemptOutstanding = true;
        }
        Connection conn = connection;
        if (conn.client.isConnected() && !conn.ended()) {
            if (subscribed) {
                attemptDone();
            } else {
                subscribe(conn);
            }
            return;
        }
        try {
            // a fresh Paho client for every attempt: Paho 1.2.5 can keep the CONNECT of an attempt the
            // broker never answered queued and send it again after the next CONNACK (a second CONNECT
            // on a live connection); no client-side session state is worth reusing
            if (clientUsed) {
                Connection fresh = newConnection();
                synchronized (this) {
                    if (closed) { // close() has taken the old client; the fresh one is not needed
                        attemptOutstanding = false;
                        closeQuietly(fresh.client);
                        return;
                    }
                    setConnection(fresh);
                }
                conn.end();
                closeQuietly(conn.client);
                conn = fresh;
            }
            clientUsed = true;
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(false);
            o.setAutomaticReconnect(false);
            // no silent fallback to MQTT 3.1: Paho's fallback is a second CONNECT attempt of its own
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setMaxInflight(100); // this client's own publishes only (it makes none)
            o.setKeepAliveInterval(30);
            if (options.username() != null) {
                o.setUserName(options.username());
                char[] pass = options.password();
                if (pass != null) {
                    o.setPassword(pass); // a copy: Paho keeps the array it is given
                }
            }
            if (options.tls() != null) {
                o.setSocketFactory(options.tls().socketFactory());
            }
            Connection c = conn;
            c.client.connect(o, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    if (connectedBefore && !token.getSessionPresent()) {
                        sessionsLost.incrementAndGet();
                        LOG.log(System.Logger.Level.WARNING, "{0}: the broker at {1} had no session for client {2}: "
                                + "what it queued while the client was away is lost", name, options.serverUri(),
                                options.clientId());
                    }
                    connectedBefore = true;
                    subscribe(c);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    if (e instanceof MqttException me
                            && (me.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                                    || me.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED)) {
                        refusedLogins.incrementAndGet();
                        failed("had its login refused (" + options.loginText() + "; check the credentials) by", e);
                        return;
                    }
                    failed("cannot connect", e);
                }
            });
        } catch (MqttException | GeneralSecurityException | RuntimeException e) {
            failed("cannot connect", e);
        }
    }

    /** Runs with {@link #attemptOutstanding} set; clears it on either outcome. */
    private void subscribe(Connection c) {
        try {
            int[] qos = new int[filters.size()];
            java.util.Arrays.fill(qos, 1);
            c.client.subscribe(filters.toArray(String[]::new), qos, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    if (!c.client.isConnected() || c.ended()) {
                        failed("lost its connection while subscribing", null);
                        return;
                    }
                    attempts.set(0);
                    lastError = null;
                    subscribed = true;
                    connections.incrementAndGet();
                    attemptDone();
                    LOG.log(System.Logger.Level.INFO, "{0} subscribed at {1} (connection {2})", name, options.serverUri(),
                            c.number);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    failed("subscription refused", e);
                }
            });
        } catch (MqttException | RuntimeException e) {
            failed("cannot subscribe", e);
        }
    }

    private void disconnect(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                // no quiescing: nothing more is to be acknowledged on this connection
                c.disconnectForcibly(0, 1000);
            }
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: disconnect: {1}", name, e.getMessage());
        }
    }

    private void closeQuietly(MqttAsyncClient c) {
        try {
            c.close(true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: closing the previous client: {1}", name, e.getMessage());
        }
    }

    private synchronized void attemptDone() {
        attemptOutstanding = false;
    }

    private void failed(String what, Throwable e) {
        attemptDone();
        retry(what, e);
    }

    private void retry(String what, Throwable e) {
        subscribed = false;
        lastError = what + (e == null ? "" : ": " + e);
        synchronized (this) {
            if (closed || retryScheduled) {
                return; // one chain only: a connection loss can be reported twice (lost, and the failed subscribe)
            }
            retryScheduled = true;
        }
        int n = attempts.incrementAndGet();
        if (n == 1) {
            LOG.log(System.Logger.Level.WARNING, "{0} {1} to {2}: {3}; retrying", name, what, options.serverUri(),
                    String.valueOf(e));
        }
        schedule(options.reconnect().delayMillis(n, random));
    }

    /**
     * Disconnects (waiting up to a second for acknowledgements already handed to Paho) and stops
     * reconnecting; the broker keeps the session and its queue for the next start.
     */
    @Override
    public void close() {
        Connection c;
        synchronized (this) {
            closed = true;
            c = connection;
        }
        subscribed = false;
        if (c == null) {
            return;
        }
        try {
            if (c.client.isConnected()) {
                c.client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0} disconnect: {1}", name, e.getMessage());
        }
        c.end();
        try {
            c.client.close(true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0} close: {1}", name, e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {
        private final Connection owner;

        Callback(Connection owner) {
            this.owner = owner;
        }

        @Override
        public void connectionLost(Throwable cause) {
            owner.end();
            if (owner.client == current) {
                retry("lost its connection", cause);
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            receiver.messageArrived(owner, topic, message);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // nothing is published
        }
    }
}
