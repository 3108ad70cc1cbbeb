package io.certigate.fleet.status;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Reads the lag of the fleet tier's consumer groups from the cluster, with the Admin API only: the
 * groups' committed offsets against each partition's last stable offset (what a read_committed
 * consumer can read; the fleet's topics are written in transactions). Every partition of the topics
 * asked for is listed, including the ones a group has not committed on yet, so a stage that never
 * started shows its whole backlog rather than nothing.
 */
public final class FleetLag {
    private final Admin admin;
    private final long timeoutMs;

    public FleetLag(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /**
     * The lag of {@code group} on every partition of {@code topics}, sorted by topic and partition.
     *
     * @throws FleetStatusException when the cluster does not answer in time, or a topic does not exist
     */
    public List<PartitionLag> lag(String group, Collection<String> topics) throws FleetStatusException {
        Map<String, TopicDescription> described = get(admin.describeTopics(topics).allTopicNames(),
                "describe topics " + topics);
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (TopicDescription d : described.values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                ask.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = get(
                admin.listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(),
                "read the end offsets of " + topics);
        Map<TopicPartition, OffsetAndMetadata> committed = get(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                "read the committed offsets of group " + group);
        List<PartitionLag> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            out.add(new PartitionLag(group, e.getKey().topic(), e.getKey().partition(), c == null ? -1 : c.offset(),
                    e.getValue().offset()));
        }
        out.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
        return out;
    }

    private <T> T get(org.apache.kafka.common.KafkaFuture<T> f, String what) throws FleetStatusException {
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetStatusException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw new FleetStatusException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new FleetStatusException("the Kafka cluster did not answer within " + timeoutMs + " ms when asked to "
                    + what, e);
        }
    }

    /** The cluster could not tell; the message says what was asked. */
    public static final class FleetStatusException extends Exception {
        public FleetStatusException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
