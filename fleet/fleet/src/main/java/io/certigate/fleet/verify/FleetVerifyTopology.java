package io.certigate.fleet.verify;

import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.topics.FleetTopics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The verification stage as a Kafka Streams topology:
 *
 * <pre>
 * certigate.records --> verify (one processor, per-device state in {@link VerifyStores}) --+--> certigate.verified
 *                                                                                           +--> certigate.findings
 *                                                                                           +--> certigate.parked
 * </pre>
 *
 * Keys and values stay bytes end to end (no serde can fail on a key or value from the network; a
 * record's COSE bytes are passed on as received). Every output topic is keyed by the device id,
 * like the input, so that the next stage is co-partitioned with it.
 */
public final class FleetVerifyTopology {
    static final String SOURCE = "records";
    static final String PROCESSOR = "verify";
    static final String SINK_VERIFIED = "verified";
    static final String SINK_FINDINGS = "findings";
    static final String SINK_PARKED = "parked";

    private FleetVerifyTopology() {}

    /** {@link #build(FleetVerifySettings, DeviceKeys, FleetVerifyMetrics)} with counters of its own. */
    public static Topology build(FleetVerifySettings settings, DeviceKeys keys) {
        return build(settings, keys, new FleetVerifyMetrics());
    }

    /**
     * @param settings the stage's limits and timeouts
     * @param keys     the trusted device keys (configured ones, and the consortium CA and registry that status
     *                 messages' chains are checked against); shared by all stream threads
     * @param metrics  where the counters go
     */
    public static Topology build(FleetVerifySettings settings, DeviceKeys keys, FleetVerifyMetrics metrics) {
        Topology t = new Topology();
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), FleetTopics.RECORDS);
        t.addProcessor(PROCESSOR, () -> new VerifyProcessor(settings, keys, metrics), SOURCE);
        for (String store : VerifyStores.ALL) {
            t.addStateStore(VerifyStores.builder(store), PROCESSOR);
        }
        t.addSink(SINK_VERIFIED, FleetTopics.VERIFIED, new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        t.addSink(SINK_FINDINGS, FleetTopics.FINDINGS, new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        t.addSink(SINK_PARKED, FleetTopics.PARKED, new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        return t;
    }
}
