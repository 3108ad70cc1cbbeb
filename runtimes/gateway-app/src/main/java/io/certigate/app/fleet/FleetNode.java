package io.certigate.app.fleet;

import io.certigate.app.metrics.MetricsServer;
import io.certigate.core.metrics.Metrics;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.ingest.MqttKafkaIngest;
import io.certigate.fleet.status.FleetLag;
import io.certigate.fleet.status.PartitionLag;
import io.certigate.fleet.store.FleetStoreSink;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.store.StoreMetrics;
import io.certigate.fleet.verify.FleetVerifier;
import io.certigate.fleet.verify.FleetVerifyTrust;
import io.certigate.uplink.UplinkException;
import io.certigate.verifier.ledger.LedgerException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One fleet instance: the roles its configuration names (ingest, verify, store, anchor), started in the
 * order of the flow after the topics exist, and stopped in the reverse order, each stage finishing
 * what it holds (the ingest acknowledges to the broker what Kafka has; the verification commits its
 * transaction; the store commits its PostgreSQL transaction, then its offsets). Instances with the
 * same configuration but their own MQTT client id and state folder share the work.
 */
public final class FleetNode implements AutoCloseable {
    private static final long ADMIN_TIMEOUT_MS = 30_000;
    private static final long LAG_TIMEOUT_MS = 5_000;
    private static final long LAG_REFRESH_NANOS = 5_000_000_000L;

