package io.certigate.fleet.verify;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The verification stage's settings, defined once (key, default, unit, range, meaning), and their
 * values as one immutable object: compare two with {@code equals} to see whether anything changed.
 *
 * @param aheadBuffer       records of one device held at most while they wait for a gap before them to close
 * @param gapTimeout        how long a gap may stay open before it is reported and the chain resumes after it
 * @param maxPayloadBytes   largest Kafka record value (an uplink batch or a status) that is looked at
 * @param duplicateWindow   recent seqs per device whose hashes are kept to tell a duplicate from a fork
 *                          (and to prove an erasure)
 * @param gapCheckInterval  how often open gaps are looked at (wall-clock punctuation)
 * @param registryRetry     how often the keys of devices with parked records are tried again from their
 *                          last status message (for a device registered after it first spoke); zero: never
 * @param applicationId     the Kafka Streams application id (consumer group, internal topic prefix)
 * @param stateDir          where the RocksDB state stores live; null for Kafka Streams' default
 * @param streamThreads     stream threads of one instance
 * @param replicationFactor replication factor of the internal (changelog) topics
 * @param unknownDeviceAfter how long a device's records may stay parked before an unknown-device finding
 * @param streams           Kafka Streams properties passed through ({@code fleet.verify.kafka.streams.<NAME>}),
 *                          such as {@code commit.interval.ms} or {@code producer.linger.ms}
 */
