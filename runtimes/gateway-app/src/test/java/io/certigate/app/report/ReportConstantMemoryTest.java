package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.app.bench.GeneratedExport;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.pty.PtyPair;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate report} streams its input: the passport of an export of 240,000 signed odometer
 * readings (about 90 MB, the size issue #15 measured at 2.9 GB of memory before streaming) is
 * written by the command line in a JVM of its own limited to a 64 MB heap, the limit the shipped
 * gateway runs with, and is a few hundred kilobytes. The export is generated entry by entry as the
 * gateway writes one ({@link GeneratedExport}, also behind {@code bench verify}), signed with a test
 * device's key: one reading every 30 s, a rollback of 20,000 km at reading 120,000 with the next
 * four readings below the earlier value (one event of five readings), and a pause of ten days.
 * Standard error is a pty, so the command shows its progress line (records, rate, time left) as it
 * would in a user's terminal.
 */
@Tag("component")
class ReportConstantMemoryTest {
    static final String VIN = "VF1RFB00X57177144";
    static final long RECORDS = 240_000;
    static final long T0 = 1_763_000_000_000L;

    @TempDir
    Path dir;

    static Reading reading(long seq) {
        long t = T0 + seq * 30_000L + (seq > RECORDS / 2 ? 10 * 86_400_000L : 0);
        long tenths = 1_000_000 + seq * 3 - (seq >= 120_000 && seq < 120_005 ? 200_000 : 0);
        return new Reading(t, TimeQuality.GNSS, "obd", "vehicle.odometer", VIN, ReadingValue.of(BigDecimal.valueOf(tenths, 1)), "km");
    }

    @Test
    void aLargeExportGivesASmallPassportInA64MbHeap() throws Exception {
        TestDevice device = TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-report-size", CoseAlgorithm.EDDSA);
        Path export = dir.resolve("export.json");
        long t0 = System.nanoTime();
        GeneratedExport.write(export, device.key(), "gw-report-size", RECORDS, ReportConstantMemoryTest::reading);
        assertThat(Files.size(export)).as("export bytes").isGreaterThan(64L << 20);
        long t1 = System.nanoTime();

        Path out = dir.resolve("passport.html");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String printed;
        String progress;
        // standard error is a terminal (one side of a pty pair): the progress line goes there, as it would to a user's
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            Terminal terminal = Terminal.reading(pty.deviceSide());
            Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                    System.getProperty("java.class.path"), CertigateCli.class.getName(), "report", "--export", export.toString(),
                    "--subject", VIN, "-o", out.toString()).redirectError(pty.gatewaySide().toFile()).start();
            printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            progress = terminal.awaitText("240,000 records in", 10_000);
            assertThat(p.exitValue()).as(printed + progress).isZero();
        }
        System.out.printf("generated %,d bytes in %.1f s, report in %.1f s, passport %,d bytes%n", Files.size(export),
                (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, Files.size(out));
        assertThat(printed).contains("wrote " + out + ": 240000 readings of " + VIN + ", 1 rollback (5 readings inside)");
        assertThat(progress).as("the progress line on the terminal").containsPattern("\\rreport: [0-9,]+ records, [0-9,]+/s")
                .containsPattern("report: 240,000 records in [0-9]+ (s|min)");

        assertThat(Files.size(out)).as("passport bytes").isLessThan(3_000_000L);
        String page = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(page).contains("VERIFIED: the 240,000 readings of " + VIN + " are signed by the device and chained without a break.")
                .contains("1 rollback of the odometer").contains("240,000 records of the file (seq 1..240000)")
                .contains("the file holds seq 1..240000 without a gap");
        assertThat(PassportReportTest.count(page, "class=\"rollback-explanation\"")).isEqualTo(1);
    }

    /** What a process writes to a terminal, as read from the other side of the pty pair. */
    private static final class Terminal {
        private final StringBuffer text = new StringBuffer();

        static Terminal reading(Path side) {
            Terminal t = new Terminal();
            Thread reader = new Thread(() -> {
                try (InputStream in = Files.newInputStream(side)) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        t.text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the pair was closed
                }
            }, "pty-reader");
            reader.setDaemon(true);
            reader.start();
            return t;
        }

        /** The text read so far once it holds {@code expected}, or after {@code millis} whatever it holds. */
        String awaitText(String expected, long millis) throws InterruptedException {
            long end = System.nanoTime() + millis * 1_000_000;
            while (text.indexOf(expected) < 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            return text.toString();
        }
    }
}
