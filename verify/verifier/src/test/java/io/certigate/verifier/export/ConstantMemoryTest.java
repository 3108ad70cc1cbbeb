package io.certigate.verifier.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SignatureVerifier;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export more than twice the size of the heap is verified in a JVM started with that heap
 * ({@value #HEAP}): the file's text alone could not fit, so it passes only if it is streamed. Read
 * whole as the verifier did before ({@code Probe FILE whole}), the same file ends in an
 * OutOfMemoryError in that heap after half a minute of collections, too long to repeat on every run.
 * The million-record case runs as a bench ({@code certigate bench verify}, BENCHMARKS.md).
 */
@Tag("component")
class ConstantMemoryTest {
    static final String HEAP = "-Xmx24m";
    static final int RECORDS = 16_000;
    static final int BYTES_PER_READING = 2304;

    @TempDir
    Path dir;

    @Test
    void anExportLargerThanTheHeapVerifiesInIt() throws Exception {
        SoftwareDeviceKey key = Pkcs12KeyStore.create(dir.resolve("k.p12"), CoseAlgorithm.EDDSA, "gw", "pw".toCharArray());
        Path export = dir.resolve("large.json");
        TestExports.write(export, "gw", List.of(key.publicKey()),
                TestExports.entries(TestExports.chain(key, "gw", RECORDS, BYTES_PER_READING)), false);
        assertThat(Files.size(export)).isGreaterThan(48L << 20);

        Probe.Run streamed = Probe.run(export, "stream");
        assertThat(streamed.exit()).as(streamed.out()).isZero();
        assertThat(streamed.out()).contains("ok=true records=" + RECORDS + " verified=" + RECORDS);
    }

    /** Verifies the export named by its first argument on two threads, streamed or read whole, and prints the report's figures. */
    public static final class Probe {
        record Run(int exit, String out) {}

        static Run run(Path export, String mode) throws Exception {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Probe.class.getName(), export.toString(),
                    mode).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), out);
        }

        public static void main(String[] args) throws Exception {
            if (args[1].equals("whole")) {
                VerificationReport report = new Verifier().export(ExportFile.read(Path.of(args[0])));
                System.out.println("ok=" + report.ok());
                return;
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try (ExportReader r = ExportReader.open(Path.of(args[0]))) {
                VerificationReport report = new Verifier(SignatureVerifier.BOUNCY_CASTLE, pool, 2).export(r, EntryObserver.NONE);
                System.out.println("ok=" + report.ok() + " records=" + report.records() + " verified=" + report.verified()
                        + " heap_max_mb=" + Runtime.getRuntime().maxMemory() / 1048576);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
