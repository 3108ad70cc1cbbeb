package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.app.bench.GeneratedExport;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.testbed.device.TestDevice;
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
        GeneratedExport.write(export, device.key(), "gw-report-size", RECORDS, ReportConstantMemoryTest::reading);
        assertThat(Files.size(export)).as("export bytes").isGreaterThan(64L << 20);

        Path out = dir.resolve("passport.html");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                CertigateCli.class.getName(), "report", "--export", export.toString(), "--subject", VIN, "-o", out.toString(),
                "--quiet").redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).contains("wrote " + out + ": 240000 readings of " + VIN + ", 1 rollback (5 readings inside)");

        assertThat(Files.size(out)).as("passport bytes").isLessThan(3_000_000L);
        String page = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(page).contains("VERIFIED: the 240,000 readings of " + VIN + " are signed by the device and chained without a break.")
                .contains("1 rollback of the odometer").contains("240,000 records of the file (seq 1..240000)")
                .contains("the file holds seq 1..240000 without a gap");
        assertThat(PassportReportTest.count(page, "class=\"rollback-explanation\"")).isEqualTo(1);
    }
}
