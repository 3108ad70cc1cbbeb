package io.certigate.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link KafkaCluster} decides before a broker runs: the files it writes, the errors of a
 * taken port and of a classpath without Kafka (testbed's own test classpath has none). The
 * running cluster is tested in fleet's {@code KafkaClusterFaultTest} (integration).
 */
@Tag("component")
class KafkaClusterTest {
    @TempDir
    Path dir;

    @Test
    void aTakenPortFailsTheStartBeforeAnyJvmRuns() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> KafkaCluster.builder(dir).brokers(3).brokerPorts(free(), port, free()).start())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("port " + port + " of Kafka broker 1 (its client listener) is in use");
        }
        assertThat(dir.resolve("broker-0/format.log")).doesNotExist();
    }

    @Test
    void aClasspathWithoutKafkaIsAFormattingErrorWithTheToolsOutput() throws IOException {
        assertThatThrownBy(() -> KafkaCluster.builder(dir).brokers(3).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("formatting the storage of Kafka broker 0 failed (exit code 1)")
                .hasMessageContaining("broker-0/format.log")
                .hasMessageContaining("kafka.tools.StorageTool");

        String config = Files.readString(dir.resolve("broker-1/server.properties"));
        assertThat(config).contains("process.roles=broker,controller", "node.id=1",
                "default.replication.factor=3", "min.insync.replicas=2", "offsets.topic.replication.factor=3",
                "transaction.state.log.min.isr=2", "group.initial.rebalance.delay.ms=0");
        assertThat(config.lines().filter(l -> l.startsWith("controller.quorum.voters=")).findFirst().orElseThrow())
                .matches("controller.quorum.voters=0@127\\.0\\.0\\.1:\\d+,1@127\\.0\\.0\\.1:\\d+,2@127\\.0\\.0\\.1:\\d+");
        assertThat(dir.resolve(KafkaClusterLayout.CLUSTER_FILE)).exists();
    }

    @Test
    void aFolderKeepsItsClusterIdAndPortsAndRefusesAnotherSize() throws IOException {
        assertThatThrownBy(() -> KafkaCluster.builder(dir).brokers(1).start()).isInstanceOf(IOException.class);
        String first = Files.readString(dir.resolve(KafkaClusterLayout.CLUSTER_FILE));
        assertThatThrownBy(() -> KafkaCluster.builder(dir).brokers(1).start()).isInstanceOf(IOException.class);
        assertThat(KafkaClusterLayout.loadClusterFile(dir)).isEqualTo(loadFrom(first));

        assertThatThrownBy(() -> KafkaCluster.builder(dir).brokers(3).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds a cluster of 1 brokers, not 3");
    }

    @Test
    void aSingleBrokerClusterReplicatesOnce() {
        assertThat(KafkaClusterLayout.settings(1)).containsEntry("default.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1")
                .containsEntry("offsets.topic.replication.factor", "1");
        assertThat(KafkaClusterLayout.settings(5)).containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2");
    }

    @Test
    void clusterIdsAreKafkaStyle() {
        for (int i = 0; i < 100; i++) {
            assertThat(KafkaClusterLayout.newClusterId()).matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}");
        }
    }

    private static java.util.Properties loadFrom(String text) throws IOException {
        java.util.Properties p = new java.util.Properties();
        p.load(new java.io.StringReader(text));
        return p;
    }

    private static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
