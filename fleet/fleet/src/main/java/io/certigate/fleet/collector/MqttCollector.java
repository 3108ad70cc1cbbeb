package io.certigate.fleet.collector;

import io.certigate.core.io.LogText;
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
 *
 * <p>The client must also never send a second CONNECT on a live connection: Mosquitto (2.0) treats
 * that as a protocol error, drops the client and, in the same step, discards its persistent
 * session with every message queued or in flight for it. Paho 1.2.5 does send one after an attempt
 * the broker never answered, so every attempt uses a fresh client; attempts run one at a time on a
 * single retry chain, and the MQTT version is fixed (3.1.1) so that Paho does not retry on its own
 * with another one.
 *
 * <p>The collector authenticates to the broker with a user name and password, with a client
 * certificate (mutual TLS, {@link TlsSettings} with a client key store), or both, so that the
 * broker can refuse anonymous clients and give the collector alone read access to every device's
 * topic. A refused login is counted ({@link #refusedLogins()}) and retried with the back-off.
 * Topics are logged through {@link LogText#escape}: they are chosen by whoever publishes.
 */
public final class MqttCollector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttCollector.class.getName());

    /**
     * @param serverUri  {@code tcp://} or {@code ssl://} broker URI
     * @param clientId   the persistent session's client id
     * @param username   MQTT user name, or null for none
     * @param password   MQTT password (with a user name), or null
     * @param tls        TLS settings for {@code ssl://} (with a client key store for mutual TLS), or null
     * @param reconnect  delay between connect attempts
     */
    public record Options(String serverUri, String clientId, String username, char[] password, TlsSettings tls,
            Backoff reconnect) {
        public Options {
            if (serverUri == null || !(serverUri.startsWith("tcp://") || serverUri.startsWith("ssl://"))) {
                throw new IllegalArgumentException("MQTT server URI must be tcp://host:port or ssl://host:port, got "
                        + serverUri);
            }
            if (password != null && username == null) {
                throw new IllegalArgumentException("an MQTT password needs a user name");
            }
            password = password == null ? null : password.clone();
        }

        public static Options defaults(String serverUri) {
            return new Options(serverUri, "certigate-collector", null, null, null,
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)));
        }

        public Options withClientId(String id) {
            return new Options(serverUri, id, username, password, tls, reconnect);
        }

        public Options withTls(TlsSettings t) {
            return new Options(serverUri, clientId, username, password, t, reconnect);
        }

        /** A user name and its password (empty for none). */
        public Options withCredentials(String user, char[] pass) {
            return new Options(serverUri, clientId, user, pass, tls, reconnect);
        }

        public Options withReconnect(Backoff b) {
            return new Options(serverUri, clientId, username, password, tls, b);
        }

        @Override
        public char[] password() {
            return password == null ? null : password.clone();
        }

        @Override
        public String toString() { // never the password
            return "Options[" + serverUri + ", client " + clientId + (username == null ? "" : ", user " + username)
                    + (tls == null ? "" : tls.clientKeys() == null ? ", TLS" : ", mutual TLS") + "]";
        }
    }

    private final RecordCollector collector;
    private final Options options;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicInteger sessionsLost = new AtomicInteger();
    private final AtomicInteger refusedLogins = new AtomicInteger();
    private volatile String lastError;
    private volatile boolean connectedBefore;
    private volatile MqttAsyncClient client;
    private volatile boolean closed;
    private volatile boolean subscribed;
    /** A connect attempt is scheduled and has not run yet; guarded by {@code this}. */
    private boolean retryScheduled;
    /** A connect or subscribe is outstanding at Paho; guarded by {@code this}. */
    private boolean attemptOutstanding;
    /** {@link #client} has made a connect attempt; touched by the retry chain only. */
    private boolean clientUsed;

    public MqttCollector(RecordCollector collector, Options options, ScheduledExecutorService scheduler,
            RandomGenerator random) {
        this.collector = collector;
        this.options = options;
        this.scheduler = scheduler;
        this.random = random;
    }

    public synchronized MqttCollector start() throws UplinkException {
        try {
            client = newClient();
        } catch (MqttException e) {
            throw new UplinkException("cannot create an MQTT client for " + options.serverUri() + ": " + e.getMessage(), e);
        }
        retryScheduled = true;
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

    /**
     * Reconnects on which the broker no longer had this collector's persistent session (CONNACK
     * session-present off): messages queued for it in between are gone. Zero against a broker that
     * keeps sessions across its restarts.
     */
    public int sessionsLost() {
        return sessionsLost.get();
    }

    /**
     * Connect attempts the broker refused for the collector's credentials (MQTT 3.1.1 CONNACK return
     * code 4, bad user name or password, or 5, not authorized).
     */
    public int refusedLogins() {
        return refusedLogins.get();
    }

    /** The last connect or subscribe failure, or null while none happened since the last subscription. */
    public String lastError() {
        return lastError;
    }

    private MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
        c.setCallback(new Callback(c));
        return c;
    }

    private void schedule(long delayMs) {
        try {
            scheduler.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler shut down; collector not reconnecting");
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
        if (client.isConnected()) {
            if (subscribed) {
                attemptDone();
            } else {
                subscribe(client);
            }
            return;
        }
        try {
            // a fresh Paho client for every attempt: Paho 1.2.5 can keep the CONNECT of an attempt the
            // broker never answered queued and send it again after the next CONNACK (a second CONNECT
            // on a live connection); the collector keeps no client-side session state worth reusing
            if (clientUsed) {
                MqttAsyncClient old = client;
                MqttAsyncClient fresh = newClient();
                synchronized (this) {
                    if (closed) { // close() has taken the old client; the fresh one is not needed
                        attemptOutstanding = false;
                        closeQuietly(fresh);
                        return;
                    }
                    client = fresh;
                }
                closeQuietly(old);
            }
            clientUsed = true;
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(false);
            o.setAutomaticReconnect(false);
            // no silent fallback to MQTT 3.1: Paho's fallback is a second CONNECT attempt of its own
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setMaxInflight(100);
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
            MqttAsyncClient c = client;
            c.connect(o, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    if (connectedBefore && !token.getSessionPresent()) {
                        sessionsLost.incrementAndGet();
                        LOG.log(System.Logger.Level.WARNING, "the broker at {0} had no session for collector {1}: "
                                + "what it queued while the collector was away is lost and is reported as missing",
                                options.serverUri(), options.clientId());
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
                        failed("had its login refused (" + (options.username() == null ? "no user name"
                                : "user " + options.username()) + (options.tls() != null && options.tls().clientKeys()
                                        != null ? ", client certificate" : "") + "; check the credentials) by", e);
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
    private void subscribe(MqttAsyncClient c) {
        try {
            String[] filters = {UplinkTopics.STATUS.allDevices(), UplinkTopics.READINGS.allDevices()};
            c.subscribe(filters, new int[] {1, 1}, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    if (!c.isConnected()) {
                        failed("lost its connection while subscribing", null);
                        return;
                    }
                    attempts.set(0);
                    lastError = null;
                    subscribed = true;
                    attemptDone();
                    LOG.log(System.Logger.Level.INFO, "collector subscribed at {0}", options.serverUri());
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

    private static void closeQuietly(MqttAsyncClient c) {
        try {
            c.close(true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "collector: closing the previous client: {0}", e.getMessage());
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
            LOG.log(System.Logger.Level.WARNING, "collector {0} to {1}: {2}; retrying", what, options.serverUri(),
                    String.valueOf(e));
        }
        schedule(options.reconnect().delayMillis(n, random));
    }

    @Override
    public void close() {
        MqttAsyncClient c;
        synchronized (this) {
            closed = true;
            c = client;
        }
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
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (owner == client) {
                retry("lost its connection", cause);
            }
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
            } else if (device == null) {
                LOG.log(System.Logger.Level.DEBUG, "collector: message on unexpected topic {0} ignored",
                        LogText.escape(topic));
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // the collector publishes nothing
        }
    }
}
