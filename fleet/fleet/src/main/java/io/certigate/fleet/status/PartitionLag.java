package io.certigate.fleet.status;

/**
 * How far one consumer group is behind on one partition.
 *
 * @param group     the consumer group (a Kafka Streams application's group is its application id)
 * @param topic     the topic
 * @param partition the partition
 * @param committed the group's committed offset; -1 when it has committed none yet
 * @param end       the partition's end offset for a read_committed reader (its last stable offset)
 */
public record PartitionLag(String group, String topic, int partition, long committed, long end) {
    /** Records the group has still to read: the whole partition when it has committed nothing. */
    public long lag() {
        return Math.max(0, end - Math.max(0, committed));
    }
}
