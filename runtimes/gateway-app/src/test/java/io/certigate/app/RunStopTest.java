package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.testbed.device.TestDevice;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate run} as a real process stopped by SIGTERM ({@link ProcessHandle#destroy}, which
 * unlike {@link Process#destroy} leaves the output streams open) at several
 * moments of its life: the exit status is 0 (or 143 with nothing printed, for a signal that beat the
 * runtime's start), nothing prints a stack trace, and the stop message's backlog is what the buffer
 * holds afterwards. The gateway runs a synthetic source, an MQTT uplink and anchoring whose broker
 * and ledger do not answer (closed loopback ports), so that all three parts of the backlog grow.
 */
@Tag("component")
class RunStopTest {
    private static final Pattern BACKLOG = Pattern.compile("stopped cleanly; left for the next start: (\\d+) committed"
            + " records? not yet delivered, (\\d+) records? not yet in an anchor batch, (\\d+) batch(?:es)? not yet anchored");

    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void gateway() throws Exception {
        TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-stop-1", CoseAlgorithm.EDDSA);
        Files.writeString(dir.resolve("ledger.pass"), "stop-test-ledger\n");
        LedgerAccount.create(dir.resolve("ledger-account.json"), "stop-test-ledger".toCharArray(),
                LedgerAccount.KeyFileCost.LIGHT);
        new LedgerSettings(LedgerConfig.of("http://127.0.0.1:" + closedPort(), 1337,
                "0x00000000000000000000000000000000000000aa"), dir.resolve("ledger-account.json"),
                "file:" + dir.resolve("ledger.pass")).save(dir.resolve("ledger.properties"));
        config = Files.writeString(dir.resolve("certigate.conf"), String.join("\n",
                "device.id = gw-stop-1",
                "key.store = " + dir.resolve("device.p12"),
                "key.passphrase = file:" + dir.resolve("device.pass"),
                "buffer.file = " + dir.resolve("buffer.db"),
                "sources.synthetic.rate = 50",
                "uplink.mqtt.url = tcp://127.0.0.1:" + closedPort(),
                "anchor.ledger = " + dir.resolve("ledger.properties"),
                "anchor.batch-size = 20",
                "anchor.batch-age-s = 1", ""));
    }

    @Test
    void aSigtermAtLaunchEndsQuietly() throws Exception {
        Process p = start();
        sigterm(p); // SIGTERM while the JVM starts
        String out = finish(p);
        if (p.exitValue() == 128 + 15) {
            assertThat(out).as("a JVM stopped before the runtime's stop handling was in place").isEmpty();
        } else {
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).containsPattern("stopped (before|while opening|cleanly)");
        }
    }

    @Test
    void aSigtermOnceTheKeyAndBufferAreOpenStopsTheStartUpAndReportsTheBacklog() throws Exception {
        Process p = start();
        BufferedReader out = reader(p);
        List<String> seen = new ArrayList<>();
        seen.add(awaitLine(out, "certigate run: device gw-stop-1", seen));
        assertThat(seen.get(seen.size() - 1)).contains("key loaded in").contains(" ms)");
        sigterm(p); // sources, uplink and anchoring are still to start: the moment web3j used to fail in
        String rest = finish(p);
        assertThat(p.exitValue()).as(rest).isZero();
        assertThat(rest).contains("stop requested during start-up");
        assertBacklogMatchesTheBuffer(rest);
    }

    @Test
    void aSigtermJustAfterTheFirstCommitReportsTheBacklog() throws Exception {
        Process p = start();
        BufferedReader out = reader(p);
        List<String> seen = new ArrayList<>();
        assertThat(awaitLine(out, "first reading of this run committed", seen)).containsPattern("\\(seq 1\\) \\d+ ms after launch");
        sigterm(p);
        String rest = finish(p);
        assertThat(p.exitValue()).as(rest).isZero();
        assertBacklogMatchesTheBuffer(rest);
    }

    @Test
    void aSigtermWhileRunningReportsUndeliveredUnbatchedAndUnanchored() throws Exception {
        Process p = start();
        BufferedReader out = reader(p);
        List<String> seen = new ArrayList<>();
        awaitLine(out, "first reading of this run committed", seen);
        awaitABatchCut(); // 50 readings/s: batches of 20 are cut that the silent ledger cannot anchor
        sigterm(p);
        String rest = finish(p);
        assertThat(p.exitValue()).as(rest).isZero();
        Matcher m = assertBacklogMatchesTheBuffer(rest);
        assertThat(Long.parseLong(m.group(1))).isPositive();
        assertThat(Long.parseLong(m.group(3))).isPositive();
        assertThat(rest).contains("the next start resumes from the buffer (a stop does not wait for delivery or anchoring)");
    }

    /** Waits until the running gateway has cut its first anchor batch, read through a read-only connection. */
    private void awaitABatchCut() throws Exception {
        Path file = dir.resolve("buffer.db");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (RecordBuffer b = RecordBuffer.openReadOnly(file, "gw-stop-1")) {
                if (new BatchStore(b).lastBatchedSeq() > 0) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("a batch cut within 30 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** The counts of the stop message are those of the buffer the process left. */
    private Matcher assertBacklogMatchesTheBuffer(String out) throws Exception {
        Matcher m = BACKLOG.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        try (RecordBuffer b = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults("gw-stop-1"))) {
            BatchStore batches = new BatchStore(b);
            assertThat(Long.parseLong(m.group(1))).as("undelivered").isEqualTo(b.stats().undelivered());
            assertThat(Long.parseLong(m.group(1))).isEqualTo(b.head().seq()); // the broker never answered
            assertThat(Long.parseLong(m.group(2))).as("not in a batch").isEqualTo(b.head().seq() - batches.lastBatchedSeq());
            assertThat(Long.parseLong(m.group(3))).as("batches not anchored").isEqualTo(batches.unanchoredCount());
        }
        return m;
    }

    private Process start() throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).start();
    }

    private static void sigterm(Process p) {
        assertThat(p.toHandle().destroy()).as("SIGTERM sent").isTrue();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Waits for the process to end and returns the rest of its output, checked for stack traces. */
    private static String finish(Process p) throws Exception {
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(rest).isTrue();
        assertThat(rest).as("no stack trace").doesNotContainPattern("(?m)^\\s+at [\\w$.]+\\(")
                .doesNotContain("Caused by:").doesNotContain("Exception in thread")
                .doesNotContain("ExceptionInInitializerError");
        return rest;
    }

    private static String awaitLine(BufferedReader out, String text, List<String> seen) throws Exception {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.add(line);
            assertThat(line).as("no stack trace").doesNotContainPattern("^\\s+at [\\w$.]+\\(");
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no line with '" + text + "' in:\n" + String.join("\n", seen));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
