package io.certigate.fleet.topics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the fleet tier's topics ({@link FleetTopics#ALL}) when they are missing: {@code partitions}
 * each (the unit of parallelism: instances of a stage share a topic's partitions, so there can be no
 * more busy instances than partitions), replicated {@code replication} times with
 * {@code min.insync.replicas} one below that (at least 1), so that a write acknowledged with
 * {@code acks=all} survives the loss of any one broker. Topics that exist are left as they are; one
 * whose partition count differs is reported, since the partition of a device depends on it.
 */
public final class TopicLayout {
    private final int partitions;
    private final short replication;

    public TopicLayout(int partitions, int replication) {
        if (partitions < 1 || replication < 1 || replication > Short.MAX_VALUE) {
            throw new IllegalArgumentException("partitions and replication must be at least 1: " + partitions + ", "
                    + replication);
        }
        this.partitions = partitions;
        this.replication = (short) replication;
    }

    public int partitions() {
        return partitions;
    }

    public int replication() {
        return replication;
    }

    /** min.insync.replicas of the topics created. */
    public int minInsyncReplicas() {
        return Math.max(1, replication - 1);
    }

    /**
     * The topics' descriptions; asked again while the broker answering does not know a topic just
     * created yet (its metadata reaches the brokers a moment after the creation is acknowledged).
     */
    private static Map<String, TopicDescription> described(Admin admin, long timeoutMs)
            throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try {
                return admin.describeTopics(FleetTopics.ALL).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Creates what is missing and returns the names created. A topic that exists with another
     * partition count is an {@link IllegalStateException} naming both counts.
     */
    public List<String> ensure(Admin admin, long timeoutMs) throws InterruptedException, TimeoutException {
        try {
            Set<String> existing = new HashSet<>(admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS));
            List<NewTopic> create = new ArrayList<>();
            for (String t : FleetTopics.ALL) {
                if (!existing.contains(t)) {
                    create.add(new NewTopic(t, partitions, replication)
                            .configs(Map.of("min.insync.replicas", Integer.toString(minInsyncReplicas()))));
                }
            }
            List<String> created = new ArrayList<>();
            if (!create.isEmpty()) {
                var result = admin.createTopics(create);
                for (NewTopic t : create) {
                    try {
                        result.values().get(t.name()).get(timeoutMs, TimeUnit.MILLISECONDS);
                        created.add(t.name());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e; // another instance creating it at the same time is fine
                        }
                    }
                }
            }
            Map<String, TopicDescription> described = described(admin, timeoutMs);
            for (TopicDescription d : described.values()) {
                if (d.partitions().size() != partitions) {
                    throw new IllegalStateException("topic " + d.name() + " has " + d.partitions().size()
                            + " partitions, the configuration says " + partitions + ": a device's records would move"
                            + " to another partition; keep the topic's count or recreate the topics");
                }
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the fleet topics: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
