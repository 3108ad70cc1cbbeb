package io.certigate.fleet.verify;

import io.certigate.fleet.collector.DeviceKeys;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * One instance of the verification stage: {@link FleetVerifyTopology} run by Kafka Streams with
 * exactly-once processing ({@code exactly_once_v2}): a Kafka record's outputs, its state changes
 * and its input offset are committed in one transaction, so an instance killed mid-way leaves no
 * half-verified batch behind. Start as many instances (same application id) as wanted: the
 * partitions of {@code certigate.records}, and with them the devices, are shared among them.
 */
public final class FleetVerifier implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FleetVerifier.class.getName());
    private final KafkaStreams streams;
    private final FleetVerifyMetrics metrics = new FleetVerifyMetrics();

    /**
     * @param bootstrapServers the Kafka cluster ({@code host:port,...})
     * @param settings         the stage's settings (application id, state folder, threads, replication included)
     * @param keys             the trusted device keys and trust anchors
     */
    public FleetVerifier(String bootstrapServers, FleetVerifySettings settings, DeviceKeys keys) {
        this(properties(bootstrapServers, settings), settings, keys);
    }

    /** With Kafka Streams properties of the caller's (security settings, say): see {@link #properties}. */
    public FleetVerifier(Properties properties, FleetVerifySettings settings, DeviceKeys keys) {
        streams = new KafkaStreams(FleetVerifyTopology.build(settings, keys, metrics), properties);
        streams.setUncaughtExceptionHandler(e -> {
            // bad input never gets here (the processor turns it into findings): this is Kafka or the state store
            LOG.log(System.Logger.Level.ERROR, "verification stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /** The Kafka Streams properties of an instance: exactly-once v2, bytes in and out, keys that fail to read skipped. */
    public static Properties properties(String bootstrapServers, FleetVerifySettings settings) {
        Properties p = new Properties();
        p.putAll(settings.streams()); // first: the stage's own properties below win (the settings refuse them anyway)
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        if (settings.stateDir() != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        }
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // a new application reads what the ingest wrote before it first started
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // a verified record carries its COSE bytes: allow outputs as large as the largest accepted input
        String maxRequest = StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        long set = settings.streams().containsKey(maxRequest) ? Long.parseLong(settings.streams().get(maxRequest)) : 0;
        p.put(maxRequest, (int) Math.max(set, Math.max(1 << 20, settings.maxPayloadBytes() + 4096)));
        return p;
    }

    public FleetVerifier start() {
        streams.start();
        return this;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** This instance's counters. */
    public FleetVerifyMetrics metrics() {
        return metrics;
    }

    /** The running Kafka Streams instance (for its metrics and its tasks' lag). */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Stops the instance and leaves the consumer group, so that its partitions move to the other
     * instances at once instead of after the group's session timeout.
     */
    public void close(Duration timeout) {
        streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
