package io.certigate.testbed.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.HttpURLConnection;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;

/**
 * A local Ethereum JSON-RPC development chain: Foundry's {@code anvil}, the binary of the npm
 * package {@code @foundry-rs/anvil} pinned in the repository's root package-lock, configured like
 * the consortium's Besu network (fixed chain id, zero base fee, no minimum priority fee, the EVM
 * rules the contracts are compiled for), instant blocks by default or one block every
 * {@code blockTime} seconds. Used by tests, the demo and the benches; a production gateway talks to
 * a real network instead.
 *
 * <p><b>Persistence.</b> Clients never talk to anvil directly: {@link #rpcUrl()} is a JSON-RPC
 * relay ({@link RpcRelay}) in this JVM, on a port that stays the same across restarts, in front of anvil on a port of
 * its own. Before the relay hands any answer back, it checks the chain's head and, when a block
 * was added since the last save (or a dev-chain control such as {@code evm_mine} ran), saves the
 * whole chain ({@code anvil_dumpState}: accounts, storage, blocks, transactions and receipts) to
 * {@code state.json} in the state directory, written to a temporary file, forced to disk and
 * renamed over the previous one. So no client ever sees a block that is not on disk: an anvil
 * killed with {@code kill -9}, or this JVM killed, loses at most blocks nobody has seen, and the
 * next {@link #start()} on the same directory loads {@code state.json} ({@code --load-state}) with
 * every block, receipt, log and contract at its address. The cost is one {@code eth_blockNumber}
 * per request and one save per new block, growing with the chain: a dev chain, not a ledger.
 *
 * <p>An anvil that exits while the chain is meant to run (killed, crashed) is started again on the
 * saved state; meanwhile the relay answers HTTP 503, which clients take for an outage. An anvil
 * left behind by a JVM that was killed is recognised by {@code anvil.pid} (pid and start time) and
 * ended by the next start on the same directory.
 *
 * <p>The chain's funded accounts are anvil's development accounts (its default mnemonic); their
 * keys are written by anvil to {@code keys.json} ({@code --config-out}) and read back by
 * {@link #adminKey()}. They are development keys, never a gateway's ledger account.
 */
