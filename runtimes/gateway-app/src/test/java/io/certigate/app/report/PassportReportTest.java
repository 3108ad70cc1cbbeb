package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.testing.TestSpine;
import io.certigate.verifier.export.ExportFile;
import java.awt.image.BufferedImage;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassportReportTest {
    private static final String VIN = "VF1RFB00X57177144";

    @TempDir
    Path dir;
    Path html;

    /** A drive of 30 odometer readings with a rollback at reading 20, plus another vehicle's readings. */
    @BeforeEach
    void report() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            for (int i = 0; i < 30; i++) {
                BigDecimal km = BigDecimal.valueOf(1_000_000 + i * 37L, 1);
                List<String> flags = List.of();
                if (i == 20) {
                    km = BigDecimal.valueOf(500_000, 1);
                    flags = List.of("rollback-suspected");
                }
                spine.sequencer.submit(new Reading(1_763_000_000_000L + i * 60_000L, TimeQuality.GNSS, "obd",
                        "vehicle.odometer", VIN, ReadingValue.of(km), "km", flags));
                spine.sequencer.submit(new Reading(1_763_000_000_000L + i * 60_000L, TimeQuality.GNSS, "obd",
                        "vehicle.odometer", "WVWZZZ1JZXW000001", ReadingValue.of(i), "km"));
            }
            spine.sequencer.submit(new Reading(1_763_000_000_000L, TimeQuality.NTP, "sim", "vehicle.speed",
                    "WVWZZZ1JZXW000001", ReadingValue.of(50), "km/h")).get(10, TimeUnit.SECONDS);
            Exporter.export(spine.buffer, Selection.ALL, dir.resolve("export.json"));
        }
        ExportFile.Contents c = ExportFile.read(dir.resolve("export.json"));
        List<PassportEntry> entries = PassportReport.entries(c, VIN, null);
        html = Files.writeString(dir.resolve("passport.html"),
                PassportReport.html(VIN, c.device(), "vehicle.odometer", entries, Instant.parse("2026-11-24T12:00:00Z")));
    }

    @Tag("component")
    @Test
    void pageIsSelfContainedAndHighlightsTheRollback() throws Exception {
        String page = Files.readString(html);
        assertThat(page).doesNotContain("src=").doesNotContain("href=").doesNotContain("url(").doesNotContain("@import")
                .doesNotContain("<script");
        assertThat(page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://").doesNotContain("https://");
        assertThat(page.split("<tr class=", -1)).hasSize(31); // 30 rows of this VIN only
        assertThat(page.split("<tr class=\"anomaly\"", -1)).hasSize(2);
        assertThat(page).contains("rollback suspected").contains("30 certified readings").contains("all verified")
                .contains("<polyline").contains("<circle class=\"anomaly\"");
    }

    @Tag("unit")
    @Test
    void onlyCumulativeKindsMustNotDecrease() {
        assertThat(PassportReport.cumulative("vehicle.odometer")).isTrue();
        assertThat(PassportReport.cumulative("meter.energy.import")).isTrue();
        assertThat(PassportReport.cumulative("meter.energy.import.hchc")).isTrue();
        assertThat(PassportReport.cumulative("vehicle.speed")).isFalse();
        assertThat(PassportReport.cumulative("meter.power.apparent")).isFalse();
        assertThat(PassportReport.cumulative("road.shock")).isFalse();
    }

    /** Renders the page in Debian's headless Chromium and looks at what it drew. */
    @Tag("integration")
    @Test
    void chromiumRendersTheChartTableAndAnomaly() throws Exception {
        String chromium = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        List<String> base = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"));
        Process dom = new ProcessBuilder(concat(base, "--dump-dom", html.toUri().toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String rendered = new String(dom.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dom.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rendered).contains("<table id=\"readings\">").contains("rollback suspected").contains("<polyline");

        Path png = dir.resolve("shot.png");
        Process shot = new ProcessBuilder(concat(base, "--window-size=1000,800", "--screenshot=" + png, html.toUri().toString()))
                .redirectErrorStream(true).start();
        shot.getInputStream().readAllBytes();
        assertThat(shot.waitFor(60, TimeUnit.SECONDS)).isTrue();
        BufferedImage img = ImageIO.read(new File(png.toString()));
        assertThat(img).isNotNull();
        int red = 0;
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r > 200 && g < 70 && b < 70) {
                    red++; // the anomaly marker (#d62728)
                }
                if (r < 60 && g > 100 && g < 140 && b > 160) {
                    blue++; // the odometer line (#1f77b4)
                }
            }
        }
        assertThat(red).as("anomaly marker pixels").isGreaterThan(20);
        assertThat(blue).as("chart line pixels").isGreaterThan(200);
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> l = new java.util.ArrayList<>(a);
        l.addAll(List.of(b));
        return l;
    }
}
