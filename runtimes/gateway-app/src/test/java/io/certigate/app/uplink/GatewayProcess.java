package io.certigate.app.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.uplink.RecordFilter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code certigate run} as a child process of a test (the test's class path, its output in a log
 * file under the test's folder), killed with SIGKILL or stopped with SIGTERM; and the check, on the
 * bytes a route's destination received, that no record the route does not cover left the gateway.
 */
final class GatewayProcess implements AutoCloseable {
    private final Path dir;
    private Process process;

    GatewayProcess(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code certigate run --config config}, its output in {@code dir/log}. */
    void start(Path config, String log) throws Exception {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    /** SIGKILL: nothing is closed or marked on the way out. */
    void kill() throws Exception {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGTERM, as an operator stops it; the run must end cleanly (exit 0). */
    void stop(String log) throws Exception {
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit; log:\n%s", Files.readString(dir.resolve(log))).isZero();
    }

    /** The first line of {@code log} holding {@code text}, waiting up to a minute while the run is alive. */
    String awaitLog(String log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(dir.resolve(log), StandardCharsets.UTF_8)) {
                if (line.contains(text)) {
                    return line;
                }
            }
            assertThat(process.isAlive()).as("gateway running; log:\n%s", Files.readString(dir.resolve(log))).isTrue();
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("no line with '" + text + "' in:\n" + Files.readString(dir.resolve(log)));
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Neither the salt of any record the route does not cover nor the names of the kinds left out
     * are in what the destination received, while every covered record's salt is.
     */
    static void assertNoTraceOfUncovered(List<byte[]> delivered, List<StoredRecord> chain, RecordFilter route,
            String... kindsLeftOut) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        delivered.forEach(all::writeBytes);
        String wire = all.toString(StandardCharsets.ISO_8859_1);
        for (String kind : kindsLeftOut) {
            assertThat(wire).as("kind name " + kind).doesNotContain(kind);
        }
        int leftOut = 0;
        for (StoredRecord r : chain) {
            byte[] cose = ((StoredRecord.Signed) r).cose();
            ChainedReading c = ReadingCodec.decode(CoseSign1.parse(cose).payload());
            String salt = new String(c.salt(), StandardCharsets.ISO_8859_1);
            if (route.covers(cose)) {
                assertThat(wire).as("covered seq %d arrived whole", r.seq()).contains(salt);
            } else {
                leftOut++;
                assertThat(wire).as("salt of uncovered seq %d (%s)", r.seq(), c.reading().kind()).doesNotContain(salt);
            }
        }
        assertThat(leftOut).isPositive();
    }
}
