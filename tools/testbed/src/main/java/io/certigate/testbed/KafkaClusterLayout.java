package io.certigate.testbed;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a {@link KafkaCluster} folder holds besides the nodes' own folders ({@code cluster.properties}:
 * the cluster id and ports, reused when the cluster starts again; {@code logging.properties}), and
 * the settings every node shares.
 */
final class KafkaClusterLayout {
    /** The file under the cluster folder that keeps the cluster id and the nodes' ports. */
    static final String CLUSTER_FILE = "cluster.properties";

    private KafkaClusterLayout() {
    }

    /** The nodes' shared settings for a cluster of {@code n}. */
    static Map<String, String> settings(int n) {
        int replicas = Math.min(3, n);
        int minIsr = Math.max(1, replicas - 1);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("num.partitions", "3");
        s.put("default.replication.factor", Integer.toString(replicas));
        s.put("min.insync.replicas", Integer.toString(minIsr));
        s.put("offsets.topic.replication.factor", Integer.toString(replicas));
        s.put("offsets.topic.num.partitions", "3");
        s.put("transaction.state.log.replication.factor", Integer.toString(replicas));
        s.put("transaction.state.log.min.isr", Integer.toString(minIsr));
        s.put("transaction.state.log.num.partitions", "3");
        s.put("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
        s.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
        s.put("share.coordinator.state.topic.num.partitions", "3");
        s.put("unclean.leader.election.enable", "false");
        s.put("num.network.threads", "2");
        s.put("num.io.threads", "2");
        s.put("background.threads", "2");
        s.put("num.replica.fetchers", "1");
        s.put("log.cleaner.threads", "1");
        // the cleaner's dedupe buffer is one heap array, 128 MB by default: half of a 256 MB heap,
        // an OutOfMemoryError at start when the heap has not grown yet; 16 MB hold ~600k keys (24 bytes each)
        s.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        // a killed node is fenced (and leaves the ISRs) after 3 s instead of 9 s
        s.put("broker.heartbeat.interval.ms", "1000");
        s.put("broker.session.timeout.ms", "3000");
        s.put("group.initial.rebalance.delay.ms", "0");
        s.put("group.streams.initial.rebalance.delay.ms", "0");
        s.put("group.min.session.timeout.ms", "1000");
        for (String protocol : List.of("consumer", "streams", "share")) {
            s.put("group." + protocol + ".min.session.timeout.ms", "1000");
            s.put("group." + protocol + ".session.timeout.ms", "10000");
            s.put("group." + protocol + ".min.heartbeat.interval.ms", "500");
            s.put("group." + protocol + ".heartbeat.interval.ms", "1000");
        }
        return s;
    }

    /** A random cluster id as Kafka writes them: 16 bytes, URL-safe Base64 without padding, not starting with '-'. */
    static String newClusterId() {
        while (true) {
            UUID u = UUID.randomUUID();
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    static int[] freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** The saved cluster id and ports of a cluster folder, or null if it holds none. */
    static Properties loadClusterFile(Path dir) throws IOException {
        Path file = dir.resolve(CLUSTER_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    static void writeClusterFile(Path dir, String id, List<KafkaBrokerProcess> nodes) throws IOException {
        Properties p = new Properties();
        p.setProperty("cluster.id", id);
        p.setProperty("brokers", Integer.toString(nodes.size()));
        p.setProperty("bootstrap.servers", nodes.stream().map(n -> "127.0.0.1:" + n.port())
                .collect(Collectors.joining(",")));
        for (KafkaBrokerProcess n : nodes) {
            p.setProperty("broker." + n.id() + ".port", Integer.toString(n.port()));
            p.setProperty("broker." + n.id() + ".controller.port", Integer.toString(n.controllerPort()));
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve(CLUSTER_FILE), StandardCharsets.UTF_8)) {
            p.store(w, "a Kafka cluster of certigate's testbed: id and ports, reused when started again");
        }
    }

    /** java.util.logging settings for nodes whose classpath binds SLF4J to it: one line per record. */
    static void writeLoggingConfig(Path dir) throws IOException {
        Files.write(dir.resolve("logging.properties"), List.of(
                "handlers=java.util.logging.ConsoleHandler",
                ".level=INFO",
                "java.util.logging.ConsoleHandler.level=ALL",
                "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
                "java.util.logging.SimpleFormatter.format=%1$tF %1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n"),
                StandardCharsets.UTF_8);
    }
}
