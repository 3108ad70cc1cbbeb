package io.certigate.app.fleet;

import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.fleet.anchor.AnchorMetrics;
import io.certigate.fleet.anchor.FleetAggregator;
import io.certigate.fleet.anchor.MqttReceiptSink;
import io.certigate.fleet.anchor.RecordLeaves;
import io.certigate.fleet.anchor.StatementChainServer;
import io.certigate.fleet.anchor.StatementConsumer;
import io.certigate.fleet.anchor.StatementInbox;
import io.certigate.fleet.anchor.StatusKeys;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SigningException;
import io.certigate.signing.SoftwareDeviceKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The {@code anchor} role of {@code certigate fleet run} (aggregated anchoring, issue #17): the
 * {@link StatementConsumer} takes the gateways' batch statements from {@code certigate.statements}
 * into PostgreSQL, the {@link FleetAggregator} checks them and anchors one fleet root per
 * {@code fleet.anchor.interval-ms} (measured on the node's clock) with the fleet's ledger account,
 * {@link MqttReceiptSink} sends the receipts back over the ingest's broker, and
 * {@link StatementChainServer} serves each device's statement chain when a port is configured. One
 * thread polls and steps in turn, every {@value #STEP_MS} ms.
 *
 * <p>The consumer and the aggregator work on a <em>session</em>: their two database connections, the
 * aggregator on one and the consumer (in the instance's group membership) on the other. When
 * PostgreSQL fails (restarted, unreachable), the session is dropped (its advisory lock, hence the
 * lead, goes with it; statements not committed are read again from the offsets in PostgreSQL) and a
 * new one is opened every {@value #RETRY_MS} ms until the database answers again. The ledger and
 * the broker need nothing of the kind: an unreachable ledger leaves the interval where it is, an
 * undelivered receipt is handed over at the next step.
 */
public final class FleetAnchorRole implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FleetAnchorRole.class.getName());
    static final long STEP_MS = 200;
    static final long RETRY_MS = 1_000;
    static final long BACKLOG_MS = 5_000;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-anchor");
        t.setDaemon(true);
        return t;
    });
    private final AnchorMetrics metrics = new AnchorMetrics();
    private FleetConfig.AnchorOptions options;
    private String bootstrapServers;
    private Map<String, Object> membership;
    private DeviceKeys keys;
    private Clock clock;
    private LedgerClient client;
    private io.certigate.anchor.ledger.LedgerAccount account;
    private SoftwareDeviceKey fleetKey;
    private MqttReceiptSink sink;
    private Session session;
    private long retryAtMs;
    private long backlogAtMs;
    private boolean failing;
    private StatementChainServer chainServer;

    private FleetAnchorRole() {}

    /** The consumer and the aggregator on their own database connections; dropped as a whole when the database fails. */
    private record Session(Connection aggregatorDb, Connection inboxDb, FleetAggregator aggregator,
            StatementConsumer consumer) implements AutoCloseable {
        @Override
        public void close() {
            if (consumer != null) {
                try {
                    consumer.close();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing the statement consumer: " + e);
                }
            }
            for (Connection c : new Connection[] {inboxDb, aggregatorDb}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing: " + e);
                }
            }
        }
    }

    /**
     * Opens the database, key, ledger account and broker connection, then starts the loop.
     *
     * @param membership the instance's Kafka group membership ({@code group.instance.id}, session timeout),
     *                   given to the statement consumer too
     */
    public static FleetAnchorRole start(FleetConfig.AnchorOptions o, String bootstrapServers, Map<String, Object> membership,
            DeviceKeys keys, Clock clock) throws FleetNode.FleetStartException {
        FleetAnchorRole r = new FleetAnchorRole();
        try {
            r.open(o, bootstrapServers, membership, keys, clock);
            return r;
        } catch (FleetNode.FleetStartException e) {
            r.close();
            throw e;
        }
    }

    private void open(FleetConfig.AnchorOptions o, String bootstrapServers, Map<String, Object> membership,
            DeviceKeys keys, Clock clock) throws FleetNode.FleetStartException {
        this.options = o;
        this.bootstrapServers = bootstrapServers;
        this.membership = membership;
        this.keys = keys;
        this.clock = clock;
        try {
            fleetKey = Pkcs12KeyStore.open(o.keyStore(), Passphrase.resolve(FleetConfig.ANCHOR_PASSPHRASE.key(),
                    o.passphraseSource()));
        } catch (SigningException e) {
            throw new FleetNode.FleetStartException("cannot open the fleet key " + o.keyStore() + ": " + e.getMessage(), e);
        }
        LedgerSettings ledger;
        try {
            ledger = LedgerSettings.load(o.ledger());
            account = ledger.openAccount();
        } catch (IOException | IllegalArgumentException e) {
            throw new FleetNode.FleetStartException("cannot read the fleet's ledger settings " + o.ledger() + ": "
                    + e.getMessage(), e);
        }
        client = LedgerClient.connect(ledger.config());
        opened.add(client);
        MqttClient mqtt;
        try {
            mqtt = new MqttClient(o.broker().serverUri(), o.broker().clientId(), new MemoryPersistence());
            opened.add(mqtt::close);
            MqttConnectOptions mo = new MqttConnectOptions();
            mo.setCleanSession(true);
            mo.setAutomaticReconnect(true);
            mo.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            if (o.broker().username() != null) {
                mo.setUserName(o.broker().username());
                if (o.broker().password() != null) {
                    mo.setPassword(o.broker().password());
                }
            }
            if (o.broker().tls() != null) {
                mo.setSocketFactory(o.broker().tls().socketFactory());
            }
            mqtt.connect(mo);
            opened.add(() -> {
                if (mqtt.isConnected()) {
                    mqtt.disconnect(1_000);
                }
            });
        } catch (MqttException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new FleetNode.FleetStartException("cannot connect to the MQTT broker " + o.broker().serverUri()
                    + " for receipts: " + e.getMessage(), e);
        }
        sink = new MqttReceiptSink(mqtt);
        try {
            session = openSession(); // the first one must open: a wrong URL or password is a start error
        } catch (SQLException e) {
            throw new FleetNode.FleetStartException("cannot set up the aggregator's tables: " + e.getMessage(), e);
        }
        if (o.httpPort() >= 0) {
            try {
                chainServer = new StatementChainServer(new InetSocketAddress(o.httpAddress(), o.httpPort()),
                        o.store().connector(), o.fleetId());
            } catch (IOException e) {
                throw new FleetNode.FleetStartException("cannot serve the statement chains on " + o.httpAddress() + ":"
                        + o.httpPort() + ": " + e.getMessage(), e);
            }
            opened.add(chainServer);
        }
        loop.scheduleWithFixedDelay(this::round, 0, STEP_MS, TimeUnit.MILLISECONDS);
    }

    private Session openSession() throws SQLException {
        Connection aggregatorDb = null;
        Connection inboxDb = null;
        try {
            aggregatorDb = options.store().connector().open();
            inboxDb = options.store().connector().open();
            FleetAggregator aggregator = new FleetAggregator(aggregatorDb, RecordLeaves.of(aggregatorDb),
                    new StatusKeys(keys, aggregatorDb, clock),
                    client, account, options.fleetId(), fleetKey, sink, clock, options.intervalMs());
            StatementConsumer consumer = new StatementConsumer(bootstrapServers, options.group(), membership,
                    new StatementInbox(inboxDb), clock);
            return new Session(aggregatorDb, inboxDb, aggregator, consumer);
        } catch (SQLException | RuntimeException e) {
            new Session(aggregatorDb, inboxDb, null, null).close();
            throw e;
        }
    }

    private void round() {
        long now = clock.millis();
        if (session == null) {
            if (now < retryAtMs) {
                return;
            }
            try {
                session = openSession();
            } catch (SQLException | RuntimeException e) {
                retryAtMs = now + RETRY_MS;
                return;
            }
            failing = false;
            LOG.log(System.Logger.Level.INFO, "aggregated anchoring: the database answers again");
        }
        try {
            metrics.taken(session.consumer().poll(Duration.ofMillis(STEP_MS / 2)));
            metrics.step(session.aggregator().step(), clock.millis());
            if (now >= backlogAtMs) {
                backlogAtMs = now + BACKLOG_MS;
                metrics.backlog(session.aggregator().backlog());
            }
        } catch (SQLException e) {
            dropSession(e);
        } catch (AssertionError e) {
            // pgjdbc 42.7 asserts instead of throwing when a batch meets a connection the server closed
            // (BatchResultHandler.isAutoCommit, with assertions enabled): a lost connection like any other
            dropSession(new SQLException("the connection to PostgreSQL was lost during a batch: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException cause) { // the consumer's rebalance could not read its offsets
                dropSession(cause);
            } else {
                LOG.log(System.Logger.Level.WARNING, "aggregated anchoring: " + e.getMessage(), e);
            }
        }
    }

    /** The database failed: drop both connections (and with them the lead) and the consumer; open again later. */
    private void dropSession(SQLException e) {
        if (!failing) {
            LOG.log(System.Logger.Level.WARNING, "aggregated anchoring: the database failed (" + e.getMessage()
                    + "); connecting again every " + RETRY_MS + " ms");
        }
        failing = true;
        metrics.databaseFailed();
        Session s = session;
        session = null;
        retryAtMs = clock.millis() + RETRY_MS;
        s.close();
    }

    /** What the role did and the state it saw at its last step (see docs/metrics.md). */
    public AnchorMetrics metrics() {
        return metrics;
    }

    /** Statements taken from Kafka since the start (each once). */
    public long statementsTaken() {
        return metrics.taken();
    }

    /** Fleet intervals fixed (closed with at least one statement) since the start. */
    public long intervalsClosed() {
        return metrics.intervalsFixed();
    }

    /** The port of the statement chain server, or -1. */
    public int httpPort() {
        return chainServer == null ? -1 : chainServer.port();
    }

    /** Stops the loop, then closes the consumer, the server, the broker connection and the database connections. */
    @Override
    public void close() {
        loop.shutdown();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            loop.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (session != null) {
            session.close();
            session = null;
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing: " + e);
            }
        }
        opened.clear();
    }
}
