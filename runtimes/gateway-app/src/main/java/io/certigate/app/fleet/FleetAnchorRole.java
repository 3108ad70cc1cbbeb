package io.certigate.app.fleet;

import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.fleet.anchor.FleetAggregator;
import io.certigate.fleet.anchor.MqttReceiptSink;
import io.certigate.fleet.anchor.RecordLeaves;
import io.certigate.fleet.anchor.StatementChainServer;
import io.certigate.fleet.anchor.StatementConsumer;
import io.certigate.fleet.anchor.StatementInbox;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 */
public final class FleetAnchorRole implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FleetAnchorRole.class.getName());
    static final long STEP_MS = 200;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-anchor");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong statementsTaken = new AtomicLong();
    private final AtomicLong intervalsClosed = new AtomicLong();
    private StatementConsumer consumer;
    private FleetAggregator aggregator;
    private StatementChainServer chainServer;

    private FleetAnchorRole() {}

    /** Opens the database, key, ledger account and broker connection, then starts the loop. */
    public static FleetAnchorRole start(FleetConfig.AnchorOptions o, String bootstrapServers, DeviceKeys keys, Clock clock)
            throws FleetNode.FleetStartException {
        FleetAnchorRole r = new FleetAnchorRole();
        try {
            r.open(o, bootstrapServers, keys, clock);
            return r;
        } catch (FleetNode.FleetStartException e) {
            r.close();
            throw e;
        }
    }

    private void open(FleetConfig.AnchorOptions o, String bootstrapServers, DeviceKeys keys, Clock clock)
            throws FleetNode.FleetStartException {
        SoftwareDeviceKey fleetKey;
        try {
            fleetKey = Pkcs12KeyStore.open(o.keyStore(), Passphrase.resolve(FleetConfig.ANCHOR_PASSPHRASE.key(),
                    o.passphraseSource()));
        } catch (SigningException e) {
            throw new FleetNode.FleetStartException("cannot open the fleet key " + o.keyStore() + ": " + e.getMessage(), e);
        }
        LedgerSettings ledger;
        io.certigate.anchor.ledger.LedgerAccount account;
        try {
            ledger = LedgerSettings.load(o.ledger());
            account = ledger.openAccount();
        } catch (IOException | IllegalArgumentException e) {
            throw new FleetNode.FleetStartException("cannot read the fleet's ledger settings " + o.ledger() + ": "
                    + e.getMessage(), e);
        }
        LedgerClient client = LedgerClient.connect(ledger.config());
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
        try {
            Connection aggregatorDb = db(o);
            Connection inboxDb = db(o);
            aggregator = new FleetAggregator(aggregatorDb, RecordLeaves.of(aggregatorDb), keys::keysFor, client,
                    account, o.fleetId(), fleetKey, new MqttReceiptSink(mqtt), clock, o.intervalMs());
            consumer = new StatementConsumer(bootstrapServers, o.group(), new StatementInbox(inboxDb), clock);
            opened.add(consumer);
            if (o.httpPort() >= 0) {
                chainServer = new StatementChainServer(new InetSocketAddress(o.httpAddress(), o.httpPort()), db(o),
                        o.fleetId());
                opened.add(chainServer);
            }
        } catch (SQLException e) {
            throw new FleetNode.FleetStartException("cannot set up the aggregator's tables: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FleetNode.FleetStartException("cannot serve the statement chains on " + o.httpAddress() + ":"
                    + o.httpPort() + ": " + e.getMessage(), e);
        }
        loop.scheduleWithFixedDelay(this::round, 0, STEP_MS, TimeUnit.MILLISECONDS);
    }

    private Connection db(FleetConfig.AnchorOptions o) throws SQLException {
        Connection c = o.store().connector().open();
        opened.add(c);
        return c;
    }

    private void round() {
        try {
            statementsTaken.addAndGet(consumer.poll(Duration.ofMillis(STEP_MS / 2)));
            FleetAggregator.Step s = aggregator.step();
            if (s.closedInterval() > 0) {
                intervalsClosed.incrementAndGet();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "aggregated anchoring: " + e.getMessage(), e);
        }
    }

    /** Statements taken from Kafka since the start (each once). */
    public long statementsTaken() {
        return statementsTaken.get();
    }

    /** Fleet intervals fixed (closed with at least one statement) since the start. */
    public long intervalsClosed() {
        return intervalsClosed.get();
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
