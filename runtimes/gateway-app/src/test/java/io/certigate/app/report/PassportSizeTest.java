package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passport of 240,000 readings (issue #15 measured 49 MB of HTML and 2.9 GB for 238,560) is
 * written from readings fed one at a time in a JVM limited to a 32 MB heap, and is a few hundred
 * kilobytes, not megabytes: the page aggregates, it does not list every reading.
 */
@Tag("component")
class PassportSizeTest {
    @TempDir
    Path dir;

    @Test
    void aLargeHistoryGivesASmallPassportInASmallHeap() throws Exception {
        Path out = dir.resolve("passport.html");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx32m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                PassportSizeProbe.class.getName(), out.toString(), "240000").redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).contains("readings=240000 rollbacks=4 ");
        long size = Files.size(out);
        assertThat(size).as("passport bytes").isLessThan(2_000_000L);
        String page = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(page).contains("NOT VERIFIED: 6 checks of the file").contains("4 rollbacks of the odometer")
                .contains("no reading for 10 days").contains("<b>vehicle.odometer</b>: 240,000 readings, <span class=\"bad\">6 failed")
                .contains("239,950 readings not listed here");
        assertThat(PassportReportTest.count(page, "class=\"rollback-explanation\"")).isEqualTo(4);
        assertThat(List.of(page.split("<polyline", -1))).hasSizeGreaterThan(1);
    }
}
