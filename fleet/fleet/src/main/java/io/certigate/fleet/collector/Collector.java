package io.certigate.fleet.collector;

import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.uplink.UplinkException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The reference collector in one piece: a {@link RecordCollector} (verification, deduplication,
 * SQLite) fed by an {@link MqttCollector} subscription. Used by {@code certigate collect} and the
 * demo.
 */
public final class Collector implements AutoCloseable {
    private final RecordCollector records;
    private final MqttCollector subscriber;

    private Collector(RecordCollector records, MqttCollector subscriber) {
        this.records = records;
        this.subscriber = subscriber;
    }

    /** {@link #start(Path, DeviceKeys, BrokerOptions, UnverifiedLimits, Clock, ScheduledExecutorService)} with the default limits. */
    public static Collector start(Path db, DeviceKeys keys, BrokerOptions options, Clock clock,
            ScheduledExecutorService scheduler) throws UplinkException {
        return start(db, keys, options, UnverifiedLimits.DEFAULT, clock, scheduler);
    }

    /**
     * Opens the database and starts subscribing; returns at once (the connection is made in the
     * background). Records that cannot be verified yet are held within {@code limits}.
     */
    public static Collector start(Path db, DeviceKeys keys, BrokerOptions options, UnverifiedLimits limits,
            Clock clock, ScheduledExecutorService scheduler) throws UplinkException {
        RecordCollector rc = RecordCollector.open(db, keys, clock, limits);
        try {
            MqttCollector mc = new MqttCollector(rc, options, scheduler, new SplittableRandom()).start();
            return new Collector(rc, mc);
        } catch (UplinkException | RuntimeException e) {
            try {
                rc.close();
            } catch (SQLException ignored) {
                // the start failure is what matters
            }
            throw e;
        }
    }

    public boolean subscribed() {
        return subscriber.subscribed();
    }

    /** The MQTT side: its connection state, refused logins and last error. */
    public MqttCollector subscriber() {
        return subscriber;
    }

    public RecordCollector records() {
        return records;
    }

    /**
     * Disconnects from the broker (messages being stored finish first); what the broker still
     * queues stays in the collector's persistent session for the next run. A report made after this
     * is consistent: nothing arrives while it is made.
     */
    public void stopReceiving() {
        subscriber.close();
    }

    public CollectorReport report() throws SQLException {
        return records.report();
    }

    @Override
    public void close() throws SQLException {
        subscriber.close();
        records.close();
    }
}
