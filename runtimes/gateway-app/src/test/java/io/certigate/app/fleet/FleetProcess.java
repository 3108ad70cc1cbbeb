package io.certigate.app.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** A {@code certigate fleet run --config F} process of its own, for tests that kill or stop an instance. */
final class FleetProcess implements AutoCloseable {
    private final Path config;
    private final Path log;
    private Process process;

    private FleetProcess(Path config, Path log) {
        this.config = config;
        this.log = log;
    }

    /** Writes {@code settings} to {@code dir/fleet.properties} and starts the instance; returns once it runs. */
    static FleetProcess start(Path dir, Properties settings) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("fleet.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            settings.store(out, "fleet instance");
        }
        FleetProcess p = new FleetProcess(config, dir.resolve("fleet.log"));
        p.launch();
        return p;
    }

    void launch() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.certigate.app.CertigateCli", "fleet", "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("fleet run exited with " + process.exitValue() + ":\n" + log());
            }
            if (Files.exists(log) && log().contains("fleet run: ingest")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("fleet run did not start within 90 s:\n" + log());
    }

    /** kill -9: no chance to finish anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as systemd stops it; returns its exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /** How many times the instance's ingest subscribed so far (each connection that reached its subscription). */
    int subscriptions() throws IOException {
        String log = log();
        int n = 0;
        for (int i = log.indexOf("ingest subscribed at"); i >= 0; i = log.indexOf("ingest subscribed at", i + 1)) {
            n++;
        }
        return n;
    }

    /** Waits until the ingest has subscribed {@code n} times in all. */
    void awaitSubscriptions(int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (subscriptions() < n) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the ingest did not subscribe again within 60 s:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
