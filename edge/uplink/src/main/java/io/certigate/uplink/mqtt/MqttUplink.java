package io.certigate.uplink.mqtt;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.uplink.BatchTransport;
import io.certigate.uplink.ForwardingPump;
import io.certigate.uplink.ProofPublisher;
import io.certigate.uplink.RecordBatch;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.UplinkHealth;
import io.certigate.uplink.UplinkTopics;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
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
 * Store-and-forward MQTT uplink of one device (Paho MQTT 3.1.1 client, QoS 1). Batches of records
 * go to {@code certigate/v1/<device>/readings} in seq order; a record is marked delivered in the
 * buffer only once the broker's PUBACK for its batch arrived (see {@link ForwardingPump}). A birth
 * status (retained) is published on every connect and a last will registered; a clean close
 * publishes an offline status.
 *
 * <p>Paho's own persistence is in memory and its automatic reconnect is off: the buffer holds the
 * truth, and this class reconnects with a jittered exponential backoff on the given scheduler. A
 * refused login or a failed TLS handshake is logged once as a clear error; the sequencer keeps
 * committing readings meanwhile and they are sent when the broker lets the device in.
 */
public final class MqttUplink implements ProofPublisher, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttUplink.class.getName());
    private static final int QOS = 1;

    /** Where the connection stands. */
    public enum State { NEW, CONNECTING, CONNECTED, WAITING, REFUSED, CLOSED }

    private final RecordBuffer buffer;
    private final String device;
    private final List<X509Certificate> deviceChain;
    private final MqttUplinkOptions options;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final ForwardingPump pump;
    private final String readingsTopic;
    private final String statusTopic;
    private final String proofsTopic;
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile UplinkHealth.Problem lastProblem;
    private volatile long lastProblemMs;
    private volatile long connectedAtMs;
    private volatile long connectedAtNanos;
    private final java.util.concurrent.atomic.AtomicBoolean connecting = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile MqttAsyncClient client;
    private volatile State state = State.NEW;
    private volatile String lastError;
    private volatile ScheduledFuture<?> pendingConnect;

    /**
     * @param deviceChain the device certificate chain announced in status messages (may be empty)
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
        this.scheduler = scheduler;
        this.random = random;
        this.readingsTopic = UplinkTopics.READINGS.topic(device);
        this.statusTopic = UplinkTopics.STATUS.topic(device);
        this.proofsTopic = UplinkTopics.PROOFS.topic(device);
        this.pump = new ForwardingPump(buffer, new Transport(),
                new ForwardingPump.Options(options.recordsPerBatch(), options.window(), options.reconnect()),
                clock, scheduler, random);
    }

    /** Starts connecting; returns at once. */
    public synchronized MqttUplink start() throws UplinkException {
        if (client != null) {
            return this;
        }
        try {
            client = new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new UplinkException("cannot create an MQTT client for " + options.serverUri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
        scheduleConnect(0);
        return this;
    }

    /** For {@code Sequencer.addCommitListener}. */
    public LongConsumer commitListener() {
        return pump::onCommit;
    }

    public State state() {
        return state;
    }

    /** The last connection error, or null. */
    public String lastError() {
        return lastError;
    }

    public ForwardingPump.Stats stats() {
        return pump.stats();
    }

    /** Clock time (epoch ms) of the last successful connect, 0 before the first. */
    public long connectedAtMillis() {
        return connectedAtMs;
    }

    /** {@link System#nanoTime()} at the last successful connect, for measuring elapsed time; 0 before the first. */
    public long connectedAtNanos() {
        return connectedAtNanos;
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
        return new UplinkHealth(state == State.CONNECTED, pump.stats().recordsDelivered(), reconnects.get(), lastProblem,
                lastProblemMs);
    }

    /** Successful connects so far (1 + reconnects). */
    public long connects() {
        return connects.get();
    }

    /** Payload bytes a message may carry so that the whole PUBLISH packet fits the broker's limit. */
    static int maxPayload(int maxPacket, String topic) {
        // fixed header (1) + remaining length (up to 4) + topic (2 + n) + packet id (2)
        return maxPacket - 1 - 4 - 2 - topic.getBytes(StandardCharsets.UTF_8).length - 2;
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
        if (state == State.CLOSED || c == null || c.isConnected()) {
            connecting.set(false);
            return;
        }
        if (state != State.REFUSED) {
            state = State.CONNECTING;
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
        o.setWill(statusTopic, status(StatusMessage.State.LOST).encode(), QOS, true);
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

    private StatusMessage status(StatusMessage.State s) {
        return new StatusMessage(device, s, buffer.head().seq(), clock.millis(), deviceChain);
    }

    private void connected() {
        connecting.set(false);
        if (state == State.CLOSED) {
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
        state = State.CONNECTED;
        try {
            client.publish(statusTopic, status(StatusMessage.State.ONLINE).encode(), QOS, true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.WARNING, "birth message of {0} not sent: {1}", device, e.getMessage());
        }
        pump.linkUp();
    }

    private void connectFailed(Throwable e) {
        connecting.set(false);
        if (state == State.CLOSED) {
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
        state = refused ? State.REFUSED : State.WAITING;
        problem(refused ? UplinkHealth.Problem.CREDENTIALS
                : hasTlsCause(e) ? UplinkHealth.Problem.TLS : UplinkHealth.Problem.UNREACHABLE);
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

    @Override
    public CompletableFuture<Void> publishProof(byte[] proofJson) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        MqttAsyncClient c = client;
        if (c == null || !c.isConnected()) {
            done.completeExceptionally(new UplinkException("MQTT uplink of " + device + " is not connected"));
            return done;
        }
        try {
            c.publish(proofsTopic, proofJson, QOS, false, null, listener(failure -> {
                if (failure == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(failure);
                }
            }));
        } catch (MqttException e) {
            done.completeExceptionally(new UplinkException("proof not published: " + e.getMessage(), e));
        }
        return done;
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
        State before = state;
        state = State.CLOSED;
        pump.close();
        ScheduledFuture<?> p = pendingConnect;
        if (p != null) {
            p.cancel(false);
        }
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        try {
            if (before == State.CONNECTED && c.isConnected()) {
                c.publish(statusTopic, status(StatusMessage.State.OFFLINE).encode(), QOS, true)
                        .waitForCompletion(2000);
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

    private final class Transport implements BatchTransport {
        @Override
        public int maxPayloadBytes() {
            return maxPayload(options.maxPacketBytes(), readingsTopic);
        }

        @Override
        public void send(RecordBatch batch, Consumer<Throwable> done) throws UplinkException {
            MqttAsyncClient c = client;
            if (c == null || !c.isConnected()) {
                throw new UplinkException("not connected");
            }
            try {
                c.publish(readingsTopic, batch.payload(), QOS, false, null, listener(done));
            } catch (MqttException e) {
                throw new UplinkException("publish of " + batch + " refused: " + e.getMessage(), e);
            }
        }
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // connected() runs from the connect listener
        }

        @Override
        public void connectionLost(Throwable cause) {
            pump.linkDown();
            if (state == State.CLOSED) {
                return;
            }
            String msg = "MQTT uplink of " + device + " lost its connection to " + options.serverUri() + " ("
                    + (cause == null ? "closed" : rootMessage(cause)) + "); readings keep being buffered";
            LOG.log(System.Logger.Level.WARNING, msg);
            lastError = msg;
            state = State.WAITING;
            problem(UplinkHealth.Problem.LOST);
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
