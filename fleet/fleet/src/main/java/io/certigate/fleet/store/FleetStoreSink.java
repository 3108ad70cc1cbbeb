package io.certigate.fleet.store;

import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.VerifiedRecord;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumes {@link FleetTopics#VERIFIED} and {@link FleetTopics#FINDINGS} (committed transactions
 * only, {@code isolation.level=read_committed}) in a consumer group and writes them to PostgreSQL:
 * each poll's records in one transaction ({@link StoreWriter}), the Kafka offsets committed only
 * after PostgreSQL committed. A crash between the two replays the poll, and the primary key
 * (device, seq) and the findings' uniqueness make the replay write nothing: each record is in the
 * store exactly once.
 *
 * <p>While PostgreSQL fails (down, restarting, a lost connection) the same poll is written again
 * with a back-off doubling from {@link StoreOptions#retryMin()} to {@link StoreOptions#retryMax()};
 * nothing is committed to Kafka meanwhile and nothing is skipped. The partitions are paused during
 * the waits, which are polls, so the consumer stays in its group. A value that cannot be decoded
 * cannot be stored either: it is counted ({@link StoreMetrics#undecodableValues()}), logged (the
 * first one with its topic, partition and offset), and skipped.
 *
 * <p>Instances started with the same group share the partitions; one device's records are in one
 * partition, so one instance writes them, in order.
 */
public final class FleetStoreSink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FleetStoreSink.class.getName());
    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, Object> consumerConfig;
    private final StoreOptions options;
    private final StoreConnector connector;
    private final StoreMetrics metrics;
    private final Thread thread;
    private volatile boolean closing;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Throwable failure;
    private boolean undecodableLogged;
    /** What this sink committed last per partition (its thread only). */
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /**
     * @param kafka   consumer settings of the cluster ({@code bootstrap.servers}, security); the
     *                sink sets the group, the deserializers, read_committed and manual commits
     * @param options the group, the batch size and the retry waits
     */
    public FleetStoreSink(Map<String, ?> kafka, StoreOptions options, StoreConnector connector, StoreMetrics metrics) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, options.group());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, options.batchSize());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumerConfig = c;
        this.options = options;
        this.connector = connector;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "fleet-store-sink");
        thread.setUncaughtExceptionHandler((t, e) -> {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "fleet store sink stopped: " + e, e);
        });
    }

    /** Starts consuming on a thread of its own (the tables are made or updated first). */
    public void start() {
        thread.start();
    }

    public StoreMetrics metrics() {
        return metrics;
    }

    /** What stopped the sink's thread other than {@link #close()}, or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean running() {
        return thread.isAlive();
    }

    private void run() {
        try (StoreWriter writer = new StoreWriter(connector);
                KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig)) {
            consumer = c;
            if (closing || !createSchema()) {
                return;
            }
            c.subscribe(List.of(FleetTopics.VERIFIED, FleetTopics.FINDINGS));
            while (!closing) {
                ConsumerRecords<byte[], byte[]> polled = c.poll(POLL);
                if (polled.isEmpty()) {
                    commitIdle(c);
                    continue;
                }
                Batch batch = new Batch();
                batch.add(polled);
                if (!writeUntilDone(c, writer, batch)) {
                    return;
                }
                commit(c, batch);
            }
        } catch (WakeupException e) {
            if (!closing) {
                failure = e;
            }
        } catch (KafkaException | IllegalStateException e) {
            if (closing) {
                return;
            }
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "fleet store sink stopped: " + e.getMessage(), e);
        }
    }

    private boolean createSchema() {
        Duration wait = options.retryMin();
        FleetStore store = new FleetStore(connector);
        while (!closing) {
            try {
                int applied = store.createOrUpdateSchema();
                if (applied > 0) {
                    LOG.log(System.Logger.Level.INFO, "fleet store: schema brought to version " + StoreSchema.VERSION);
                }
                return true;
            } catch (SQLException e) {
                metrics.failedAttempt();
                LOG.log(System.Logger.Level.WARNING, "fleet store: cannot reach PostgreSQL to make the tables ("
                        + e.getMessage() + "); again in " + wait.toMillis() + " ms");
                try {
                    if (closed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        return false;
                    }
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                wait = next(wait);
            }
        }
        return false;
    }

    /** Writes the batch, again and again while PostgreSQL fails; false when closed meanwhile. */
    private boolean writeUntilDone(KafkaConsumer<byte[], byte[]> c, StoreWriter writer, Batch batch) {
        Duration wait = options.retryMin();
        int attempts = 0;
        while (true) {
            long t0 = System.nanoTime();
            try {
                WriteResult r = writer.write(batch.records, batch.findings);
                metrics.written(r, System.nanoTime() - t0);
                if (attempts > 0) {
                    LOG.log(System.Logger.Level.INFO, "fleet store: batch written after " + attempts
                            + " failed attempt(s)");
                    c.resume(c.paused());
                }
                return true;
            } catch (SQLException e) {
                metrics.failedAttempt();
                attempts++;
                if (attempts == 1) {
                    LOG.log(System.Logger.Level.WARNING, "fleet store: writing " + batch.records.size()
                            + " record(s) failed (" + e.getMessage() + "); retrying, Kafka offsets held back");
                }
            }
            if (closing) {
                return false;
            }
            // the wait is a poll of paused partitions: the consumer stays in its group meanwhile
            c.pause(c.assignment());
            ConsumerRecords<byte[], byte[]> more = c.poll(wait);
            batch.add(more); // partitions assigned during the wait are not paused yet
            c.pause(c.assignment());
            wait = next(wait);
        }
    }

    private Duration next(Duration wait) {
        Duration d = wait.multipliedBy(2);
        return d.compareTo(options.retryMax()) > 0 ? options.retryMax() : d;
    }

    /**
     * After an empty poll, the positions that moved past transaction markers only (everything polled
     * before is written), so that a group that caught up shows no lag.
     */
    private void commitIdle(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        // every owned partition, including one that held nothing but aborted transactions (and so was
        // never in a batch): its position is past markers only
        for (TopicPartition tp : c.assignment()) {
            if (!c.paused().contains(tp)) {
                long pos = c.position(tp);
                if (pos > committed.getOrDefault(tp, 0L)) {
                    offsets.put(tp, new OffsetAndMetadata(pos));
                }
            }
        }
        commitSync(c, offsets);
    }

    private void commit(KafkaConsumer<byte[], byte[]> c, Batch batch) {
        Set<TopicPartition> owned = c.assignment();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : batch.next.keySet()) {
            if (owned.contains(tp)) {
                // every record polled from it is in the batch: its position, past the transaction
                // markers too, so that a caught-up group shows no lag
                offsets.put(tp, new OffsetAndMetadata(Math.max(c.position(tp), batch.next.get(tp))));
            }
        }
        commitSync(c, offsets);
    }

    private void commitSync(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            c.commitSync(offsets);
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions moved: their new owner replays from the last commit, which writes nothing twice
            LOG.log(System.Logger.Level.INFO, "fleet store: offsets not committed (" + e.getMessage()
                    + "); the records are written and a replay stores nothing twice");
        }
    }

    /** One poll's records decoded, with the offsets to commit once they are written. */
    private final class Batch {
        final List<VerifiedRecord> records = new ArrayList<>();
        final List<Finding> findings = new ArrayList<>();
        final Map<TopicPartition, Long> next = new HashMap<>();

        void add(ConsumerRecords<byte[], byte[]> polled) {
            for (ConsumerRecord<byte[], byte[]> r : polled) {
                next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
                try {
                    if (r.value() == null) {
                        throw new IllegalArgumentException("no value");
                    }
                    if (FleetTopics.FINDINGS.equals(r.topic())) {
                        findings.add(Finding.decode(r.value()));
                    } else {
                        records.add(VerifiedRecord.decode(r.value()));
                    }
                } catch (IllegalArgumentException e) {
                    undecodable(r, e);
                }
            }
        }
    }

    private void undecodable(ConsumerRecord<byte[], byte[]> r, IllegalArgumentException e) {
        metrics.undecodable();
        String what = "fleet store: skipped an undecodable value at " + r.topic() + "-" + r.partition() + "@"
                + r.offset() + ": " + e.getMessage();
        if (!undecodableLogged) {
            undecodableLogged = true;
            LOG.log(System.Logger.Level.WARNING, what + " (further ones are counted, logged at debug level)");
        } else {
            LOG.log(System.Logger.Level.DEBUG, what);
        }
    }

    /** Stops consuming; a batch being written is finished or, while PostgreSQL fails, left uncommitted. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        closed.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.join(30_000);
    }
}