    private final FleetConfig config;
    private final Metrics metrics = new Metrics();
    private final List<AutoCloseable> started = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-ingest-session");
        t.setDaemon(true);
        return t;
    });
    private MqttKafkaIngest ingest;
    private FleetAnchorRole anchor;
    private FleetConsumerRole consumerApi;
    private FleetVerifier verifier;
    private FleetStoreSink sink;
    private StoreMetrics storeMetrics;
    private FleetVerifyTrust trust;
    private MetricsServer metricsServer;
    private List<String> createdTopics = List.of();
    private Admin lagAdmin;
    private final Throttled<Map<String, Long>> lag = new Throttled<>(this::readConsumerLag, LAG_REFRESH_NANOS);
    private final Throttled<Long> devices = new Throttled<>(this::countDevicesStored, LAG_REFRESH_NANOS);

    private FleetNode(FleetConfig config) {
        this.config = config;
    }

    /**
     * Creates the fleet topics that are missing, then starts the configured roles and the metrics
     * endpoint. On a failure, what was started is stopped again and the exception says which step failed.
     */
    public static FleetNode start(FleetConfig config, Clock clock) throws FleetStartException {
        FleetNode node = new FleetNode(config);
        try {
            node.startAll(clock);
            return node;
        } catch (FleetStartException e) {
            node.close();
            throw e;
        }
    }

    private void startAll(Clock clock) throws FleetStartException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS))) {
            createdTopics = config.topics().ensure(admin, ADMIN_TIMEOUT_MS);
        } catch (TimeoutException e) {
            throw new FleetStartException("the Kafka cluster at " + config.bootstrapServers() + " did not answer within "
                    + ADMIN_TIMEOUT_MS / 1000 + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetStartException("interrupted while creating the fleet topics", e);
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            throw new FleetStartException(e.getMessage(), e);
        }
        if (config.roles().contains(FleetConfig.Role.STORE)) {
            storeMetrics = new StoreMetrics();
            Map<String, Object> consumer = new java.util.HashMap<>(config.membership().consumerProperties());
            consumer.put("bootstrap.servers", config.bootstrapServers());
            sink = new FleetStoreSink(consumer, config.store(), config.store().connector(), storeMetrics);
            sink.start();
            started.add(sink);
        }
        if (config.roles().contains(FleetConfig.Role.VERIFY)) {
            DeviceKeys keys = deviceKeys(clock);
            java.util.Properties streams = FleetVerifier.properties(config.bootstrapServers(), config.verify());
            config.membership().consumerProperties().forEach((k, v) ->
                    streams.put(org.apache.kafka.streams.StreamsConfig.mainConsumerPrefix(k), v));
            verifier = new FleetVerifier(streams, config.verify(), keys).start();
            started.add(verifier);
        }
        if (config.roles().contains(FleetConfig.Role.INGEST)) {
            try {
                ingest = new MqttKafkaIngest(config.ingest(), clock, scheduler, new Random()).start();
            } catch (UplinkException | IllegalArgumentException e) {
                throw new FleetStartException("cannot start the ingest: " + e.getMessage(), e);
            }
            started.add(ingest);
        }
        if (config.roles().contains(FleetConfig.Role.ANCHOR)) {
            DeviceKeys keys = trust != null ? trust.keys() : deviceKeys(clock);
            anchor = FleetAnchorRole.start(config.anchor(), config.bootstrapServers(),
                    config.membership().consumerProperties(), keys, clock);
            started.add(anchor);
        }
        if (config.roles().contains(FleetConfig.Role.CONSUMER)) {
            DeviceKeys keys = trust != null ? trust.keys() : deviceKeys(clock);
            String fleetId = config.trust().text(FleetConfig.ANCHOR_FLEET_ID);
            consumerApi = FleetConsumerRole.start(config.consumer(), keys, FleetPassport.trustWords(config.trust()),
                    fleetId.isBlank() ? null : fleetId, clock);
            started.add(consumerApi);
        }
        if (config.roles().contains(FleetConfig.Role.VERIFY) || config.roles().contains(FleetConfig.Role.STORE)) {
            lagAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) LAG_TIMEOUT_MS,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) LAG_TIMEOUT_MS));
        }
        FleetMetrics.register(metrics, this);
        if (config.metricsPort() >= 0) {
            try {
                metricsServer = new MetricsServer(metrics, new InetSocketAddress(config.metricsAddress(),
                        config.metricsPort()));
            } catch (IOException e) {
                throw new FleetStartException("cannot serve metrics on " + config.metricsAddress() + ":"
                        + config.metricsPort() + ": " + e.getMessage(), e);
            }
        }
    }

    private DeviceKeys deviceKeys(Clock clock) throws FleetStartException {
        try {
            trust = FleetVerifyTrust.open(config.trust(), clock);
            return trust.keys();
        } catch (IOException | LedgerException | IllegalArgumentException e) {
            throw new FleetStartException("cannot set up the verification's trust: " + e.getMessage(), e);
        }
    }

    public FleetConfig config() {
        return config;
    }

    /** The topics this instance created at start (none when they existed). */
    public List<String> createdTopics() {
        return createdTopics;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The ingest, or null when this instance does not run it. */
    public MqttKafkaIngest ingest() {
        return ingest;
    }

    /** The verification, or null when this instance does not run it. */
    public FleetVerifier verifier() {
        return verifier;
    }

    /** The consumer API, or null when this instance does not run it. */
    public FleetConsumerRole consumerApi() {
        return consumerApi;
    }

    /** The aggregated anchoring, or null when this instance does not run it. */
    public FleetAnchorRole anchor() {
        return anchor;
    }

    /** The store's counters, or null when this instance does not run it. */
    public StoreMetrics storeMetrics() {
        return storeMetrics;
    }

    /**
     * Records each of this instance's consumer groups has still to read (the verification's on
     * {@code certigate.records}, the store's on {@code certigate.verified} and
     * {@code certigate.findings}), read from the cluster at most every 5 s; a group the cluster did
     * not answer for is left out.
     */
    public Map<String, Long> consumerLag() {
        return lagAdmin == null ? Map.of() : lag.get();
    }

    private Map<String, Long> readConsumerLag() {
        Map<String, Long> out = new java.util.TreeMap<>();
        FleetLag reader = new FleetLag(lagAdmin, LAG_TIMEOUT_MS);
        try {
            if (verifier != null) {
                out.put(config.verify().applicationId(), total(reader.lag(config.verify().applicationId(),
                        List.of(FleetTopics.RECORDS))));
            }
            if (sink != null) {
                out.put(config.store().group(), total(reader.lag(config.store().group(),
                        List.of(FleetTopics.VERIFIED, FleetTopics.FINDINGS))));
            }
        } catch (FleetLag.FleetStatusException e) {
            System.getLogger(FleetNode.class.getName()).log(System.Logger.Level.DEBUG, "consumer lag: " + e.getMessage());
        }
        return Map.copyOf(out);
    }

    /** Devices the store holds records or findings of, read at most every 5 s; -1 when the store did not answer. */
    public long devicesStored() {
        return sink == null ? -1 : devices.get();
    }

    private long countDevicesStored() {
        try {
            return new io.certigate.fleet.store.FleetStore(config.store().connector()).countDevices();
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

    private static long total(List<PartitionLag> lags) {
        return lags.stream().mapToLong(PartitionLag::lag).sum();
    }

    /** The port {@code /metrics} listens on, or -1. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.address().getPort();
    }

    /** Stops the roles in the reverse order of the flow: ingest, verification, store. */
    @Override
    public void close() {
        if (metricsServer != null) {
            metricsServer.close();
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.getLogger(FleetNode.class.getName()).log(System.Logger.Level.WARNING,
                        "stopping " + started.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        started.clear();
        scheduler.shutdownNow();
        if (lagAdmin != null) {
            lagAdmin.close(java.time.Duration.ofSeconds(5));
        }
        if (trust != null) {
            trust.close();
        }
    }

    /** A role could not start; the message names which and why. */
    public static final class FleetStartException extends Exception {
        public FleetStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