public record FleetVerifySettings(int aheadBuffer, Duration gapTimeout, int maxPayloadBytes, int duplicateWindow,
        Duration gapCheckInterval, Duration registryRetry, String applicationId, String stateDir, int streamThreads,
        int replicationFactor, Duration unknownDeviceAfter, Map<String, String> streams) {

    public static final Setting AHEAD_BUFFER = Setting.whole("fleet.verify.ahead-buffer", 1000, 1, 1_000_000, "records",
            "records of one device held at most while a gap before them is open; when full, the gap is reported"
                    + " and the chain resumes after it");
    public static final Setting GAP_TIMEOUT_MS = Setting.whole("fleet.verify.gap-timeout-ms", 300_000, 1,
            Duration.ofDays(30).toMillis(), "ms", "how long seqs may be missing before a gap finding is emitted and"
                    + " the chain resumes after them");
    public static final Setting MAX_PAYLOAD_BYTES = Setting.whole("fleet.verify.max-payload-bytes", 1 << 20, 64,
            Integer.MAX_VALUE, "bytes", "largest uplink payload looked at; larger ones are refused as oversized");
    public static final Setting DUPLICATE_WINDOW = Setting.whole("fleet.verify.duplicate-window", 1024, 1, 1 << 20,
            "records", "recent seqs per device whose hashes are kept to tell a duplicate from a fork and to prove"
                    + " an erasure");
    public static final Setting GAP_CHECK_INTERVAL_MS = Setting.whole("fleet.verify.gap-check-interval-ms", 1000, 10,
            3_600_000, "ms", "how often open gaps are looked at");
    public static final Setting REGISTRY_RETRY_MS = Setting.whole("fleet.verify.registry-retry-ms", 0, 0,
            Duration.ofDays(1).toMillis(), "ms", "how often parked devices' last status is tried again against the"
                    + " device registry (0: only when a status arrives)");
    public static final Setting APPLICATION_ID = Setting.of("fleet.verify.application-id", Type.TEXT,
            "certigate-fleet-verify", "Kafka Streams application id of the verification stage");
    public static final Setting STATE_DIR = Setting.of("fleet.verify.state-dir", Type.PATH, null,
            "folder of the verification's RocksDB state stores (Kafka Streams' default when absent)");
    public static final Setting STREAM_THREADS = Setting.whole("fleet.verify.stream-threads", 1, 1, 256, "threads",
            "stream threads per instance (at most one per core is useful)");
    public static final Setting REPLICATION_FACTOR = Setting.whole("fleet.verify.replication-factor", 3, 1, 32, "",
            "replication factor of the verification's changelog topics");

    public static final Setting UNKNOWN_DEVICE_AFTER_MS = Setting.whole("fleet.verify.unknown-device-after-ms", 30_000, 0,
            Duration.ofDays(1).toMillis(), "ms", "how long a device's records may stay parked (no trusted key yet:"
                    + " its status may come through another ingest instance after its readings) before an"
                    + " unknown-device finding is emitted (0: at once)");

    /** A family: {@code fleet.verify.kafka.streams.commit.interval.ms = 200} sets Kafka Streams' {@code commit.interval.ms}. */
    public static final Setting KAFKA_STREAMS = Setting.of("fleet.verify.kafka.streams.<NAME>", Type.TEXT, null,
            "a Kafka Streams property passed through, its producer's and consumer's with the prefixes producer. and"
                    + " consumer. (not the ones the stage sets for its guarantees: application.id, bootstrap.servers,"
                    + " processing.guarantee, num.stream.threads, replication.factor, state.dir, which have keys of"
                    + " their own or are fixed)");

    public static final List<Setting> ALL = List.of(UNKNOWN_DEVICE_AFTER_MS, AHEAD_BUFFER, GAP_TIMEOUT_MS, MAX_PAYLOAD_BYTES, DUPLICATE_WINDOW,
            GAP_CHECK_INTERVAL_MS, REGISTRY_RETRY_MS, APPLICATION_ID, STATE_DIR, STREAM_THREADS, REPLICATION_FACTOR,
            KAFKA_STREAMS);

    /** Kafka Streams properties the stage sets itself (exactly-once, its own keys); refused as pass-through. */
    static final Set<String> FIXED_STREAMS_PROPERTIES = Set.of("application.id", "bootstrap.servers",
            "processing.guarantee", "num.stream.threads", "replication.factor", "state.dir",
            "default.deserialization.exception.handler", "deserialization.exception.handler",
            "producer.transactional.id", "producer.enable.idempotence", "producer.acks",
            "consumer.isolation.level", "consumer.enable.auto.commit");

    public FleetVerifySettings {
        if (aheadBuffer < 1 || maxPayloadBytes < 1 || duplicateWindow < 1 || streamThreads < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("verification settings must be positive: " + this);
        }
        if (gapTimeout.isNegative() || gapTimeout.isZero() || gapCheckInterval.isNegative() || gapCheckInterval.isZero()
                || registryRetry.isNegative() || unknownDeviceAfter.isNegative()) {
            throw new IllegalArgumentException("verification durations must be positive: " + this);
        }
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("an application id is required");
        }
        streams = Map.copyOf(new TreeMap<>(streams));
        for (String k : streams.keySet()) {
            if (FIXED_STREAMS_PROPERTIES.contains(k)) {
                throw new IllegalArgumentException(KAFKA_STREAMS.prefix() + k + " cannot be set: the verification sets "
                        + k + " itself (exactly-once processing) or has a key of its own for it");
            }
        }
    }

    /** Every setting at its default. */
    public static FleetVerifySettings defaults() {
        return from(new ConfigValues("defaults", Map.of()));
    }

    /** The values of {@code c}, each checked against its definition (errors name the origin and the key). */
    public static FleetVerifySettings from(ConfigValues c) {
        String stateDir = c.text(STATE_DIR);
        return new FleetVerifySettings(c.wholeInt(AHEAD_BUFFER), Duration.ofMillis(c.whole(GAP_TIMEOUT_MS)),
                c.wholeInt(MAX_PAYLOAD_BYTES), c.wholeInt(DUPLICATE_WINDOW),
                Duration.ofMillis(c.whole(GAP_CHECK_INTERVAL_MS)), Duration.ofMillis(c.whole(REGISTRY_RETRY_MS)),
                c.text(APPLICATION_ID), stateDir.isEmpty() ? null : stateDir, c.wholeInt(STREAM_THREADS),
                c.wholeInt(REPLICATION_FACTOR), Duration.ofMillis(c.whole(UNKNOWN_DEVICE_AFTER_MS)), streams(c));
    }

    /** The {@code fleet.verify.kafka.streams.} family's values, by Kafka Streams property name. */
    private static Map<String, String> streams(ConfigValues c) {
        Map<String, String> streams = new TreeMap<>();
        c.asMap().forEach((k, v) -> {
            if (KAFKA_STREAMS.matches(k)) {
                streams.put(k.substring(KAFKA_STREAMS.prefix().length()), String.valueOf(v).trim());
            }
        });
        return streams;
    }

    /**
     * These settings with one changed, given as it would be written in a configuration file
     * ({@code with(AHEAD_BUFFER, 3)}, durations in ms): checked against its definition like any other value.
     */
    public FleetVerifySettings with(Setting setting, Object value) {
        if (!ALL.contains(setting)) {
            throw new IllegalArgumentException(setting.key() + " is not a verification setting");
        }
        Map<String, String> values = new HashMap<>();
        values.put(AHEAD_BUFFER.key(), Integer.toString(aheadBuffer));
        values.put(GAP_TIMEOUT_MS.key(), Long.toString(gapTimeout.toMillis()));
        values.put(MAX_PAYLOAD_BYTES.key(), Integer.toString(maxPayloadBytes));
        values.put(DUPLICATE_WINDOW.key(), Integer.toString(duplicateWindow));
        values.put(GAP_CHECK_INTERVAL_MS.key(), Long.toString(gapCheckInterval.toMillis()));
        values.put(REGISTRY_RETRY_MS.key(), Long.toString(registryRetry.toMillis()));
        values.put(APPLICATION_ID.key(), applicationId);
        if (stateDir != null) {
            values.put(STATE_DIR.key(), stateDir);
        }
        values.put(STREAM_THREADS.key(), Integer.toString(streamThreads));
        values.put(REPLICATION_FACTOR.key(), Integer.toString(replicationFactor));
        values.put(UNKNOWN_DEVICE_AFTER_MS.key(), Long.toString(unknownDeviceAfter.toMillis()));
        streams.forEach((k, v) -> values.put(KAFKA_STREAMS.prefix() + k, v));
        values.put(setting.key(), value.toString());
        return from(new ConfigValues("changed verification settings", values));
    }
}
