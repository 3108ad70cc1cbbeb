package io.certigate.app.bench;

import io.certigate.app.CertigateCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.sqlite.SQLiteConfig;

/**
 * The cold start of {@code certigate run}: each round launches a fresh gateway process (a new
 * buffer, a synthetic source at 100 readings/s) and measures from just before the launch to the
 * moment its buffer holds a committed reading, read through a read-only SQLite connection polled
 * every millisecond once the gateway has said its buffer is open, and the CPU time the process
 * used until then (a figure that moves less with the machine's load). Then it stops the gateway
 * with SIGTERM and records the exit status and whether anything printed a stack trace. Each build
 * creates its key store with its own {@code key create}, so a baseline build ({@code --baseline-jar})
 * is measured with its own key format, and the builds alternate round by round. The key store's
 * load time is measured apart, by {@link KeyLoadProbe} in a fresh JVM of this build (the reading
 * code is the same for both formats).
 */
final class ColdStartBench {
    private static final Pattern RUN_KEY_LOAD = Pattern.compile("key loaded in (\\d+) ms");
    private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at [\\w$.]+\\(|^Exception in thread|^Caused by:");
    private static final long TIMEOUT_S = 120;

    private final Path baselineJar;
    private final List<String> javaOpts;
    private final int rounds;
    private final PrintStream out;

    ColdStartBench(Path baselineJar, String javaOpts, int rounds, PrintStream out) {
        this.baselineJar = baselineJar;
        this.javaOpts = javaOpts.isBlank() ? List.of() : Arrays.asList(javaOpts.trim().split("\\s+"));
        this.rounds = rounds;
        this.out = out;
    }

    private record Round(long coldStartMs, long coldStartCpuMs, long runKeyLoadMs, int exit, int stackTraceLines) {}

    /** A build under measurement: how to launch it and the key store it created. */
    private record Subject(String label, List<String> gateway, Path key, List<long[]> keyLoads, List<Round> rounds) {}

    Map<String, String> run(Path work) throws Exception {
        Path pass = work.resolve("pass");
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        Files.writeString(pass, HexFormat.of().formatHex(secret) + "\n");
        List<Subject> subjects = new ArrayList<>();
        if (baselineJar != null) {
            subjects.add(subject("baseline", gateway(baselineJar), work, pass));
        }
        subjects.add(subject("this build", gateway(null), work, pass));
        Class.forName("org.sqlite.JDBC"); // the driver's native library is loaded before any launch
        for (int i = 1; i <= rounds; i++) { // the builds alternate, so that both see the same machine load
            for (Subject s : subjects) {
                String[] f = exec(List.of(java(), "-cp", System.getProperty("java.class.path"),
                        KeyLoadProbe.class.getName(), s.key().toString(), "file:" + pass)).strip().split(" ");
                long[] load = Arrays.stream(f).mapToLong(Long::parseLong).toArray();
                s.keyLoads().add(load);
                Round r = round(Files.createDirectories(work.resolve(s.key().getFileName() + "-round-" + i)), s, pass);
                s.rounds().add(r);
                out.println(s.label() + ", round " + i + ": key store opened in " + load[2] + " ms (" + load[3]
                        + " ms CPU; Bouncy Castle provider start before it " + load[0] + " ms, " + load[1]
                        + " ms CPU) in a fresh JVM; first committed reading " + r.coldStartMs() + " ms after launch ("
                        + r.coldStartCpuMs() + " ms CPU of the gateway process)"
                        + (r.runKeyLoadMs() >= 0 ? ", the run's own key load " + r.runKeyLoadMs() + " ms" : "")
                        + "; SIGTERM: exit " + r.exit() + ", " + (r.stackTraceLines() == 0 ? "no stack trace"
                        : r.stackTraceLines() + " stack trace lines"));
            }
        }
        Map<String, String> figures = new LinkedHashMap<>();
        for (Subject s : subjects) {
            String k = s.label().equals("baseline") ? "baseline_" : "";
            List<Round> done = s.rounds();
            figures.put(k + "coldstart_ms_median", Long.toString(median(done.stream().map(Round::coldStartMs).toList())));
            figures.put(k + "coldstart_cpu_ms_median", Long.toString(median(done.stream().map(Round::coldStartCpuMs).toList())));
            figures.put(k + "key_open_ms_median", Long.toString(median(s.keyLoads().stream().map(l -> l[2]).toList())));
            figures.put(k + "key_open_cpu_ms_median", Long.toString(median(s.keyLoads().stream().map(l -> l[3]).toList())));
            figures.put(k + "provider_start_ms_median", Long.toString(median(s.keyLoads().stream().map(l -> l[0]).toList())));
            figures.put(k + "sigterm_exit", done.stream().map(r -> Integer.toString(r.exit())).collect(Collectors.joining(",")));
            figures.put(k + "stack_trace_lines", Integer.toString(done.stream().mapToInt(Round::stackTraceLines).sum()));
        }
        return figures;
    }

    /** The build's own {@code key create} makes its key store, in its own format. */
    private Subject subject(String label, List<String> gateway, Path work, Path pass) throws Exception {
        Path key = work.resolve((label.equals("baseline") ? "baseline" : "current") + ".p12");
        List<String> create = new ArrayList<>(gateway);
        create.addAll(List.of("key", "create", "--key-store", key.toString(), "--device", "gw-coldstart",
                "--passphrase", "file:" + pass));
        exec(create);
        out.println(label + ": " + String.join(" ", gateway));
        return new Subject(label, gateway, key, new ArrayList<>(), new ArrayList<>());
    }

    private Round round(Path dir, Subject subject, Path pass) throws Exception {
        Path buffer = dir.resolve("buffer.db");
        Path config = Files.writeString(dir.resolve("certigate.conf"), String.join("\n",
                "device.id = gw-coldstart",
                "key.store = " + subject.key(),
                "key.passphrase = file:" + pass,
                "buffer.file = " + buffer,
                "sources.synthetic.rate = 100", ""));
        List<String> command = new ArrayList<>(subject.gateway());
        command.addAll(List.of("run", "--config", config.toString()));
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch bufferOpen = new CountDownLatch(1);
        long launched = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        lines.add(l);
                        if (l.startsWith("certigate run: device ")) {
                            bufferOpen.countDown();
                        }
                    }
                } catch (IOException e) {
                    lines.add("(output unreadable: " + e.getMessage() + ")");
                }
            }, "coldstart-output");
            reader.start();
            while (!bufferOpen.await(5, TimeUnit.MILLISECONDS)) {
                if (!p.isAlive() || System.nanoTime() - launched > TimeUnit.SECONDS.toNanos(TIMEOUT_S)) {
                    throw new IOException("the gateway did not open its buffer: " + String.join("\n", lines));
                }
            }
            long committed = awaitFirstCommit(buffer, launched);
            long cpuMs = p.toHandle().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
            p.toHandle().destroy(); // SIGTERM, the output stays readable
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IOException("the gateway did not stop within " + TIMEOUT_S + " s of SIGTERM");
            }
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
            long runKey = -1;
            int traces = 0;
            synchronized (lines) {
                for (String l : lines) {
                    Matcher m = RUN_KEY_LOAD.matcher(l);
                    if (m.find()) {
                        runKey = Long.parseLong(m.group(1));
                    }
                    traces += STACK_TRACE.matcher(l).find() ? 1 : 0;
                }
            }
            return new Round(TimeUnit.NANOSECONDS.toMillis(committed - launched), cpuMs, runKey, p.exitValue(), traces);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /** nanoTime at which the buffer first holds a record, polled every millisecond. */
    private static long awaitFirstCommit(Path buffer, long launched) throws SQLException, InterruptedException, IOException {
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + buffer, readOnly.toProperties());
                Statement st = c.createStatement()) {
            while (System.nanoTime() - launched < TimeUnit.SECONDS.toNanos(TIMEOUT_S)) {
                try (ResultSet rs = st.executeQuery("SELECT max(seq) FROM record")) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return System.nanoTime();
                    }
                }
                Thread.sleep(1);
            }
        }
        throw new IOException("no reading committed in " + buffer + " within " + TIMEOUT_S + " s");
    }

    private List<String> gateway(Path jar) {
        List<String> c = new ArrayList<>();
        c.add(java());
        c.addAll(javaOpts);
        if (jar != null) {
            c.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        } else {
            c.addAll(List.of("-cp", System.getProperty("java.class.path"), CertigateCli.class.getName()));
        }
        return c;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
