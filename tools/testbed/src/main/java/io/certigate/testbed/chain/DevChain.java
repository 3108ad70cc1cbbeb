package io.certigate.testbed.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A local Ethereum JSON-RPC development chain: the npm {@code ganache} pinned in the repository's
 * root package-lock, run by {@code node} on a loopback port, with its database in a directory that
 * survives {@link #stop()} so that {@link #start()} resumes the same chain (an outage, not a reset).
 * Used by tests, the demo and the bench; a production gateway talks to a real network instead.
 *
 * <p>The chain's funded accounts are ganache's deterministic development accounts; their keys are
 * written by ganache to {@code keys.json} in the state directory and read back by
 * {@link #adminKey()}. They are development keys, never a gateway's ledger account.
 */
public final class DevChain implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DevChain.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CLI = "node_modules/ganache/dist/node/cli.js";

    /**
     * @param ganacheCli ganache's cli.js (see {@link #locateGanache()})
     * @param stateDir   holds the chain database, ganache's log and keys.json
     * @param port       loopback port; 0 picks a free one at the first start and keeps it
     * @param chainId    EIP-155 chain id
     * @param hardfork   ganache hardfork name (london, paris/merge, shanghai)
     * @param blockTime  seconds between blocks; 0 mines each transaction at once (instamine)
     */
    public record Options(Path ganacheCli, Path stateDir, int port, long chainId, String hardfork, int blockTime) {
        public static Options defaults(Path ganacheCli, Path stateDir) {
            return new Options(ganacheCli, stateDir, 0, 1337, "shanghai", 0);
        }
    }

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int port;
    private Process process;
    private Thread reaper;

    public DevChain(Options options) {
        this.options = options;
        this.port = options.port();
    }

    /**
     * Finds ganache's cli.js relative to the certigate installation, never the working directory:
     * the system property {@code certigate.ganache} (the file itself), else
     * {@code node_modules/ganache} under the system property {@code certigate.home} (the launcher
     * sets it to its own directory), else under the nearest directory above this class's jar or
     * classes folder that holds {@code node_modules} (the repository root after {@code npm ci}).
     */
    public static Path locateGanache() throws IOException {
        return locateGanache(System::getProperty, codeLocation());
    }

    /**
     * {@link #locateGanache()} with its inputs given.
     *
     * @param properties   system properties by name (null when unset)
     * @param codeLocation the jar or classes directory this class was loaded from, or null
     */
    static Path locateGanache(UnaryOperator<String> properties, Path codeLocation) throws IOException {
        String explicit = properties.apply("certigate.ganache");
        if (explicit != null && !explicit.isBlank()) {
            Path cli = Path.of(explicit).toAbsolutePath();
            if (!Files.isRegularFile(cli)) {
                throw new IOException("ganache not found at " + cli + " (set by -Dcertigate.ganache)");
            }
            return cli;
        }
        String home = properties.apply("certigate.home");
        if (home != null && !home.isBlank()) {
            Path root = Path.of(home).toAbsolutePath();
            Path cli = root.resolve(CLI);
            if (!Files.isRegularFile(cli)) {
                throw new IOException("ganache not found at " + cli + ": run `npm ci` (or scripts/install-deps --runtime) in"
                        + " the certigate installation " + root + ", or set -Dcertigate.ganache=<path to cli.js>");
            }
            return cli;
        }
        for (Path dir = codeLocation == null ? null : codeLocation.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path cli = dir.resolve(CLI);
            if (Files.isRegularFile(cli)) {
                return cli;
            }
        }
        throw new IOException("ganache not found: no " + CLI + " in any directory above " + codeLocation
                + "; run `npm ci` in the certigate installation (the directory of the `certigate` launcher), or set"
                + " -Dcertigate.home=<installation> or -Dcertigate.ganache=<path to cli.js>");
    }

    private static Path codeLocation() {
        try {
            CodeSource source = DevChain.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException | SecurityException e) {
            return null; // not loaded from a file (an OSGi bundle URL): the properties must say where ganache is
        }
    }

    /** Starts (or restarts on the same port and database) and waits until JSON-RPC answers. */
    public synchronized DevChain start() throws IOException {
        if (process != null && process.isAlive()) {
            return this;
        }
        if (port == 0) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
        }
        Files.createDirectories(options.stateDir().resolve("db"));
        List<String> cmd = new ArrayList<>(List.of("node", options.ganacheCli().toString(),
                "--server.host", "127.0.0.1", "--server.port", Integer.toString(port),
                "--chain.chainId", Long.toString(options.chainId()), "--chain.hardfork", options.hardfork(),
                "--wallet.deterministic", "--wallet.accountKeysPath", keysFile().toString(),
                "--database.dbPath", options.stateDir().resolve("db").toString(), "--logging.quiet"));
        if (options.blockTime() > 0) {
            cmd.addAll(List.of("--miner.blockTime", Integer.toString(options.blockTime())));
        }
        Path log = options.stateDir().resolve("ganache.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run node (is Node.js installed?): " + e.getMessage(), e);
        }
        if (reaper == null) {
            // never leave a node behind when the JVM exits without close() (a failed or killed test run)
            reaper = new Thread(this::stop, "devchain-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("ganache exited with " + process.exitValue() + ": " + tail(log));
            }
            if (answers()) {
                LOG.log(System.Logger.Level.INFO, "dev chain {0} up on {1}", Long.toString(options.chainId()), rpcUrl());
                return this;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IOException("interrupted while waiting for ganache", e);
            }
        }
        stop();
        throw new IOException("ganache did not answer on " + rpcUrl() + " within 60 s: " + tail(log));
    }

    private boolean answers() {
        try {
            JsonNode r = rpc("eth_chainId");
            return r.has("result");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A raw JSON-RPC call with no parameters (for dev-chain controls such as {@code evm_mine}). */
    public JsonNode rpc(String method) throws IOException, InterruptedException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":[]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(rpcUrl())).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Stops the node; its database stays in the state directory for the next {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port + "/";
    }

    public long chainId() {
        return options.chainId();
    }

    /** The private key (hex) of the chain's first funded development account, the demo's ledger admin. */
    public String adminKey() throws IOException {
        JsonNode keys = JSON.readTree(keysFile().toFile()).path("private_keys");
        if (!keys.fields().hasNext()) {
            throw new IOException("no development keys in " + keysFile());
        }
        String address = keys.fieldNames().next();
        JsonNode first = keys.path(address.toLowerCase(Locale.ROOT));
        return first.isMissingNode() ? keys.path(address).asText() : first.asText();
    }

    private Path keysFile() {
        return options.stateDir().resolve("keys.json");
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
        synchronized (this) {
            if (reaper != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(reaper);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down: the hook runs anyway
                }
                reaper = null;
            }
        }
    }
}
