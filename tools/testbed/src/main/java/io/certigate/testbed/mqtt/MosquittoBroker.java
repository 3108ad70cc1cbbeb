package io.certigate.testbed.mqtt;

import io.certigate.testbed.device.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Mosquitto broker (the Debian package) for tests and the uplink bench: started on a free loopback port with a
 * generated configuration in a temporary directory, stoppable (SIGTERM, which lets Mosquitto save
 * its persistent sessions), restartable on the same port, and removed by {@link #close()}. The
 * persistent-session queue is not capped, so a collector that is away gets everything.
 *
 * <p>Fails with a clear error when {@code mosquitto} is not installed (tests fail, never skip: CI
 * installs it). Not a production component: a gateway talks to a broker it is configured with.
 */
public final class MosquittoBroker implements AutoCloseable {
    private static final List<String> LOCATIONS = List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto",
            "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto");

    private final Path dir;
    private final int port;
    private final Path config;
    private Process process;

    /** Configuration beyond the defaults: extra {@code mosquitto.conf} lines. */
    public static final class Builder {
        private final Path dir;
        private final List<String> lines = new ArrayList<>();
        private boolean anonymous = true;
        private final List<String> tlsLines = new ArrayList<>();
        private boolean tls;
        private boolean passwordFile;

        Builder(Path dir) {
            this.dir = dir;
        }

        public Builder maxPacketSize(int bytes) {
            lines.add("max_packet_size " + bytes);
            return this;
        }

        public Builder refuseAnonymous() {
            anonymous = false;
            return this;
        }

        /**
         * Requires a user name and password (anonymous clients refused): adds {@code user} with
         * {@code password}, hashed by {@code mosquitto_passwd} (Debian package {@code mosquitto}), to
         * the broker's password file. Call once per user.
         */
        public Builder password(String user, String password) throws IOException, InterruptedException {
            Files.createDirectories(dir);
            Path file = dir.resolve("passwords");
            List<String> cmd = new ArrayList<>(List.of(passwdExecutable(), "-b"));
            if (!passwordFile) {
                cmd.add("-c"); // a new file
            }
            cmd.addAll(List.of(file.toString(), user, password));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("mosquitto_passwd failed: " + out);
            }
            if (!passwordFile) {
                lines.add("password_file " + file.toAbsolutePath());
                passwordFile = true;
            }
            anonymous = false;
            return this;
        }

        /**
         * A second listener, TLS on its own loopback port, with the given PEM files;
         * {@code requireClientCert} for mutual TLS (the client certificate's CN becomes the user name).
         */
        public Builder tls(Path caPem, Path certPem, Path keyPem, boolean requireClientCert) {
            tls = true;
            tlsLines.add("cafile " + caPem.toAbsolutePath());
            tlsLines.add("certfile " + certPem.toAbsolutePath());
            tlsLines.add("keyfile " + keyPem.toAbsolutePath());
            tlsLines.add("require_certificate " + requireClientCert);
            if (requireClientCert) {
                tlsLines.add("use_identity_as_username true");
            }
            return this;
        }

        /**
         * TLS with a broker certificate for localhost issued by {@code pki}: writes {@code ca.pem},
         * {@code broker.pem} and {@code broker-key.pem} into {@code pemDir} (clients trust
         * {@code pemDir/ca.pem}).
         */
        public Builder tls(TestPki pki, Path pemDir, boolean requireClientCert)
                throws IOException, GeneralSecurityException {
            KeyPair keys = TestPki.p256();
            return tls(TestPki.writePem(pemDir.resolve("ca.pem"), List.of(pki.caCertificate())),
                    TestPki.writePem(pemDir.resolve("broker.pem"),
                            List.of(pki.issue(keys.getPublic(), "localhost", true))),
                    TestPki.writePem(pemDir.resolve("broker-key.pem"), List.of(keys.getPrivate())),
                    requireClientCert);
        }

        public MosquittoBroker start() throws IOException, InterruptedException {
            Files.createDirectories(dir.resolve("data"));
            int port = freePort();
            List<String> conf = new ArrayList<>();
            conf.add("# generated by MosquittoBroker for a test");
            conf.add("user " + System.getProperty("user.name"));
            conf.add("listener " + port + " 127.0.0.1");
            conf.add("allow_anonymous " + anonymous);
            conf.add("persistence true");
            conf.add("persistence_location " + dir.resolve("data").toAbsolutePath() + "/");
            conf.add("autosave_interval 30");
            conf.add("max_queued_messages 0");
            conf.add("max_inflight_messages 100");
            // PUBACKs leave at once instead of waiting, under Nagle, for the client's delayed ACK
            conf.add("set_tcp_nodelay true");
            conf.add("log_dest file " + dir.resolve("mosquitto.log").toAbsolutePath());
            conf.add("log_type error");
            conf.add("log_type warning");
            conf.add("log_type notice");
            conf.add("log_type information");
            conf.addAll(lines);
            int tlsPort = 0;
            if (tls) {
                tlsPort = freePort();
                conf.add("listener " + tlsPort + " 127.0.0.1");
                conf.addAll(tlsLines);
            }
            Path config = dir.resolve("mosquitto.conf");
            Files.write(config, conf, StandardCharsets.UTF_8);
            MosquittoBroker b = new MosquittoBroker(dir, port, tlsPort, config);
            b.launch();
            return b;
        }
    }

    private final int tlsPort;

    private MosquittoBroker(Path dir, int port, int tlsPort, Path config) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.config = config;
    }

    public static Builder in(Path dir) {
        return new Builder(dir);
    }

    public static MosquittoBroker start(Path dir) throws IOException, InterruptedException {
        return in(dir).start();
    }

    public static String executable() {
        for (String p : LOCATIONS) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "mosquitto"))) {
                return Path.of(d, "mosquitto").toString();
            }
        }
        throw new IllegalStateException("mosquitto is not installed (Debian package 'mosquitto'); "
                + "the integration tests need a real broker");
    }

    private static String passwdExecutable() {
        String broker = executable();
        for (String p : List.of("/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd",
                Path.of(broker).resolveSibling("mosquitto_passwd").toString())) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("mosquitto_passwd is not installed (Debian package 'mosquitto')");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The plain listener, {@code tcp://127.0.0.1:port}. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The TLS listener, {@code ssl://localhost:port} (the broker certificate names localhost). */
    public String tlsUrl() {
        if (tlsPort == 0) {
            throw new IllegalStateException("this broker has no TLS listener");
        }
        return "ssl://localhost:" + tlsPort;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    private synchronized void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(executable(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.out").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited with " + process.exitValue() + ": " + log());
            }
            if (listening(port) && (tlsPort == 0 || listening(tlsPort))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IOException("mosquitto did not listen on port " + port + " within 10 s: " + log());
    }

    private static boolean listening(int p) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", p), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** SIGTERM and wait: Mosquitto saves its persistent sessions and queued messages. */
    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Starts again on the same port with the same configuration and saved state. */
    public synchronized void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    public String log() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("mosquitto.log", "mosquitto.out")) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p)) {
                    sb.append(Files.readString(p));
                }
            } catch (IOException e) {
                sb.append("(cannot read ").append(f).append(')');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }
}
