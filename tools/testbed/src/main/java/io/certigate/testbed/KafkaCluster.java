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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real Apache Kafka cluster on loopback for integration tests, benches and demos: N nodes in
 * KRaft mode, each its own JVM process running {@code kafka.Kafka} with the combined broker and
 * controller roles, {@code controller.quorum.voters} listing every node, the storage formatted by
 * {@code kafka.tools.StorageTool format -t <cluster id> -c server.properties} (a static quorum, no
 * {@code --standalone}).
 *
 * <p>testbed does not depend on Kafka: the nodes run on a classpath given to the builder, by default
 * this JVM's {@code java.class.path} (a module whose tests declare {@code kafka_2.13}). The nodes'
 * output, configuration and data stay under the folder given to {@link #builder}; {@link #close()}
 * stops the nodes and leaves the folder for diagnosis. Starting again on a folder that holds a
 * cluster reuses its id, ports and data (a restart, not a new cluster).
 *
 * <p>Settings are for a small machine running several JVMs: a small heap and the serial collector,
 * few network and I/O threads, topics with 3 partitions replicated on {@code min(3, N)} nodes,
 * {@code min.insync.replicas} one less (2 for 3 nodes), the same for the consumer offsets,
 * transaction state and share-group state topics (3 partitions each instead of 50), no initial
 * rebalance delay, short broker and group session timeouts so that a killed node is noticed within
 * seconds. {@link Builder#brokerProperty} overrides any of them.
 */
public final class KafkaCluster implements AutoCloseable {
    /** The file under the cluster folder that keeps the cluster id and the nodes' ports. */
    public static final String CLUSTER_FILE = "cluster.properties";

    private final Path dir;
    private final String clusterId;
    private final List<KafkaBrokerProcess> nodes;
    private final String javaCommand;
    private final String classpath;
    private final List<String> jvmOptions;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final Thread killOnExit = new Thread(this::killAll, "kafka-cluster-kill-on-exit");
    private boolean hooked;
    /** Nodes stopped or killed on purpose: their exit is no start failure. */
    private final Set<Integer> down = new TreeSet<>();

    private KafkaCluster(Builder b, String clusterId, List<KafkaBrokerProcess> nodes) {
        this.dir = b.dir;
        this.clusterId = clusterId;
        this.nodes = nodes;
        this.javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classpath = b.classpath;
        this.jvmOptions = b.jvmOptions();
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
    }

    /** A cluster whose files go under {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir.toAbsolutePath());
    }

    /** How to start the cluster; every setting has a default. */
    public static final class Builder {
        private final Path dir;
        private int brokers = 3;
        private String classpath = System.getProperty("java.class.path");
        private String heap = "256m";
        private final List<String> extraJvmOptions = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private int[] ports;
        private Duration startTimeout = Duration.ofSeconds(90);
        private Duration stopTimeout = Duration.ofSeconds(20);

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Number of nodes, each a broker and a controller (default 3). */
        public Builder brokers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a cluster needs at least one broker");
            }
            this.brokers = n;
            return this;
        }

        /** The classpath holding {@code kafka_2.13} and its runtime dependencies (default: this JVM's). */
        public Builder classpath(String cp) {
            this.classpath = cp;
            return this;
        }

        /** Maximum heap of each node, as for {@code -Xmx} (default 256m). */
        public Builder heap(String size) {
            this.heap = size;
            return this;
        }

        /** A further option for the nodes' JVMs. */
        public Builder jvmOption(String option) {
            extraJvmOptions.add(option);
            return this;
        }

        /** A setting of every node's {@code server.properties}, over the defaults. */
        public Builder brokerProperty(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** Fixed client (PLAINTEXT) ports, one per node, instead of free ones; controller ports stay free ones. */
        public Builder brokerPorts(int... ports) {
            this.ports = ports.clone();
            return this;
        }

        /** How long {@link #start()} and {@link KafkaCluster#restart} wait for the nodes (default 90 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long a graceful stop may take before the node is killed (default 20 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        private List<String> jvmOptions() {
            List<String> o = new ArrayList<>(List.of("-Xmx" + heap, "-Xms32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.awt.headless=true",
                    "-Djava.util.logging.config.file=" + dir.resolve("logging.properties")));
            o.addAll(extraJvmOptions);
            return o;
        }

        /**
         * Formats the nodes' storage where needed, starts every node and waits until every node
         * lists every node as alive (the quorum has a leader, every broker is registered, unfenced
         * and serving). On failure the nodes started are killed and the error names the node and
         * quotes the end of its log.
         */
        public KafkaCluster start() throws IOException, InterruptedException {
            if (ports != null && ports.length != brokers) {
                throw new IllegalArgumentException(ports.length + " ports for " + brokers + " brokers");
            }
            Files.createDirectories(dir);
            Properties saved = loadClusterFile(dir);
            String id;
            int[] client;
            int[] controller;
            if (saved != null) {
                int savedBrokers = Integer.parseInt(saved.getProperty("brokers"));
                if (savedBrokers != brokers) {
                    throw new IllegalStateException(dir + " holds a cluster of " + savedBrokers
                            + " brokers, not " + brokers);
                }
                id = saved.getProperty("cluster.id");
                client = new int[brokers];
                controller = new int[brokers];
                for (int i = 0; i < brokers; i++) {
                    client[i] = ports != null ? ports[i] : Integer.parseInt(saved.getProperty("broker." + i + ".port"));
                    controller[i] = Integer.parseInt(saved.getProperty("broker." + i + ".controller.port"));
                }
            } else {
                id = newClusterId();
                int[] free = freePorts(ports == null ? 2 * brokers : brokers);
                client = ports != null ? ports.clone() : Arrays.copyOfRange(free, 0, brokers);
                controller = ports != null ? free : Arrays.copyOfRange(free, brokers, 2 * brokers);
            }
            List<KafkaBrokerProcess> nodes = new ArrayList<>();
            for (int i = 0; i < brokers; i++) {
                nodes.add(new KafkaBrokerProcess(i, dir, client[i], controller[i]));
            }
            String voters = nodes.stream().map(n -> n.id() + "@127.0.0.1:" + n.controllerPort())
                    .collect(Collectors.joining(","));
            Map<String, String> settings = settings(brokers);
            settings.putAll(properties);
            for (KafkaBrokerProcess n : nodes) {
                n.writeConfig(settings, voters);
            }
            writeLoggingConfig(dir);
            writeClusterFile(dir, id, nodes);
            KafkaCluster cluster = new KafkaCluster(this, id, nodes);
            cluster.startAll();
            return cluster;
        }
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

    private void startAll() throws IOException, InterruptedException {
        try {
            List<Process> formats = new ArrayList<>();
            List<KafkaBrokerProcess> unformatted = new ArrayList<>();
            for (KafkaBrokerProcess n : nodes) {
                if (!n.formatted()) {
                    formats.add(n.startFormat(javaCommand, classpath, clusterId));
                    unformatted.add(n);
                }
            }
            for (int i = 0; i < formats.size(); i++) {
                unformatted.get(i).awaitFormat(formats.get(i), startTimeout.toSeconds());
            }
            hook();
            for (KafkaBrokerProcess n : nodes) {
                n.start(javaCommand, classpath, jvmOptions);
            }
            awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            killAll();
            for (KafkaBrokerProcess n : nodes) {
                n.awaitStop(stopTimeout.toSeconds());
            }
            detach();
            throw e;
        }
    }

    private synchronized void hook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(killOnExit);
            hooked = true;
        }
    }

    /**
     * Waits until every running node lists every running node as alive; fails at once when a node
     * that should be up has exited, and after the start timeout.
     */
    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            Set<Integer> running = new TreeSet<>();
            for (KafkaBrokerProcess n : nodes) {
                if (n.alive()) {
                    running.add(n.id());
                } else if (n.process() != null && expectedUp(n)) {
                    throw new IOException("Kafka broker " + n.id() + " (127.0.0.1:" + n.port() + ", controller port "
                            + n.controllerPort() + ") exited with code " + n.process().exitValue()
                            + " while starting; " + n.logTail());
                }
            }
            KafkaBrokerProcess lagging = null;
            Set<Integer> seen = Set.of();
            for (KafkaBrokerProcess n : nodes) {
                if (running.contains(n.id())) {
                    seen = KafkaMetadataProbe.aliveBrokers(n.port());
                    if (!seen.containsAll(running)) {
                        lagging = n;
                        break;
                    }
                }
            }
            if (lagging == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Kafka cluster in " + dir + " not ready within " + startTimeout.toSeconds()
                        + " s: broker " + lagging.id() + " (127.0.0.1:" + lagging.port() + ") "
                        + (seen.isEmpty() ? "does not answer" : "lists only brokers " + seen + " of " + running)
                        + "; " + lagging.logTail());
            }
            Thread.sleep(200);
        }
    }

    private synchronized boolean expectedUp(KafkaBrokerProcess n) {
        return !down.contains(n.id());
    }

    private synchronized void markDown(int i, boolean isDown) {
        if (isDown) {
            down.add(i);
        } else {
            down.remove(i);
        }
    }

    /** {@code host:port,...} of every node's client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    public String clusterId() {
        return clusterId;
    }

    public int size() {
        return nodes.size();
    }

    public Path dir() {
        return dir;
    }

    /** The client port of node {@code i} (its {@code node.id}, 0 to size - 1). */
    public int port(int i) {
        return node(i).port();
    }

    public boolean running(int i) {
        return node(i).alive();
    }

    /** The process id of node {@code i}'s JVM. */
    public long pid(int i) {
        Process p = node(i).process();
        if (p == null) {
            throw new IllegalStateException("Kafka broker " + i + " was never started");
        }
        return p.pid();
    }

    /** Node {@code i}'s output: {@code <dir>/broker-<i>/broker.log}. */
    public Path log(int i) {
        return node(i).log();
    }

    /** kill -9 of node {@code i} (no controlled shutdown); returns once the process is gone. */
    public void kill(int i) throws InterruptedException {
        markDown(i, true);
        node(i).kill();
    }

    /**
     * Stops node {@code i} gracefully (SIGTERM: Kafka's controlled shutdown, leadership moved
     * away); killed after the stop timeout. Returns true if it stopped by itself.
     */
    public boolean stop(int i) throws InterruptedException {
        markDown(i, true);
        KafkaBrokerProcess n = node(i);
        n.signalStop();
        return n.awaitStop(stopTimeout.toSeconds());
    }

    /**
     * Starts node {@code i} again on the same ports and data (stopping it gracefully first if it
     * runs) and waits until every running node lists it again.
     */
    public void restart(int i) throws IOException, InterruptedException {
        KafkaBrokerProcess n = node(i);
        if (n.alive()) {
            stop(i);
        }
        n.start(javaCommand, classpath, jvmOptions);
        markDown(i, false);
        hook();
        awaitReady();
    }

    /**
     * Leaves the nodes running after this JVM exits (for scripts): without it, a JVM that exits
     * without {@link #close()} kills them.
     */
    public synchronized void detach() {
        if (hooked) {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
            hooked = false;
        }
    }

    /** Stops every node gracefully, all at once; the folder with logs and data stays. */
    @Override
    public void close() throws InterruptedException {
        for (KafkaBrokerProcess n : nodes) {
            markDown(n.id(), true);
            n.signalStop();
        }
        for (KafkaBrokerProcess n : nodes) {
            n.awaitStop(stopTimeout.toSeconds());
        }
        detach();
    }

    private void killAll() {
        for (KafkaBrokerProcess n : nodes) {
            Process p = n.process();
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    private KafkaBrokerProcess node(int i) {
        if (i < 0 || i >= nodes.size()) {
            throw new IllegalArgumentException("no broker " + i + " in a cluster of " + nodes.size());
        }
        return nodes.get(i);
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

    private static int[] freePorts(int count) throws IOException {
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

    private static void writeClusterFile(Path dir, String id, List<KafkaBrokerProcess> nodes) throws IOException {
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
    private static void writeLoggingConfig(Path dir) throws IOException {
        Files.write(dir.resolve("logging.properties"), List.of(
                "handlers=java.util.logging.ConsoleHandler",
                ".level=INFO",
                "java.util.logging.ConsoleHandler.level=ALL",
                "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
                "java.util.logging.SimpleFormatter.format=%1$tF %1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n"),
                StandardCharsets.UTF_8);
    }
}
