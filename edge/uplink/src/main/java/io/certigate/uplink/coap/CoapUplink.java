package io.certigate.uplink.coap;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.BatchTransport;
import io.certigate.uplink.DeliveryCursor;
import io.certigate.uplink.ForwardingPump;
import io.certigate.uplink.RecordBatch;
import io.certigate.uplink.RecordFilter;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.UplinkHealth;
import io.certigate.uplink.UplinkTopics;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;

/**
 * Store-and-forward CoAP uplink of one device (Californium 3.14 over Scandium DTLS 1.2): each batch
 * is a confirmable POST (RFC 7252 §4.2) of the CBOR array of {@link io.certigate.uplink.BatchCodec}
 * (Content-Format 60, application/cbor) to {@code <endpoint>/certigate/v1/<device>/readings};
 * bodies larger than the block size go blockwise (RFC 7959 Block1). The batch's records are marked
 * delivered when a 2.xx response arrives; any other code, a timeout or a DTLS failure leaves them
 * in the buffer and the pump retries after a jittered backoff.
 *
 * @see ForwardingPump
 */
public final class CoapUplink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CoapUplink.class.getName());

    /**
     * @param endpoint        base URI, {@code coaps://host:port}
     * @param credentials     DTLS credentials of the device
     * @param recordsPerBatch records per POST at most
     * @param window          unanswered POSTs at most (1 keeps RFC 7252's NSTART and seq order)
     * @param maxBodyBytes    largest POST body; batches are cut to fit
     * @param timing          block size and retransmission timing
     * @param retry           delay after a failed POST
     */
    public record Options(URI endpoint, DtlsCredentials credentials, int recordsPerBatch, int window, int maxBodyBytes,
            CoapEndpoints.Timing timing, Backoff retry) {
        public Options {
            if (endpoint == null || !"coaps".equals(endpoint.getScheme())) {
                throw new IllegalArgumentException("CoAP uplink endpoint must be coaps://host:port, got " + endpoint);
            }
            if (maxBodyBytes > timing.maxBody()) {
                throw new IllegalArgumentException("batch body " + maxBodyBytes + " exceeds the configured maximum body "
                        + timing.maxBody());
            }
        }

        public static Options defaults(URI endpoint, DtlsCredentials credentials) {
            return new Options(endpoint, credentials, 100, 1, 64 * 1024, CoapEndpoints.Timing.DEFAULT,
                    new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60)));
        }

        public Options with(int records, int inFlight, int maxBody, CoapEndpoints.Timing t, Backoff r) {
            return new Options(endpoint, credentials, records, inFlight, maxBody, t, r);
        }
    }

    private final String device;
    private final Options options;
    private final URI target;
    private final ForwardingPump pump;
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
    private volatile UplinkHealth.Problem lastProblem;
    private volatile long lastProblemMs;
    private volatile boolean delivering;
    private volatile CoapEndpoint endpoint;
    private volatile CoapClient client;
    private final RecordBuffer buffer;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    /** Whether the main pump runs (false: the forwarding routes only, {@code uplink.coap.main = false}). */
    private volatile boolean main = true;
    /** Forwarding routes: target URI to its pump. */
    private final java.util.Map<URI, ForwardingPump> routes = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** A route's last problem (logged once), by target. */
    private final java.util.Map<URI, String> routeProblems = new java.util.concurrent.ConcurrentHashMap<>();

    public CoapUplink(RecordBuffer buffer, Options options, Clock clock, ScheduledExecutorService scheduler,
            RandomGenerator random) {
        this.device = buffer.deviceId();
        this.options = options;
        this.clock = clock;
        String base = options.endpoint().toString().replaceAll("/+$", "");
        this.target = URI.create(base + "/" + UplinkTopics.READINGS.topic(device));
        this.buffer = buffer;
        this.scheduler = scheduler;
        this.random = random;
        this.pump = new ForwardingPump(buffer, new Transport(target),
                new ForwardingPump.Options(options.recordsPerBatch(), options.window(), options.retry()), clock,
                scheduler, random);
    }

    /**
     * Leaves the main stream out: this uplink then POSTs its forwarding routes' batches only, never a
     * record in full to {@link #target()} (a CoAP route beside an MQTT main uplink: the route's server
     * gets what its route covers and nothing else). Before {@link #start()}.
     */
    public synchronized CoapUplink routesOnly() {
        if (client != null) {
            throw new IllegalStateException("routesOnly() must come before start()");
        }
        main = false;
        return this;
    }

    /** Whether this uplink carries the main stream. */
    public boolean carriesMainStream() {
        return main;
    }

    public synchronized CoapUplink start() throws UplinkException {
        if (client != null) {
            return this;
        }
        try {
            endpoint = CoapEndpoints.client(options.credentials(), options.timing());
            endpoint.start();
        } catch (java.io.IOException | RuntimeException e) {
            throw new UplinkException("cannot start the CoAP client of " + device + ": " + e.getMessage(), e);
        }
        client = new CoapClient(target).setEndpoint(endpoint);
        if (main) {
            pump.linkUp();
        }
        routes.values().forEach(ForwardingPump::linkUp);
        return this;
    }

    /** The URI batches are posted to. */
    public URI target() {
        return target;
    }

    /** For {@code Sequencer.addCommitListener}: wakes the main pump and every route's. */
    public LongConsumer commitListener() {
        return seq -> {
            if (main) {
                pump.onCommit(seq);
            }
            for (ForwardingPump p : routes.values()) {
                p.onCommit(seq);
            }
        };
    }

    /**
     * Adds a forwarding route on this endpoint: a pump of its own that POSTs to
     * {@code <endpoint>/<path>} the records after {@code cursor}, those {@code filter} covers as
     * their signed bytes and the others as hash-only items, and moves {@code cursor} on each 2.xx.
     * Call before {@link #start()}.
     *
     * @throws IllegalArgumentException when {@code path} is a certigate path or already routed
     */
    public CoapUplink route(String path, DeliveryCursor cursor, RecordFilter filter) {
        String p = path.replaceAll("^/+", "");
        if (p.isEmpty() || p.startsWith(UplinkTopics.PREFIX) || p.contains("?") || p.contains("#")) {
            throw new IllegalArgumentException("route path '" + path + "' must be a path of its own, outside /"
                    + UplinkTopics.PREFIX);
        }
        URI uri = URI.create(options.endpoint().toString().replaceAll("/+$", "") + "/" + p);
        ForwardingPump pump = new ForwardingPump(buffer, cursor, filter, new Transport(uri),
                new ForwardingPump.Options(options.recordsPerBatch(), options.window(), options.retry()), clock,
                scheduler, random);
        if (routes.putIfAbsent(uri, pump) != null) {
            pump.close();
            throw new IllegalArgumentException("route path '" + path + "' is routed twice");
        }
        return this;
    }

    /** Each route's pump figures, by target URI. */
    public java.util.Map<URI, ForwardingPump.Stats> routeStats() {
        return new java.util.TreeMap<>(java.util.Map.copyOf(routes).entrySet().stream().collect(
                java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, e -> e.getValue().stats())));
    }

    public ForwardingPump.Stats stats() {
        return pump.stats();
    }

    /** The last delivery problem, or null once a batch went through after it. */
    public String lastError() {
        return lastError.get();
    }

    /**
     * For operators: connected means the last exchange succeeded (CoAP has no connection); a
     * reconnect is a retry after a failed exchange.
     */
    public UplinkHealth health() {
        return new UplinkHealth(delivering, pump.stats().recordsDelivered(), retries.get(), lastProblem, lastProblemMs);
    }

    @Override
    public void close() {
        delivering = false;
        pump.close();
        routes.values().forEach(ForwardingPump::close);
        CoapClient c = client;
        if (c != null) {
            c.shutdown();
        }
        CoapEndpoint e = endpoint;
        if (e != null) {
            e.destroy();
        }
    }

    /** A failed exchange; a route's is logged once per distinct message and leaves the uplink's health alone. */
    private void failed(URI to, String msg, UplinkHealth.Problem problem) {
        if (!to.equals(target)) {
            String full = "CoAP route of " + device + " to " + to + ": " + msg + "; its records wait in the buffer";
            if (!full.equals(routeProblems.put(to, full))) {
                LOG.log(System.Logger.Level.WARNING, full);
            }
            return;
        }
        delivering = false;
        lastProblemMs = clock.millis();
        lastProblem = problem;
        retries.incrementAndGet();
        String full = "CoAP uplink of " + device + " to " + target + ": " + msg + "; readings keep being buffered";
        if (!full.equals(lastError.getAndSet(full))) {
            LOG.log(System.Logger.Level.WARNING, full);
        }
    }

    private final class Transport implements BatchTransport {
        private final URI to;

        Transport(URI to) {
            this.to = to;
        }

        @Override
        public int maxPayloadBytes() {
            return options.maxBodyBytes();
        }

        @Override
        public void send(RecordBatch batch, Consumer<Throwable> done) throws UplinkException {
            CoapClient c = client;
            if (c == null) {
                throw new UplinkException("CoAP uplink not started");
            }
            Request post = Request.newPost();
            post.setURI(to);
            post.setConfirmable(true);
            post.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_CBOR);
            post.setPayload(batch.payload());
            c.advanced(new CoapHandler() {
                @Override
                public void onLoad(CoapResponse response) {
                    if (response.isSuccess()) {
                        if (!to.equals(target)) {
                            routeProblems.remove(to); // a route's exchanges leave the uplink's health alone
                        } else {
                            delivering = true;
                            if (lastError.getAndSet(null) != null) {
                                LOG.log(System.Logger.Level.INFO, "CoAP uplink of {0} delivers again", device);
                            }
                        }
                        done.accept(null);
                    } else {
                        String msg = "peer answered " + response.getCode() + " " + response.getResponseText();
                        failed(to, msg, UplinkHealth.Problem.REJECTED);
                        done.accept(new UplinkException(msg));
                    }
                }

                @Override
                public void onError() {
                    String msg = "no response (timeout, DTLS handshake failure or unreachable peer)";
                    failed(to, msg, UplinkHealth.Problem.UNREACHABLE);
                    done.accept(new UplinkException(msg));
                }
            }, post);
        }
    }
}
