package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.testing.TestSpine;
import java.awt.image.BufferedImage;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passport of a drive: 40 odometer readings a minute apart with a pause of three days after the
 * tenth, wound back at reading 20 and rising for five readings below the earlier value (one
 * rollback event of six readings), certified again from reading 26; the VIN's speed going up and
 * down; another vehicle's readings in the same export.
 */
class PassportReportTest {
    static final String VIN = "VF1RFB00X57177144";
    static final long T0 = 1_763_000_000_000L;
    static final long PAUSE = 3 * 86_400_000L;

    @TempDir
    Path dir;
    Path html;
    String line;

    /** The odometer of reading {@code i} of the drive, in tenths of a km. */
    static long tenths(int i) {
        return i >= 20 && i < 26 ? 500_000 + (i - 20) * 37L : 1_000_000 + i * 37L;
    }

    static long time(int i) {
        return T0 + i * 60_000L + (i >= 10 ? PAUSE : 0);
    }

    static void drive(TestSpine spine) throws Exception {
        for (int i = 0; i < 40; i++) {
            List<String> flags = i >= 20 && i < 26 ? List.of("rollback-suspected") : List.of();
            spine.sequencer.submit(new Reading(time(i), TimeQuality.GNSS, "obd", "vehicle.odometer", VIN,
                    ReadingValue.of(BigDecimal.valueOf(tenths(i), 1)), "km", flags));
            spine.sequencer.submit(new Reading(time(i), TimeQuality.GNSS, "obd", "vehicle.speed", VIN,
                    ReadingValue.of(i % 2 == 0 ? 50 : 30), "km/h"));
            spine.sequencer.submit(new Reading(time(i), TimeQuality.GNSS, "obd", "vehicle.odometer", "WVWZZZ1JZXW000001",
                    ReadingValue.of(i), "km"));
        }
        spine.sequencer.submit(new Reading(T0, TimeQuality.NTP, "sim", "vehicle.speed", "WVWZZZ1JZXW000001",
                ReadingValue.of(50), "km/h")).get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void report() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            drive(spine);
            Exporter.export(spine.buffer, Selection.ALL, dir.resolve("export.json"));
        }
        html = dir.resolve("passport.html");
        line = ReportCommand.write(dir.resolve("export.json"), "export.json", VIN, null,
                ReportCommand.Anchoring.NONE, html, dir.resolve("export.json")).orElseThrow();
    }

    @Tag("component")
    @Test
    void pageIsSelfContained() throws Exception {
        String page = Files.readString(html);
        assertThat(page).doesNotContain("src=").doesNotContain("href=").doesNotContain("url(").doesNotContain("@import")
                .doesNotContain("<script").doesNotContain("<link").doesNotContain("<img");
        assertThat(page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://").doesNotContain("https://");
    }

    @Tag("component")
    @Test
    void opensWithTheVerdictAndWhatItRestsOn() throws Exception {
        String page = Files.readString(html);
        assertThat(page.indexOf("id=\"verdict-headline\"")).isLessThan(page.indexOf("<svg")).isLessThan(page.indexOf("id=\"readings\""));
        assertThat(page).contains("VERIFIED: the 80 readings of " + VIN + " are signed by the device and chained without a break.")
                .contains("1 rollback of the odometer")
                .contains("Taken from the file itself, no trust root given")
                .contains("No anchoring transaction is known")
                .contains("Completeness not checked")
                .contains("Only the file was read: the file holds seq 1..121 without a gap");
        assertThat(page).containsPattern("<td><code>[0-9a-f]{16}</code> \\(EdDSA\\)</td><td>OU=certigate device,CN=gw-test-0001</td>");
        assertThat(line).isEqualTo("wrote " + html + ": 80 readings of " + VIN + ", 1 rollback (6 readings inside)");
    }

    @Tag("component")
    @Test
    void theRollbackIsOneEventMarkedAndExplainedOnce() throws Exception {
        String page = Files.readString(html);
        assertThat(count(page, "class=\"rollback-marker\"")).isEqualTo(1);
        assertThat(count(page, "class=\"rollback-explanation\"")).isEqualTo(1);
        assertThat(page).contains("the odometer read 50,000 km, 50,070.3 km less than the 100,070.3 km certified on")
                .contains("The 5 readings after it rose from there (to 50,018.5 km) but stayed below 100,070.3 km: one event of 6"
                        + " readings, not 6 separate anomalies.")
                .contains("It ended at seq ");
        // the speed goes up and down: no rollback of a kind that is not cumulative
        assertThat(page).doesNotContain("rollback of the vehicle.speed");
        assertThat(count(page, "<tr class=\"rollback\"")).isEqualTo(6);
    }

    @Tag("component")
    @Test
    void theChartHasLabelledAxesNiceTicksAndShowsTheGap() throws Exception {
        String page = Files.readString(html);
        assertThat(page).contains(">odometer (km)</text>").containsPattern("class=\"xtitle\"[^>]*>date( and time)? \\(UTC\\)</text>")
                .containsPattern("class=\"ytick\"[^>]*>(40,000|50,000)</text>")
                .containsPattern("class=\"xtick\"[^>]*>(2025-)?11-14( 00:00)?</text>")
                .contains("<rect class=\"gap\"").contains("no reading for 3 days");
        Matcher m = Pattern.compile("class=\"ytick\"[^>]*>([0-9,]+)</text>").matcher(page);
        while (m.find()) {
            assertThat(Long.parseLong(m.group(1).replace(",", "")) % 10_000).as(m.group(1)).isZero();
        }
    }

    @Tag("component")
    @Test
    void readingsAreCollapsedPerKind() throws Exception {
        String page = Files.readString(html);
        assertThat(count(page, "<details class=\"kind\"")).isEqualTo(2);
        assertThat(page).contains("<b>vehicle.odometer</b>: 40 readings, all verified, 6 readings inside rollback events")
                .contains("<b>vehicle.speed</b>: 40 readings, all verified");
        assertThat(page).doesNotContain("WVWZZZ1JZXW000001");
        assertThat(page).contains("rollback 1 starts here").contains("inside rollback 1");
    }

    /** Renders the page in Debian's headless Chromium and looks at what a reader sees. */
    @Tag("integration")
    @Test
    void chromiumShowsTheVerdictTheRollbackAndTheChart() throws Exception {
        Chromium chromium = new Chromium(dir.resolve("profile"));
        Chromium.Rendered page = chromium.render(html, "svg g.rollback-marker", "svg text.xtick", "#verdict-headline",
                "li.rollback-explanation");
        assertThat(page.text()).contains("VERIFIED: the 80 readings of " + VIN).contains("1 rollback of the odometer")
                .contains("one event of 6 readings, not 6 separate anomalies").contains("no reading for 3 days");
        assertThat(page.count("svg g.rollback-marker")).isEqualTo(1);
        assertThat(page.count("li.rollback-explanation")).isEqualTo(1);
        assertThat(page.count("#verdict-headline")).isEqualTo(1);
        assertThat(page.count("svg text.xtick")).isBetween(3, 9);

        BufferedImage img = ImageIO.read(new File(chromium.screenshot(html, dir.resolve("shot.png")).toString()));
        int red = 0;
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r > 200 && g < 70 && b < 70) {
                    red++; // the rollback marker (#d62728)
                }
                if (r < 60 && g > 100 && g < 140 && b > 160) {
                    blue++; // the certified line (#1f77b4)
                }
            }
        }
        assertThat(red).as("rollback marker pixels").isGreaterThan(100);
        assertThat(blue).as("certified line and points pixels").isGreaterThan(50);
    }

    static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }
}
