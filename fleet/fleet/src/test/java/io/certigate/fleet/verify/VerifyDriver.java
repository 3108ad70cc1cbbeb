package io.certigate.fleet.verify;

import io.certigate.core.model.StoredRecord;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.uplink.BatchCodec;
import io.certigate.uplink.StatusMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** {@link FleetVerifyTopology} in a {@code TopologyTestDriver} on virtual wall-clock time, with typed access to its topics. */
final class VerifyDriver implements AutoCloseable {
    static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    final FleetVerifyMetrics metrics = new FleetVerifyMetrics();
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> records;
    private final TestOutputTopic<byte[], byte[]> verified;
    private final TestOutputTopic<byte[], byte[]> findings;
    private final TestOutputTopic<byte[], byte[]> parked;

    VerifyDriver(FleetVerifySettings settings, DeviceKeys keys, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(FleetVerifyTopology.build(settings, keys, metrics), p, START);
        records = driver.createInputTopic(FleetTopics.RECORDS, new ByteArraySerializer(), new ByteArraySerializer());
        verified = driver.createOutputTopic(FleetTopics.VERIFIED, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        findings = driver.createOutputTopic(FleetTopics.FINDINGS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        parked = driver.createOutputTopic(FleetTopics.PARKED, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static byte[] batch(String device, List<StoredRecord> records) {
        List<io.certigate.uplink.RecordBatch> b = new BatchCodec(device, 10_000, 1 << 24).split(records).batches();
        if (b.size() != 1) {
            throw new IllegalStateException("expected one batch, got " + b.size());
        }
        return b.get(0).payload();
    }

    void send(byte[] key, String kind, byte[] value) {
        RecordHeaders h = new RecordHeaders();
        if (kind != null) {
            h.add(FleetTopics.HEADER_KIND, kind.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        records.pipeInput(new TestRecord<>(key, value, h));
    }

    void readings(String device, byte[] payload) {
        send(FleetTopics.key(device), FleetTopics.KIND_READINGS, payload);
    }

    void readings(String device, List<StoredRecord> records) {
        readings(device, batch(device, records));
    }

    void status(String device, StatusMessage status) {
        send(FleetTopics.key(device), FleetTopics.KIND_STATUS, status.encode());
    }

    void advance(Duration d) {
        driver.advanceWallClockTime(d);
    }

    List<VerifiedRecord> verified() {
        return verified.readValuesToList().stream().map(VerifiedRecord::decode).toList();
    }

    /** How many verified records came out since the last read (not decoded). */
    int verifiedCount() {
        return verified.readValuesToList().size();
    }

    List<Finding> findings() {
        return findings.readValuesToList().stream().map(Finding::decode).toList();
    }

    List<Finding> findings(FindingType type) {
        return findings().stream().filter(f -> f.type() == type).toList();
    }

    List<byte[]> parked() {
        return parked.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