public final class DevChain implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DevChain.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The platform packages of {@code @foundry-rs/anvil} live here, relative to an installation. */
    static final String PACKAGES = "node_modules/@foundry-rs";
    static final String STATE = "state.json";

    /**
     * @param anvil     the anvil binary (see {@link #locateAnvil()})
     * @param stateDir  holds state.json, anvil's log, keys.json and anvil.pid
     * @param port      the loopback port of {@link #rpcUrl()}; 0 picks a free one at the first start and keeps it
     * @param chainId   EIP-155 chain id
     * @param hardfork  anvil hardfork name: the EVM rules ({@code paris}: what the contracts are compiled for)
     * @param blockTime seconds between blocks; 0 mines each transaction at once
     */
    public record Options(Path anvil, Path stateDir, int port, long chainId, String hardfork, int blockTime) {
        /** Chain 1337, {@code paris} rules (the contracts' {@code evmVersion}), instant blocks, a free port. */
        public static Options defaults(Path anvil, Path stateDir) {
            return new Options(anvil, stateDir, 0, 1337, "paris", 0);
        }

        public Options withPort(int p) {
            return new Options(anvil, stateDir, p, chainId, hardfork, blockTime);
        }

        public Options withChainId(long id) {
            return new Options(anvil, stateDir, port, id, hardfork, blockTime);
        }

        public Options withHardfork(String h) {
            return new Options(anvil, stateDir, port, chainId, h, blockTime);
        }

        public Options withBlockTime(int seconds) {
            return new Options(anvil, stateDir, port, chainId, hardfork, seconds);
        }
    }

    private final Options options;
    private final Object saveLock = new Object();
    private int port;
    private RpcRelay relay;
    private volatile Process process;
    private volatile int nodePort;
    private volatile boolean wanted;
    private long savedHead = -1;
    private boolean dirty = true;
    private Thread reaper;

    public DevChain(Options options) {
        this.options = options;
        this.port = options.port();
    }

    /** The anvil binary's path below an installation on this platform, e.g. {@code node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}. */
    static String binary(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String platform = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "darwin"
                : os.startsWith("windows") ? "win32" : os;
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch;
        };
        return PACKAGES + "/anvil-" + platform + "-" + arch + "/bin/anvil" + (platform.equals("win32") ? ".exe" : "");
    }

    static String binary() {
        return binary(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /**
     * Finds the anvil binary relative to the certigate installation, never the working directory:
     * the system property {@code certigate.anvil} (the binary itself), else the platform package of
     * {@code @foundry-rs/anvil} under the system property {@code certigate.home} (the launcher sets
     * it to its own directory), else under the nearest directory above this class's jar or classes
     * folder that holds it (the repository root after {@code npm ci}).
     */
    public static Path locateAnvil() throws IOException {
        return locateAnvil(System::getProperty, codeLocation(), binary());
    }

    /**
     * {@link #locateAnvil()} with its inputs given.
     *
     * @param properties   system properties by name (null when unset)
     * @param codeLocation the jar or classes directory this class was loaded from, or null
     * @param binary       the binary's path below an installation ({@link #binary(String, String)})
     */
    static Path locateAnvil(UnaryOperator<String> properties, Path codeLocation, String binary) throws IOException {
        String explicit = properties.apply("certigate.anvil");
        if (explicit != null && !explicit.isBlank()) {
            Path bin = Path.of(explicit).toAbsolutePath();
            if (!Files.isRegularFile(bin)) {
                throw new IOException("anvil not found at " + bin + " (set by -Dcertigate.anvil)");
            }
            return bin;
        }
        String home = properties.apply("certigate.home");
        if (home != null && !home.isBlank()) {
            Path root = Path.of(home).toAbsolutePath();
            Path bin = root.resolve(binary);
            if (!Files.isRegularFile(bin)) {
                throw new IOException("anvil not found at " + bin + ": run `npm ci` (or scripts/install-deps --runtime) in"
                        + " the certigate installation " + root + ", or set -Dcertigate.anvil=<path to the anvil binary>");
            }
            return bin;
        }
        for (Path dir = codeLocation == null ? null : codeLocation.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path bin = dir.resolve(binary);
            if (Files.isRegularFile(bin)) {
                return bin;
            }
        }
        throw new IOException("anvil not found: no " + binary + " in any directory above " + codeLocation
                + "; run `npm ci` in the certigate installation (the directory of the `certigate` launcher), or set"
                + " -Dcertigate.home=<installation> or -Dcertigate.anvil=<path to the anvil binary>");
    }

    private static Path codeLocation() {
        try {
            CodeSource source = DevChain.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException | SecurityException e) {
            return null; // not loaded from a file (an OSGi bundle URL): the properties must say where anvil is
        }
    }

    /**
     * Starts (or restarts on the same port and saved state) and waits until JSON-RPC answers. An
     * anvil left running on this state directory by a JVM that was killed is ended first.
     */
    public synchronized DevChain start() throws IOException {
        if (relay != null && process != null && process.isAlive()) {
            return this;
        }
        Files.createDirectories(options.stateDir());
        endOrphan();
        if (port == 0) {
            port = freePort();
        }
        wanted = true;
        try {
            launchNode();
            if (relay == null) {
                openRelay();
            }
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
        if (reaper == null) {
            // never leave an anvil behind when the JVM exits without close() (a failed or killed test run)
            reaper = new Thread(this::stop, "devchain-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
        }
        LOG.log(System.Logger.Level.INFO, "dev chain {0} up on {1}", Long.toString(options.chainId()), rpcUrl());
        return this;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts anvil on a free port, on the saved state if there is one, and waits until it answers. */
    private synchronized void launchNode() throws IOException {
        int p = freePort();
        Path state = options.stateDir().resolve(STATE);
        List<String> cmd = new ArrayList<>(List.of(options.anvil().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(p),
                "--chain-id", Long.toString(options.chainId()), "--hardfork", options.hardfork(),
                // Besu's zeroBaseFee genesis and --min-gas-price=0: transactions at price 0 are accepted
                "--base-fee", "0", "--gas-price", "0", "--disable-min-priority-fee",
                "--config-out", keysFile().toString()));
        if (options.blockTime() > 0) {
            cmd.addAll(List.of("--block-time", Integer.toString(options.blockTime())));
        }
        if (Files.isRegularFile(state)) {
            cmd.addAll(List.of("--load-state", state.toString()));
        }
        Path log = log();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process started;
        try {
            started = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run anvil " + options.anvil() + ": " + e.getMessage(), e);
        }
        writePid(started);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IOException("anvil exited with " + started.exitValue() + ": " + tail(log));
            }
            if (answers(p)) {
                nodePort = p;
                process = started;
                synchronized (saveLock) {
                    dirty = true; // a fresh chain (no state.json yet) is saved at the first answer
                    savedHead = -1;
                }
                started.onExit().thenRun(() -> restartIfWanted(started));
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.destroyForcibly();
                throw new IOException("interrupted while waiting for anvil", e);
            }
        }
        started.destroyForcibly();
        throw new IOException("anvil did not answer on port " + p + " within 60 s: " + tail(log));
    }

    /** An anvil that died while the chain is meant to run is started again on the saved state. */
    private void restartIfWanted(Process died) {
        synchronized (this) {
            if (!wanted || process != died) {
                return;
            }
            process = null;
        }
        LOG.log(System.Logger.Level.WARNING, "anvil of dev chain {0} exited with {1}: starting it again on {2}",
                Long.toString(options.chainId()), died.exitValue(), options.stateDir().resolve(STATE));
        for (int attempt = 1; attempt <= 5; attempt++) {
            synchronized (this) {
                Process now = process;
                if (!wanted || now != null && now.isAlive()) {
                    return; // stopped, or started again by start()
                }
                try {
                    launchNode();
                    return;
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "dev chain restart " + attempt + " failed: " + e.getMessage());
                }
            }
            try {
                Thread.sleep(1000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writePid(Process p) throws IOException {
        Instant started = p.toHandle().info().startInstant().orElse(Instant.EPOCH);
        Files.writeString(pidFile(), p.pid() + " " + started.toEpochMilli() + "\n", StandardCharsets.US_ASCII);
    }

    /** Ends the anvil named by anvil.pid if it still runs (same pid, same start time, same binary). */
    private void endOrphan() throws IOException {
        Path pid = pidFile();
        if (!Files.isRegularFile(pid)) {
            return;
        }
        String[] f = Files.readString(pid, StandardCharsets.US_ASCII).strip().split(" ");
        Optional<ProcessHandle> h = f.length == 2 ? ProcessHandle.of(Long.parseLong(f[0])) : Optional.empty();
        if (h.isPresent() && h.get().isAlive()
                && h.get().info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == Long.parseLong(f[1])
                && h.get().info().command().map(c -> Path.of(c).getFileName().toString().startsWith("anvil")).orElse(false)) {
            LOG.log(System.Logger.Level.WARNING, "ending anvil {0} left running on {1}", f[0], options.stateDir());
            h.get().destroyForcibly();
            try {
                h.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("anvil " + f[0] + " left running on " + options.stateDir() + " did not end", e);
            }
        }
        Files.deleteIfExists(pid);
    }

    private void openRelay() throws IOException {
        relay = new RpcRelay(port, this::relayRequest);
    }

    /** Forwards one request to anvil; the answer goes back only once what it may show is saved. */
    private RpcRelay.Answer relayRequest(byte[] body) {
        Process p = process;
        int target = nodePort;
        try {
            if (p == null || !p.isAlive()) {
                throw new IOException("anvil is not running");
            }
            Post r = post(target, body);
            saveIfChanged(target, controls(body));
            return new RpcRelay.Answer(r.status(), "application/json", r.body());
        } catch (IOException e) {
            return new RpcRelay.Answer(503, "text/plain",
                    ("dev chain node unavailable: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RpcRelay.Answer(503, "text/plain", "interrupted".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Whether a request (one call or a batch) holds a dev-chain control that may change state without a block. */
    private static boolean controls(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            for (JsonNode call : n.isArray() ? n : List.of(n)) {
                String m = call.path("method").asText("");
                if (m.startsWith("evm_") || m.startsWith("anvil_") || m.startsWith("hardhat_")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Saves the chain when its head moved since the last save (or {@code force}): what the answer
     * about to be returned may show is on disk before the client reads it.
     */
    private void saveIfChanged(int target, boolean force) throws IOException, InterruptedException {
        synchronized (saveLock) {
            long head = Long.decode(call(target, "eth_blockNumber").path("result").asText());
            if (!force && !dirty && head == savedHead) {
                return;
            }
            JsonNode dump = call(target, "anvil_dumpState");
            if (!dump.has("result")) {
                throw new IOException("anvil_dumpState: " + dump.path("error"));
            }
            byte[] state = gunzip(HexFormat.of().parseHex(dump.get("result").asText().substring(2)));
            Path file = options.stateDir().resolve(STATE);
            Path tmp = options.stateDir().resolve(STATE + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(state));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(options.stateDir(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // a file system that cannot sync a directory: the rename is still atomic
            }
            savedHead = head;
            dirty = false;
        }
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        if (data.length < 2 || (data[0] & 0xff) != 0x1f || (data[1] & 0xff) != 0x8b) {
            return data; // not compressed
        }
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** The block number of the last saved state, -1 before the first save. */
    public long savedHead() {
        synchronized (saveLock) {
            return savedHead;
        }
    }

    private boolean answers(int p) {
        try {
            return call(p, "eth_chainId").has("result");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode call(int p, String method) throws IOException, InterruptedException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":[]}";
        return JSON.readTree(post(p, body.getBytes(StandardCharsets.UTF_8)).body());
    }

    private record Post(int status, byte[] body) {
    }

    /**
     * One POST on loopback with {@link HttpURLConnection} (blocking, on the caller's thread, its
     * connections kept alive by the JDK): the JDK's {@code HttpClient} hands each request between
     * threads, which cost tens of milliseconds per request on a loaded 2-core machine.
     */
    private static Post post(int p, byte[] body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + p + "/").toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(30_000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return new Post(status, in == null ? new byte[0] : in.readAllBytes());
        }
    }

    /** A raw JSON-RPC call with no parameters (for dev-chain controls such as {@code evm_mine}), through the relay. */
    public JsonNode rpc(String method) throws IOException, InterruptedException {
        return call(port, method);
    }

    /**
     * Stops the chain: the relay closes (clients see an outage), the state is saved one last time
     * and anvil ends; {@code state.json} stays in the state directory for the next {@link #start()}.
     */
    public synchronized void stop() {
        wanted = false;
        if (relay != null) {
            relay.close();
            relay = null;
        }
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            try {
                saveIfChanged(nodePort, false);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "dev chain state not saved at stop: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            // the next start checks the pid and start time anyway
        }
    }

    /**
     * What a JVM killed with kill -9 leaves behind, for tests: the relay closes, anvil runs on and
     * nothing supervises it (its pid file stays).
     */
    synchronized void abandon() {
        wanted = false;
        if (relay != null) {
            relay.close();
            relay = null;
        }
        process = null;
        if (reaper != null) {
            Runtime.getRuntime().removeShutdownHook(reaper);
            reaper = null;
        }
    }

    /** Whether the relay is open and anvil runs. */
    public boolean running() {
        Process p = process;
        return relay != null && p != null && p.isAlive();
    }

    /** The anvil process now serving the chain (for fault tests: {@code node().destroyForcibly()} is a kill -9). */
    public Optional<ProcessHandle> node() {
        Process p = process;
        return p == null ? Optional.empty() : Optional.of(p.toHandle());
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port + "/";
    }

    public long chainId() {
        return options.chainId();
    }

    public Path stateDir() {
        return options.stateDir();
    }

    /** The private key (hex) of the chain's first funded development account, the demo's ledger admin. */
    public String adminKey() throws IOException {
        JsonNode keys = JSON.readTree(keysFile().toFile()).path("private_keys");
        if (!keys.isArray() || keys.isEmpty()) {
            throw new IOException("no development keys in " + keysFile());
        }
        return keys.get(0).asText();
    }

    private Path keysFile() {
        return options.stateDir().resolve("keys.json");
    }

    private Path pidFile() {
        return options.stateDir().resolve("anvil.pid");
    }

    private Path log() {
        return options.stateDir().resolve("anvil.log");
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
