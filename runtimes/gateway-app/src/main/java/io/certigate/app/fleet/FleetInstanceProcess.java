package io.certigate.app.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A {@code certigate fleet run --config F} process of its own, started on this JVM's classpath, for
 * the fleet bench and the fault tests: its CPU time is the fleet's, apart from the load generator and
 * the brokers, and it can be killed with SIGKILL.
 */
final class FleetInstanceProcess implements AutoCloseable {
    private final Path config;
    private final Path log;
    private Process process;

    private FleetInstanceProcess(Path config, Path log) {
        this.config = config;
        this.log = log;
    }

    /** Writes {@code settings} to {@code dir/fleet.properties} and starts the instance; returns once its ingest subscribed. */
    static FleetInstanceProcess start(Path dir, Properties settings) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("fleet.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            settings.store(out, "fleet instance");
        }
        FleetInstanceProcess p = new FleetInstanceProcess(config, dir.resolve("fleet.log"));
        p.launch();
        return p;
    }

    /**
     * Extra JVM options of the instances, from the system property {@value #JVM_OPTIONS} (space-separated;
     * {@code {dir}} stands for the instance's folder), e.g. to profile them:
     * {@code -Dcertigate.fleet.instance-jvm-options=-XX:StartFlightRecording=filename={dir}/instance.jfr}.
     */
    static final String JVM_OPTIONS = "certigate.fleet.instance-jvm-options";

    /** Starts the process (again) and waits until its ingest subscribed once more. */
    void launch() throws IOException, InterruptedException {
        int before = subscriptions();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m"));
        String extra = System.getProperty(JVM_OPTIONS, "").trim();
        if (!extra.isEmpty()) {
            for (String option : extra.split("\\s+")) {
                command.add(option.replace("{dir}", config.getParent().toString()));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.certigate.app.CertigateCli", "fleet",
                "run", "--config", config.toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (subscriptions() <= before) {
            if (!process.isAlive()) {
                throw new IOException("fleet run exited with " + process.exitValue() + ":\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("fleet run did not subscribe within 120 s:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** CPU time (user and system, all threads) of the running process so far, in nanoseconds. */
    long cpuNanos() {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
                "the CPU time of process " + process.pid() + " cannot be read on this system")).toNanos();
    }

    /** What the threads of an instance do, told by their names. */
    enum ThreadGroup {
        /** C1/C2 compiler threads: warm-up. */
        JIT("jit"),
        /** Kafka Streams' stream threads: splitting batches, signature checks, the chain, state stores. */
        VERIFY("verify"),
        /** The Kafka clients' own threads: producer network threads, heartbeats, admin clients, state updaters. */
        KAFKA_IO("kafka_io"),
        /** The store's sink thread and the JDBC driver's. */
        STORE("store"),
        /** Paho's threads and the ingest's. */
        MQTT("ingest_mqtt"),
        /** The garbage collector's threads. */
        GC("gc"),
        OTHER("other");

        final String key;

        ThreadGroup(String key) {
            this.key = key;
        }

        static ThreadGroup of(String comm) {
            if (comm.contains("CompilerThre")) {
                return JIT;
            }
            if (comm.startsWith("kafka-") || comm.contains("StateUpdater") || comm.startsWith("rocksdb")) {
                return KAFKA_IO;
            }
            if (comm.startsWith("certigate-flee") || comm.contains("StreamThread")) {
                return VERIFY;
            }
            if (comm.startsWith("fleet-store") || comm.startsWith("PostgreSQL")) {
                return STORE;
            }
            if (comm.startsWith("MQTT") || comm.startsWith("fleet-ingest")) {
                return MQTT;
            }
            if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
                return GC;
            }
            return OTHER;
        }
    }

    /** A thread's CPU time so far (user and system), in nanoseconds, and what it does. */
    record ThreadCpu(ThreadGroup group, long nanos) {
    }

    /**
     * CPU time so far of each of the process's threads by thread id, read from
     * {@code /proc/<pid>/task/<tid>/stat}; empty where {@code /proc} cannot be read.
     */
    Map<Long, ThreadCpu> threadCpu() {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        Map<Long, ThreadCpu> threads = new java.util.HashMap<>();
        try (java.util.stream.Stream<Path> all = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) all::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    threads.put(Long.parseLong(t.getFileName().toString()),
                            new ThreadCpu(ThreadGroup.of(comm), ticks * 10_000_000L)); // USER_HZ is 100 on Linux
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return threads;
    }

    /**
     * CPU time by {@link ThreadGroup} between two {@link #threadCpu()} readings: the threads alive at
     * the second, from the first reading (or from their start); a thread that ended in between is not counted.
     */
    static Map<ThreadGroup, Long> since(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
        Map<ThreadGroup, Long> groups = new java.util.EnumMap<>(ThreadGroup.class);
        after.forEach((tid, t) -> {
            ThreadCpu b = before.get(tid);
            groups.merge(t.group(), t.nanos() - (b == null ? 0 : b.nanos()), Long::sum);
        });
        return groups;
    }

    long pid() {
        return process.pid();
    }

    /** kill -9: no chance to finish anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Waits until the ingest has subscribed {@code n} times in all (after a broker restart, say). */
    void awaitSubscriptions(int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (subscriptions() < n) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the ingest did not subscribe again within 60 s:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** How many times the ingest subscribed so far (each connection that reached its subscription). */
    int subscriptions() throws IOException {
        String text = log();
        int n = 0;
        for (int i = text.indexOf("ingest subscribed at"); i >= 0; i = text.indexOf("ingest subscribed at", i + 1)) {
            n++;
        }
        return n;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
