package io.certigate.testbed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (the Debian package, binaries under {@code /usr/lib/postgresql/<ver>/bin})
 * for tests, benches and demos: a cluster made by {@code initdb} in a folder of its own, listening on
 * a loopback port only (no Unix socket), with one superuser {@value #USER} whose password is
 * generated at {@code initdb} and kept in the folder ({@code password}, mode 0600), and a database
 * {@value #DATABASE}. {@code scripts/postgres} makes and starts the same layout.
 *
 * <p>Layout of the folder: {@code data/} (the cluster), {@code postgres.log} (the server log),
 * {@code password}. PostgreSQL refuses to run as root: when this JVM runs as root, {@code initdb} and
 * {@code pg_ctl} run as the {@code postgres} user the package created ({@code runuser -u postgres}),
 * which then owns the folder. That user must be able to reach the folder: when it cannot (a
 * {@code @TempDir} is mode 0700 and owned by root), the cluster lives in a folder of its own under
 * {@code java.io.tmpdir} instead, removed by {@link #close()}.
 *
 * <p>Fails with a clear error (with the log's tail) when PostgreSQL is not installed or does not
 * start: tests fail, never skip ({@code scripts/install-deps} installs the package). Not a production
 * component: the fleet store connects to a database it is configured with.
 */
public final class PostgresServer implements AutoCloseable {
    /** The superuser {@code initdb} creates. */
    public static final String USER = "certigate";
    /** The database made at the first start. */
    public static final String DATABASE = "certigate";
    private static final String SERVICE_USER = "postgres";
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final int START_TIMEOUT_S = 60;

    private final Path home;
    private final boolean ownHome;
    private final Path bin;
    private final int port;
    private final String password;
    private final boolean asServiceUser;
    /** Stops the server when the JVM exits without {@link #close()} (pg_ctl's server outlives it otherwise). */
    private final Thread onExit;

    private PostgresServer(Path home, boolean ownHome, Path bin, int port, String password, boolean asServiceUser) {
        this.home = home;
        this.ownHome = ownHome;
        this.bin = bin;
        this.port = port;
        this.password = password;
        this.asServiceUser = asServiceUser;
        this.onExit = new Thread(() -> {
            try {
                ctl("-m", "immediate", "-w", "stop");
            } catch (IOException e) {
                // the JVM is exiting: nothing left to tell
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "postgres-server-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Makes a cluster in {@code dir} (or reuses the one there) and starts it on a free loopback port. */
    public static PostgresServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, 0);
    }

    /**
     * Makes a cluster in {@code dir} unless one is there, and starts it on {@code port} (0: a free
     * one; a cluster already made keeps the port it was made with unless another is given).
     */
    public static PostgresServer start(Path dir, int port) throws IOException, InterruptedException {
        Path bin = binaries();
        boolean root = isRoot();
        Files.createDirectories(dir);
        Path home = dir.toAbsolutePath();
        boolean ownHome = false;
        if (root && !reachableByServiceUser(home)) {
            home = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "certigate-postgres-");
            ownHome = true;
        }
        Path data = home.resolve("data");
        Path pwFile = home.resolve("password");
        String password;
        int p = port;
        if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
            password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
            if (root) {
                chownTree(home);
            }
            PostgresServer s = new PostgresServer(home, ownHome, bin, p == 0 ? freePort() : p, password, root);
            try {
                s.initdb();
                s.launch();
                s.createDatabase();
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        }
        password = Files.readString(pwFile, StandardCharsets.UTF_8).strip();
        p = p == 0 ? configuredPort(data) : p;
        PostgresServer s = new PostgresServer(home, ownHome, bin, p, password, root);
        s.launch();
        return s;
    }

    /** {@code bin} of the newest PostgreSQL installed under {@code /usr/lib/postgresql}. */
    public static Path binaries() {
        try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())))
                    .orElseThrow(PostgresServer::notInstalled);
        } catch (IOException e) {
            throw notInstalled();
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static IllegalStateException notInstalled() {
        return new IllegalStateException("PostgreSQL is not installed (Debian package 'postgresql', "
                + "no " + DEBIAN_ROOT + "/<version>/bin/pg_ctl); scripts/install-deps installs it");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Whether the {@code postgres} user can write in {@code dir} (every parent traversable). */
    private static boolean reachableByServiceUser(Path dir) throws IOException, InterruptedException {
        // the folder itself becomes the service user's; only its parents need to let it through
        Path parent = dir.getParent();
        if (parent == null) {
            return false;
        }
        Process p = new ProcessBuilder(asUser(List.of("test", "-x", parent.toString())))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }

    private static void chownTree(Path top) throws IOException {
        UserPrincipal owner = top.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVICE_USER);
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.setOwner(d, owner);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.setOwner(f, owner);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static List<String> asUser(List<String> command) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
            cmd.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
            cmd.addAll(command);
        } else {
            StringBuilder sh = new StringBuilder();
            for (String part : command) {
                sh.append(sh.length() == 0 ? "" : " ").append('\'').append(part.replace("'", "'\\''")).append('\'');
            }
            cmd.addAll(List.of("su", SERVICE_USER, "-s", "/bin/sh", "-c", sh.toString()));
        }
        return cmd;
    }

    private static int configuredPort(Path data) throws IOException {
        for (String line : Files.readAllLines(data.resolve("postgresql.conf"), StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.startsWith("port") && l.contains("=")) {
                String v = l.substring(l.indexOf('=') + 1).strip();
                int hash = v.indexOf('#');
                return Integer.parseInt((hash < 0 ? v : v.substring(0, hash)).strip());
            }
        }
        return freePort();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void initdb() throws IOException, InterruptedException {
        run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", USER,
                "--pwfile=" + home.resolve("password"), "--auth-host=scram-sha-256", "--auth-local=reject",
                "-E", "UTF8", "--locale=C", "--no-instructions"), "initdb");
        List<String> conf = List.of("", "# written by PostgresServer / scripts/postgres",
                "listen_addresses = '127.0.0.1'", "port = " + port, "unix_socket_directories = ''",
                "max_connections = 50", "shared_buffers = 64MB", "log_min_messages = warning",
                "log_line_prefix = '%m [%p] '");
        Files.write(data().resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private void createDatabase() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("createdb").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-U", USER, DATABASE).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("createdb " + DATABASE + " failed: " + out.strip() + "\n" + logTail());
        }
    }

    private Path data() {
        return home.resolve("data");
    }

    private String run(List<String> command, String what) throws IOException, InterruptedException {
        List<String> cmd = asServiceUser ? asUser(command) : command;
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(START_TIMEOUT_S + 10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(what + " did not finish: " + out + "\n" + logTail());
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + p.exitValue() + "): " + out.strip() + "\n" + logTail());
        }
        return out;
    }

    private int ctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(asServiceUser ? asUser(cmd) : cmd).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    private synchronized void launch() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", log().toString(),
                "-o", "-p " + port, "-w", "-t", Integer.toString(START_TIMEOUT_S), "start"), "pg_ctl start");
    }

    /** The loopback port it listens on (kept across {@link #stop()}/{@link #restart()}). */
    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/certigate}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** The file holding {@link #password()}, for settings that take a {@code file:PATH} source. */
    public Path passwordFile() {
        return home.resolve("password");
    }

    /** Where the cluster and its log are (the folder given, or a temporary one; see the class comment). */
    public Path home() {
        return home;
    }

    public Path log() {
        return home.resolve("postgres.log");
    }

    /** Whether the server is up ({@code pg_ctl status}). */
    public boolean running() throws IOException, InterruptedException {
        return ctl("status") == 0;
    }

    /** A clean shutdown ({@code pg_ctl stop -m fast}): sessions are ended, a checkpoint written. */
    public synchronized void stop() throws IOException, InterruptedException {
        if (running()) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop"),
                    "pg_ctl stop");
        }
    }

    /** A crash ({@code pg_ctl stop -m immediate}): no checkpoint; the next start recovers from the WAL. */
    public synchronized void kill() throws IOException, InterruptedException {
        if (running()) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop"),
                    "pg_ctl stop -m immediate");
        }
    }

    /** Starts again, after {@link #stop()} or {@link #kill()}, on the same port with the same data. */
    public synchronized void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** Starts again after {@link #stop()} or {@link #kill()} (nothing when running). */
    public synchronized void startAgain() throws IOException, InterruptedException {
        if (!running()) {
            launch();
        }
    }

    /** The last lines of the server log, for errors. */
    public String logTail() {
        try {
            if (!Files.exists(log())) {
                return "(no server log at " + log() + ")";
            }
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return "server log " + log() + ", last lines:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log() + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the server: a clean shutdown when the cluster is kept in the folder given, an immediate one
     * when it lives in a temporary folder of its own, which is then removed.
     */
    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // called from another shutdown hook: ours runs anyway
        }
        try {
            if (ownHome) {
                kill();
            } else {
                stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownHome) {
            try (Stream<Path> all = Files.walk(home)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
