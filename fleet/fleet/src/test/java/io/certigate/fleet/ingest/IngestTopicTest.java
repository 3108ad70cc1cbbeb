package io.certigate.fleet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.topics.FleetTopics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class IngestTopicTest {

    @Test
    void theSharedSubscriptionsCoverEveryDevicesReadingsAndStatus() {
        assertThat(IngestTopic.filters("fleet-a")).containsExactly("$share/fleet-a/certigate/v1/+/readings",
                "$share/fleet-a/certigate/v1/+/status", "$share/fleet-a/certigate/v1/+/statements");
    }

    @Test
    void statementTopicsAreTheirOwnKind() {
        assertThat(IngestTopic.of("certigate/v1/veh-1/statements"))
                .isEqualTo(new IngestTopic(io.certigate.fleet.topics.FleetTopics.KIND_STATEMENT, "veh-1", null));
        assertThat(IngestTopic.of("certigate/v1/veh-1/receipts").valid()).isFalse();
    }

    @Test
    void readingsAndStatusTopicsNameTheirKindAndDevice() {
        assertThat(IngestTopic.of("certigate/v1/veh-1/readings"))
                .isEqualTo(new IngestTopic(FleetTopics.KIND_READINGS, "veh-1", null));
        assertThat(IngestTopic.of("certigate/v1/veh-1/status"))
                .isEqualTo(new IngestTopic(FleetTopics.KIND_STATUS, "veh-1", null));
        assertThat(IngestTopic.of("certigate/v1/" + "é".repeat(64) + "/readings").valid()).isTrue(); // 128 bytes
    }

    @Test
    void deviceIdsTheFleetCannotKeyByAreRefusedWithTheReason() {
        assertThat(IngestTopic.of("certigate/v1//readings").problem()).contains("empty");
        assertThat(IngestTopic.of("certigate/v1/" + "é".repeat(64) + "x/readings").problem()).contains("129 bytes");
        assertThat(IngestTopic.of("certigate/v1/dev\u0001/readings").problem()).contains("control characters");
        assertThat(IngestTopic.of("certigate/v1/dev\u0085/status").problem()).contains("control characters");
        assertThat(IngestTopic.of("certigate/v1/dev\u007f/status").problem()).contains("control characters");
        assertThat(IngestTopic.of("certigate/v1/a/b/readings").problem()).contains("'/'");
        IngestTopic other = IngestTopic.of("certigate/v1/veh-1/proofs");
        assertThat(other.valid()).isFalse();
        assertThat(other.kind()).isNull();
        assertThat(IngestTopic.of("certigate/v1/readings").valid()).isFalse();
    }
}
