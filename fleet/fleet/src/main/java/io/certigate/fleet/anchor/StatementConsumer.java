package io.certigate.fleet.anchor;

import io.certigate.fleet.topics.FleetTopics;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@link FleetTopics#STATEMENTS} into the {@link StatementInbox}. Offsets are not committed to
 * Kafka: they are written to PostgreSQL in the same transaction as the statements read up to them,
 * and a partition assigned to this consumer resumes from there; so a crash between the two cannot
 * lose or double a statement (and the inbox dedupes by statement hash anyway). A poll whose
 * statements PostgreSQL did not take puts the consumer back to where that poll started, so the next
 * poll reads them again instead of skipping them.
 */
public final class StatementConsumer implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final StatementInbox inbox;
    private final java.time.Clock clock;

    public StatementConsumer(String bootstrap, String group, StatementInbox inbox, java.time.Clock clock) {
        this(bootstrap, group, java.util.Map.of(), inbox, clock);
    }

    /**
     * @param membership further consumer properties: the instance's group membership
     *                   ({@code group.instance.id}, {@code session.timeout.ms}, {@code heartbeat.interval.ms}),
     *                   so that a restarted instance takes its partitions back at once
     */
    public StatementConsumer(String bootstrap, String group, java.util.Map<String, ?> membership, StatementInbox inbox,
            java.time.Clock clock) {
        Properties p = new Properties();
        p.putAll(membership);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.inbox = inbox;
        this.clock = clock;
        consumer.subscribe(List.of(FleetTopics.STATEMENTS), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                for (TopicPartition tp : partitions) {
                    try {
                        OptionalLong at = inbox.offset(tp.topic(), tp.partition());
                        if (at.isPresent()) {
                            consumer.seek(tp, at.getAsLong());
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException("statement offsets unreadable: " + e.getMessage(), e);
                    }
                }
            }
        });
    }

    /** One poll; returns what the inbox took. */
    public StatementInbox.Taken poll(Duration timeout) throws SQLException {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        if (records.isEmpty()) {
            return StatementInbox.Taken.NOTHING;
        }
        List<StatementInbox.Incoming> in = new ArrayList<>();
        List<StatementInbox.Status> statuses = new ArrayList<>();
        List<StatementInbox.Offset> offsets = new ArrayList<>();
        for (TopicPartition tp : records.partitions()) {
            long last = -1;
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                if (r.key() != null && r.value() != null) {
                    if (isStatus(r)) {
                        statuses.add(new StatementInbox.Status(FleetTopics.device(r.key()), r.value()));
                    } else {
                        in.add(new StatementInbox.Incoming(FleetTopics.device(r.key()), r.value()));
                    }
                }
                last = r.offset();
            }
            offsets.add(new StatementInbox.Offset(tp.topic(), tp.partition(), last + 1));
        }
        try {
            return inbox.receive(in, statuses, offsets, clock.millis());
        } catch (SQLException | RuntimeException e) {
            for (TopicPartition tp : records.partitions()) {
                consumer.seek(tp, records.records(tp).get(0).offset());
            }
            throw e;
        }
    }

    /** A status message the ingest copied next to the statements (header {@link FleetTopics#HEADER_KIND}). */
    private static boolean isStatus(ConsumerRecord<byte[], byte[]> r) {
        Header kind = r.headers().lastHeader(FleetTopics.HEADER_KIND);
        return kind != null && FleetTopics.KIND_STATUS.equals(new String(kind.value(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
