package io.certigate.uplink.mqtt;

import io.certigate.uplink.UplinkException;
import io.certigate.uplink.UplinkHealth;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The connection side of {@link MqttUplink}: one Paho client, connect attempts on the scheduler
 * with the jittered backoff after each failure or loss (Paho's own reconnect is off), the
 * connection state, the last error (logged once) and the health counters. What travels over the
 * connection is {@link MqttUplink}'s business: it is told when the link comes up and when it is lost.
 */
final class MqttConnection {
    private static final System.Logger LOG = System.getLogger(MqttUplink.class.getName());

    /** What the uplink does when the link changes; called from Paho's threads. */
    interface Listener {
        /** Connected: publish the birth status and start sending. */
        void up(MqttAsyncClient client);

        /** The connection is gone; a reconnect is scheduled. */
        void down();
    }

    private final String device;
    private final MqttUplinkOptions options;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final Supplier<byte[]> lastWill;
    private final String statusTopic;
    private final Listener listener;
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile UplinkHealth.Problem lastProblem;
    private volatile long lastProblemMs;
    private volatile long connectedAtMs;
    private volatile long connectedAtNanos;
    private volatile MqttAsyncClient client;
    private volatile MqttUplink.State state = MqttUplink.State.NEW;
    private volatile String lastError;
    private volatile ScheduledFuture<?> pendingConnect;

    MqttConnection(String device, MqttUplinkOptions options, Clock clock, ScheduledExecutorService scheduler,
            RandomGenerator random, String statusTopic, Supplier<byte[]> lastWill, Listener listener) {
        this.device = device;
        this.options = options;
        this.clock = clock;
        this.scheduler = scheduler;
        this.random = random;
        this.statusTopic = statusTopic;
        this.lastWill = lastWill;
        this.listener = listener;
    }

    /** Creates the client and schedules the first attempt; returns at once. */
    synchronized void start() throws UplinkException {
        if (client != null) {
            return;
        }
        try {
            client = new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new UplinkException("cannot create an MQTT client for " + options.serverUri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
        scheduleConnect(0);
    }

    /** The client when it is connected, else null. */
    MqttAsyncClient connectedClient() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected() ? c : null;
    }

    MqttUplink.State state() {
        return state;
    }

    String lastError() {
        return lastError;
    }

    long connectedAtMillis() {
        return connectedAtMs;
    }

    long connectedAtNanos() {
        return connectedAtNanos;
    }

    long connects() {
        return connects.get();
    }

    /** Connected or not, reconnect attempts and the last problem; {@code delivered} comes from the pump. */
    UplinkHealth health(long delivered) {
        return new UplinkHealth(state == MqttUplink.State.CONNECTED, delivered, reconnects.get(), lastProblem,
                lastProblemMs);
    }

    /** Schedules one connect attempt unless one is already scheduled or under way. */
    private void scheduleConnect(long delayMs) {
        if (!connecting.compareAndSet(false, true)) {
            return;
        }
        try {
            pendingConnect = scheduler.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            connecting.set(false);
            LOG.log(System.Logger.Level.DEBUG, "scheduler shut down; not reconnecting");
        }
    }

    private void connect() {
        MqttAsyncClient c = client;
        if (state == MqttUplink.State.CLOSED || c == null || c.isConnected()) {
            connecting.set(false);
            return;
        }
        if (state != MqttUplink.State.REFUSED) {
            state = MqttUplink.State.CONNECTING;
        }
        try {
            c.connect(connectOptions(), null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connected();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    connectFailed(e);
                }
            });
        } catch (MqttException | GeneralSecurityException | RuntimeException e) {
            connectFailed(e);
        }
    }

    private MqttConnectOptions connectOptions() throws GeneralSecurityException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(options.window() + 8);
        o.setConnectionTimeout((int) Math.max(1, options.connectTimeout().toSeconds()));
        o.setKeepAliveInterval((int) options.keepAlive().toSeconds());
        o.setWill(statusTopic, lastWill.get(), MqttUplink.QOS, true);
        if (options.username() != null) {
            o.setUserName(options.username());
        }
        if (options.password() != null) {
            o.setPassword(options.password());
        }
        if (options.tls() != null) {
            o.setSocketFactory(NoDelaySockets.tls(options.tls().socketFactory()));
            o.setHttpsHostnameVerificationEnabled(true);
        } else {
            o.setSocketFactory(NoDelaySockets.plain());
        }
        return o;
    }

    private void connected() {
        connecting.set(false);
        if (state == MqttUplink.State.CLOSED) {
            return;
        }
        attempts.set(0);
        connectedAtNanos = System.nanoTime();
        connectedAtMs = clock.millis();
        connects.incrementAndGet();
        if (lastError != null) {
            LOG.log(System.Logger.Level.INFO, "uplink of {0} connected to {1} again", device, options.serverUri());
        }
        lastError = null;
        state = MqttUplink.State.CONNECTED;
        listener.up(client);
    }

    private void connectFailed(Throwable e) {
        connecting.set(false);
        if (state == MqttUplink.State.CLOSED) {
            return;
        }
        boolean refused = e instanceof MqttException m
                && (m.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                        || m.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED);
        String msg = describe(e, refused);
        if (!msg.equals(lastError)) {
            LOG.log(refused || hasTlsCause(e) ? System.Logger.Level.ERROR : System.Logger.Level.WARNING, msg);
            lastError = msg;
        }
        // the problem first: whoever sees the new state then also sees why
        problem(refused ? UplinkHealth.Problem.CREDENTIALS
                : hasTlsCause(e) ? UplinkHealth.Problem.TLS : UplinkHealth.Problem.UNREACHABLE);
        state = refused ? MqttUplink.State.REFUSED : MqttUplink.State.WAITING;
        scheduleConnect(options.reconnect().delayMillis(attempts.incrementAndGet(), random));
    }

    /** Records a failure of the link; the reconnect scheduled next counts as one. */
    private void problem(UplinkHealth.Problem p) {
        lastProblemMs = clock.millis();
        lastProblem = p;
        reconnects.incrementAndGet();
    }

    private String describe(Throwable e, boolean refused) {
        String where = "MQTT uplink of " + device + " to " + options.serverUri();
        if (refused) {
            return where + ": the broker refused the device's credentials (" + e.getMessage()
                    + "); readings keep being buffered and the uplink retries";
        }
        if (hasTlsCause(e)) {
            return where + ": TLS handshake failed (" + rootMessage(e)
                    + "); check the CA and the device certificate; readings keep being buffered";
        }
        return where + ": cannot connect (" + rootMessage(e) + "); readings keep being buffered";
    }

    private static boolean hasTlsCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof GeneralSecurityException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t;
    }

    /** Something to do on the connected client before it disconnects. */
    @FunctionalInterface
    interface ClientAction {
        void run(MqttAsyncClient client) throws MqttException;
    }

    /** Stops reconnecting (a scheduled attempt is cancelled); returns the state before. */
    MqttUplink.State closing() {
        MqttUplink.State before = state;
        state = MqttUplink.State.CLOSED;
        ScheduledFuture<?> p = pendingConnect;
        if (p != null) {
            p.cancel(false);
        }
        return before;
    }

    /**
     * After {@link #closing()}: if the connection was up, runs {@code beforeDisconnect} (the
     * offline status) and disconnects; then closes the client.
     */
    void disconnect(MqttUplink.State before, ClientAction beforeDisconnect) {
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        try {
            if (before == MqttUplink.State.CONNECTED && c.isConnected()) {
                beforeDisconnect.run(c);
                c.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "clean disconnect of {0} failed: {1}", device, e.getMessage());
        }
        try {
            c.close(true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the MQTT client of {0}: {1}", device, e.getMessage());
        }
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // connected() runs from the connect listener
        }

        @Override
        public void connectionLost(Throwable cause) {
            listener.down();
            if (state == MqttUplink.State.CLOSED) {
                return;
            }
            String msg = "MQTT uplink of " + device + " lost its connection to " + options.serverUri() + " ("
                    + (cause == null ? "closed" : rootMessage(cause)) + "); readings keep being buffered";
            LOG.log(System.Logger.Level.WARNING, msg);
            lastError = msg;
            problem(UplinkHealth.Problem.LOST);
            state = MqttUplink.State.WAITING;
            scheduleConnect(options.reconnect().delayMillis(attempts.incrementAndGet(), random));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // the uplink subscribes to nothing
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // acknowledgements are handled by each publish's listener
        }
    }
}
