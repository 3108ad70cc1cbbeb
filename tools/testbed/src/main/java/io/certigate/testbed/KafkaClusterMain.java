package io.certigate.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What {@code scripts/kafka-cluster} runs: {@code start DIR [--brokers N] [--heap SIZE] --classpath-file F}
 * starts a {@link KafkaCluster} in DIR and leaves it running after this JVM exits (pids in
 * {@code DIR/broker-<i>/pid}), printing the bootstrap servers as the only line on standard output;
 * {@code stop DIR} stops the nodes as {@link KafkaCluster#close()} does (SIGTERM; SIGKILL for
 * those left once too few run to approve a controlled shutdown, or after 30 s);
 * {@code status DIR} tells which nodes run and answer. Exit code 0 when the command did what it says
 * (for status: every node runs and lists every node), 1 otherwise, 2 for a usage error.
 */
public final class KafkaClusterMain {
    private static final String USAGE =
            "usage: kafka-cluster start DIR [--brokers N] [--heap SIZE] --classpath-file FILE\n"
            + "       kafka-cluster stop DIR\n"
            + "       kafka-cluster status DIR";

    private KafkaClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("kafka-cluster: " + e.getMessage() + "\n" + USAGE);
            code = 2;
        } catch (IOException | IllegalStateException e) {
            System.err.println("kafka-cluster: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (args.length < 2) {
            err.println(USAGE);
            return 2;
        }
        Path dir = Path.of(args[1]).toAbsolutePath();
        switch (args[0]) {
            case "start":
                return start(dir, args, out, err);
            case "stop":
                return stop(dir, err);
            case "status":
                return status(dir, out, err);
            default:
                err.println(USAGE);
                return 2;
        }
    }

    private static int start(Path dir, String[] args, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        int brokers = 3;
        String heap = "256m";
        String classpath = null;
        for (int i = 2; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--brokers" -> brokers = number(require(value, args[i]), args[i]);
                case "--heap" -> heap = require(value, args[i]);
                case "--classpath-file" -> classpath = Files.readString(Path.of(require(value, args[i])),
                        StandardCharsets.UTF_8).strip();
                default -> {
                    err.println("unknown option " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
            i++;
        }
        if (classpath == null) {
            err.println("--classpath-file is missing\n" + USAGE);
            return 2;
        }
        if (!running(dir).isEmpty()) {
            err.println("a Kafka cluster already runs in " + dir + " (stop it first); its bootstrap servers:");
            out.println(KafkaClusterLayout.loadClusterFile(dir).getProperty("bootstrap.servers"));
            return 1;
        }
        long t0 = System.nanoTime();
        KafkaCluster cluster = KafkaCluster.builder(dir).brokers(brokers).heap(heap).classpath(classpath).start();
        cluster.detach();
        err.printf("Kafka cluster %s: %d brokers ready in %.1f s, logs in %s/broker-*/broker.log%n",
                cluster.clusterId(), cluster.size(), (System.nanoTime() - t0) / 1e9, dir);
        out.println(cluster.bootstrapServers());
        return 0;
    }

    private static int number(String value, String option) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not " + value, e);
        }
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int stop(Path dir, PrintStream err) throws IOException, InterruptedException {
        List<ProcessHandle> nodes = running(dir);
        if (nodes.isEmpty()) {
            err.println("no Kafka broker of " + dir + " is running");
            return 0;
        }
        // as KafkaCluster.close(): gracefully while a majority runs (the quorum approves the
        // controlled shutdowns), then kill -9, as Kafka would wait 5 minutes for an approval
        int majority = Integer.parseInt(KafkaClusterLayout.loadClusterFile(dir).getProperty("brokers")) / 2 + 1;
        nodes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int killed = 0;
        while (nodes.stream().anyMatch(ProcessHandle::isAlive)) {
            long running = nodes.stream().filter(ProcessHandle::isAlive).count();
            if (running < majority || System.nanoTime() > deadline) {
                for (ProcessHandle p : nodes) {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                        killed++;
                    }
                }
                for (ProcessHandle p : nodes) {
                    p.onExit().join();
                }
                break;
            }
            Thread.sleep(50);
        }
        err.println("stopped " + nodes.size() + " Kafka broker(s) of " + dir
                + (killed == 0 ? "" : ", the last " + killed
                        + " with kill -9 (too few left to approve a controlled shutdown, or 30 s passed)"));
        return 0;
    }

    private static int status(Path dir, PrintStream out, PrintStream err) throws IOException {
        Properties cluster = KafkaClusterLayout.loadClusterFile(dir);
        if (cluster == null) {
            err.println("no Kafka cluster in " + dir);
            return 1;
        }
        int brokers = Integer.parseInt(cluster.getProperty("brokers"));
        out.println("cluster " + cluster.getProperty("cluster.id") + " in " + dir);
        out.println("bootstrap.servers=" + cluster.getProperty("bootstrap.servers"));
        boolean ready = true;
        for (int i = 0; i < brokers; i++) {
            int port = Integer.parseInt(cluster.getProperty("broker." + i + ".port"));
            Optional<ProcessHandle> p = node(dir, i);
            Set<Integer> alive = p.isPresent() ? KafkaMetadataProbe.aliveBrokers(port) : Set.of();
            ready &= alive.size() == brokers;
            out.printf("broker %d 127.0.0.1:%d %s%n", i, port, p.isEmpty() ? "not running"
                    : "pid " + p.get().pid() + (alive.isEmpty() ? ", not answering" : ", lists brokers " + alive));
        }
        return ready ? 0 : 1;
    }

    /** The live broker processes of the cluster in {@code dir}. */
    private static List<ProcessHandle> running(Path dir) throws IOException {
        List<ProcessHandle> live = new ArrayList<>();
        Properties cluster = KafkaClusterLayout.loadClusterFile(dir);
        if (cluster != null) {
            for (int i = 0; i < Integer.parseInt(cluster.getProperty("brokers")); i++) {
                node(dir, i).ifPresent(live::add);
            }
        }
        return live;
    }

    /**
     * Node {@code i}'s process, if its pid file names a live process started with that node's
     * argument file (a recycled pid is not taken for the broker).
     */
    private static Optional<ProcessHandle> node(Path dir, int i) throws IOException {
        Path node = dir.resolve("broker-" + i);
        Path pidFile = node.resolve("pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
        String argFile = "@" + node.resolve("broker.args").toAbsolutePath();
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(argFile)).orElse(false));
    }
}
