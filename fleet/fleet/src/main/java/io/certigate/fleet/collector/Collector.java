package io.certigate.fleet.collector;

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

    /** Opens the database and starts subscribing; returns at once (the connection is made in the background). */
    public static Collector start(Path db, DeviceKeys keys, MqttCollector.Options options, Clock clock,
            ScheduledExecutorService scheduler) throws UplinkException {
        RecordCollector rc = RecordCollector.open(db, keys, clock);
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

    public RecordCollector records() {
        return records;
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
