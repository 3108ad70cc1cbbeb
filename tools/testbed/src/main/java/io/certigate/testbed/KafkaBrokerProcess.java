package io.certigate.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node of a {@link KafkaCluster}: a Kafka server JVM ({@code kafka.Kafka}) with the broker and
 * controller roles, in its own folder ({@code broker-<id>}: {@code server.properties}, the data in
 * {@code data/}, its output in {@code broker.log}, the formatting tool's in {@code format.log}, its
 * pid in {@code pid}, and the exact java command lines as argument files, {@code java @broker.args}).
 */
final class KafkaBrokerProcess {
    private final int id;
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    KafkaBrokerProcess(int id, Path clusterDir, int port, int controllerPort) {
        this.id = id;
        this.dir = clusterDir.resolve("broker-" + id).toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
    }

    int id() {
        return id;
    }

    int port() {
        return port;
    }

    int controllerPort() {
        return controllerPort;
    }

    Path dir() {
        return dir;
    }

    Path log() {
        return dir.resolve("broker.log");
    }

    Path config() {
        return dir.resolve("server.properties");
    }

    /** The node's own settings on top of the cluster's; later entries of {@code settings} win. */
    void writeConfig(Map<String, String> settings, String voters) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        List<String> lines = new ArrayList<>();
        lines.add("# written by certigate's testbed KafkaCluster");
        lines.add("process.roles=broker,controller");
        lines.add("node.id=" + id);
        lines.add("controller.quorum.voters=" + voters);
        lines.add("listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        lines.add("advertised.listeners=PLAINTEXT://127.0.0.1:" + port);
        lines.add("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        lines.add("controller.listener.names=CONTROLLER");
        lines.add("inter.broker.listener.name=PLAINTEXT");
        lines.add("log.dirs=" + dir.resolve("data"));
        settings.forEach((k, v) -> lines.add(k + "=" + v));
        Files.write(config(), lines, StandardCharsets.UTF_8);
    }

    /** Whether {@code kafka.tools.StorageTool format} has already run on the data folder. */
    boolean formatted() {
        return Files.exists(dir.resolve("data").resolve("meta.properties"));
    }

    /** Starts the formatting tool; the caller waits for it with {@link #awaitFormat}. */
    Process startFormat(String javaCommand, String classpath, String clusterId) throws IOException {
        List<String> args = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config().toString()));
        return launch(javaCommand, "format.args", args, dir.resolve("format.log"));
    }

    void awaitFormat(Process format, long timeoutSeconds) throws IOException, InterruptedException {
        if (!format.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            format.destroyForcibly().waitFor();
            throw new IOException("formatting the storage of Kafka broker " + id + " did not end within "
                    + timeoutSeconds + " s; " + tail(dir.resolve("format.log")));
        }
        if (format.exitValue() != 0 || !formatted()) {
            throw new IOException("formatting the storage of Kafka broker " + id + " failed (exit code "
                    + format.exitValue() + "); " + tail(dir.resolve("format.log")));
        }
    }

    /** Starts {@code kafka.Kafka server.properties} and writes its pid. */
    synchronized void start(String javaCommand, String classpath, List<String> jvmOptions) throws IOException {
        if (alive()) {
            throw new IllegalStateException("Kafka broker " + id + " is already running");
        }
        List<String> args = new ArrayList<>(jvmOptions);
        args.addAll(List.of("-cp", classpath, "kafka.Kafka", config().toString()));
        Files.writeString(log(), "---- starting broker " + id + " at " + Instant.now() + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = launch(javaCommand, "broker.args", args, log());
        Files.writeString(dir.resolve("pid"), process.pid() + "\n", StandardCharsets.UTF_8);
    }

    private Process launch(String javaCommand, String argFile, List<String> args, Path output) throws IOException {
        Path file = dir.resolve(argFile);
        List<String> quoted = new ArrayList<>();
        for (String a : args) {
            quoted.add('"' + a.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        Files.write(file, quoted, StandardCharsets.UTF_8);
        return new ProcessBuilder(javaCommand, "@" + file)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized Process process() {
        return process;
    }

    /** SIGKILL, as {@code kill -9}: no controlled shutdown, nothing flushed. */
    void kill() throws InterruptedException {
        Process p = process();
        if (p != null && p.isAlive()) {
            p.destroyForcibly().waitFor();
        }
    }

    /** Sends SIGTERM (Kafka's controlled shutdown) without waiting. */
    void signalStop() {
        Process p = process();
        if (p != null && p.isAlive()) {
            p.destroy();
        }
    }

    /** The last lines of the broker's log, for error messages. */
    String logTail() {
        return tail(log());
    }

    static String tail(Path file) {
        int lines = 40;
        try {
            if (!Files.exists(file)) {
                return file + " does not exist";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
            return "last " + last.size() + " lines of " + file + ":\n  " + String.join("\n  ", last);
        } catch (IOException | UncheckedIOException e) {
            return "cannot read " + file + ": " + e.getMessage();
        }
    }
}
