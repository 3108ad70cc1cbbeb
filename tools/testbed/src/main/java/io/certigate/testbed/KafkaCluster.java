package io.certigate.testbed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>Settings are for a small machine running several JVMs: a small heap, the serial collector and
 * the client compiler only ({@code -XX:TieredStopAtLevel=1}: a third less CPU to start; add
 * {@code jvmOption("-XX:TieredStopAtLevel=4")} for a benchmark's full JIT), few network and I/O
 * threads, a 16 MB log cleaner buffer, topics with 3 partitions replicated on {@code min(3, N)}
 * nodes, {@code min.insync.replicas} one less (2 for 3 nodes), the same for the consumer offsets,
 * transaction state and share-group state topics (3 partitions each instead of 50), no initial
 * rebalance delay, short broker and group session timeouts so that a killed node is noticed within
 * seconds. {@link Builder#brokerProperty} overrides any of them.
 */
public final class KafkaCluster implements AutoCloseable {
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
        private Duration startTimeout = Duration.ofSeconds(120);
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

        /**
         * How long {@link #start()} and {@link KafkaCluster#restart} wait for the nodes (default
         * 120 s: a start took up to 59 s on a 2-core machine under a load average of 27).
         */
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
            List<String> o = new ArrayList<>(List.of("-Xmx" + heap, "-Xms32m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
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
            Properties saved = KafkaClusterLayout.loadClusterFile(dir);
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
                id = KafkaClusterLayout.newClusterId();
                int[] free = KafkaClusterLayout.freePorts(ports == null ? 2 * brokers : brokers);
                client = ports != null ? ports.clone() : Arrays.copyOfRange(free, 0, brokers);
                controller = ports != null ? free : Arrays.copyOfRange(free, brokers, 2 * brokers);
            }
            List<KafkaBrokerProcess> nodes = new ArrayList<>();
            for (int i = 0; i < brokers; i++) {
                nodes.add(new KafkaBrokerProcess(i, dir, client[i], controller[i]));
            }
            String voters = nodes.stream().map(n -> n.id() + "@127.0.0.1:" + n.controllerPort())
                    .collect(Collectors.joining(","));
            Map<String, String> settings = KafkaClusterLayout.settings(brokers);
            settings.putAll(properties);
            for (KafkaBrokerProcess n : nodes) {
                n.writeConfig(settings, voters);
            }
            KafkaClusterLayout.writeLoggingConfig(dir);
            KafkaClusterLayout.writeClusterFile(dir, id, nodes);
            KafkaCluster cluster = new KafkaCluster(this, id, nodes);
            cluster.startAll();
            return cluster;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        for (KafkaBrokerProcess n : nodes) {
            requireFreePorts(n);
        }
        List<Process> formats = new ArrayList<>();
        try {
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
            formats.forEach(Process::destroyForcibly);
            for (KafkaBrokerProcess n : nodes) {
                n.kill();
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

    /** Fails at once, before any JVM starts, when another process listens on one of the node's ports. */
    private static void requireFreePorts(KafkaBrokerProcess n) throws IOException {
        for (int port : new int[] {n.port(), n.controllerPort()}) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            } catch (IOException inUse) {
                throw new IOException("port " + port + " of Kafka broker " + n.id() + " (its "
                        + (port == n.port() ? "client" : "controller") + " listener) is in use on 127.0.0.1: "
                        + inUse.getMessage(), inUse);
            }
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
     * away); killed after the stop timeout, or at once when too few nodes run to approve it (see
     * {@link #close()}). Returns true if it stopped by itself.
     */
    public boolean stop(int i) throws InterruptedException {
        markDown(i, true);
        return stopGracefully(List.of(node(i)));
    }

    /**
     * SIGTERM to each target, then waits. A KRaft broker's controlled shutdown must be approved
     * through the controller quorum, and Kafka waits up to 5 minutes for that approval: once fewer
     * than a majority of the nodes run, none can come, so the targets still running are killed
     * (kill -9 loses nothing the page cache holds; the next start recovers the logs). Also killed
     * after the stop timeout. True if every target stopped by itself.
     */
    private boolean stopGracefully(List<KafkaBrokerProcess> targets) throws InterruptedException {
        targets.forEach(KafkaBrokerProcess::signalStop);
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        int majority = nodes.size() / 2 + 1;
        while (targets.stream().anyMatch(KafkaBrokerProcess::alive)) {
            long running = nodes.stream().filter(KafkaBrokerProcess::alive).count();
            if (running < majority || System.nanoTime() > deadline) {
                for (KafkaBrokerProcess n : targets) {
                    n.kill();
                }
                return false;
            }
            Thread.sleep(50);
        }
        return true;
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
        requireFreePorts(n);
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

    /**
     * Stops every node, all at once: gracefully while a majority of them runs (the quorum can
     * approve their controlled shutdowns), the rest with kill -9. The folder with logs and data stays.
     */
    @Override
    public void close() throws InterruptedException {
        for (KafkaBrokerProcess n : nodes) {
            markDown(n.id(), true);
        }
        stopGracefully(nodes);
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

}
