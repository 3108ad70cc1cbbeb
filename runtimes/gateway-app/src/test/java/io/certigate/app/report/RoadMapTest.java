package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.app.CliRun;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.model.Position;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.testing.TestSpine;
import io.certigate.motion.RoadShocks;
import io.certigate.motion.ShockEvent;
import io.certigate.motion.VehicleContext;
import io.certigate.simulators.motion.Route;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The road map of two vehicle boxes' exports: defects at three known points of a route, hit 3, 2
 * and 1 times by the two vehicles (a few metres apart, as GNSS places them), one event without a
 * fix (not on the map), and one record of the second box whose signature was damaged in its export.
 */
@Tag("component")
class RoadMapTest {
    static final long T0 = 1_780_000_000_000L;
    static final double[] DEFECTS_M = {200, 900, 1600};

    @TempDir
    static Path dir;
    static Path svg;
    static CliRun.Result run;
    static Route route = Route.demo();

    /** A located shock at {@code defect}, {@code jitterM} metres east of it, at second {@code i}. */
    static io.certigate.core.model.Reading shock(int defect, double jitterM, int i, double peak) {
        Route.Point p = route.atDistance(DEFECTS_M[defect]);
        double lon = p.lon() + jitterM / (111_320 * Math.cos(Math.toRadians(p.lat())));
        Position pos = new Position(BigDecimal.valueOf(p.lat()).setScale(7, RoundingMode.HALF_EVEN),
                BigDecimal.valueOf(lon).setScale(7, RoundingMode.HALF_EVEN), new BigDecimal("0.8"), 300);
        ShockEvent e = new ShockEvent((T0 + i * 60_000L) * 1_000_000L, 45_000_000L, peak, (T0 + i * 60_000L) * 1_000_000L, 1);
        return RoadShocks.reading(e, Optional.of(pos), Optional.of(new VehicleContext.Speed(42, "obd")), "motion:lis3dh", "road",
                TimeQuality.GNSS);
    }

    static Path export(String device, List<io.certigate.core.model.Reading> readings) throws Exception {
        Path d = Files.createDirectories(dir.resolve(device));
        try (TestSpine spine = TestSpine.start(d, RecordBuffer.Options.defaults(device), Sequencer.Options.DEFAULT)) {
            for (var r : readings) {
                spine.sequencer.submit(r).get(10, TimeUnit.SECONDS);
            }
            Exporter.export(spine.buffer, Selection.ALL, d.resolve("export.json"));
        }
        return d.resolve("export.json");
    }

    @BeforeAll
    static void twoBoxes() throws Exception {
        Path a = export("box-a", List.of(shock(0, 0, 1, 1.4), shock(1, 3, 2, 0.9), shock(0, -4, 3, 2.2), shock(2, 2, 4, 0.7)));
        io.certigate.core.model.Reading unlocated = shock(1, 0, 5, 1.0).withPosition(null).withFlag(RoadShocks.POSITION_UNKNOWN);
        Path b = export("box-b", List.of(shock(0, 5, 6, 1.1), unlocated, shock(1, -2, 7, 1.3)));
        // the last record of box-b (the second hit of defect 1) damaged: one byte of its signature flipped
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(b.toFile());
        ObjectNode last = (ObjectNode) root.get("records").get(2);
        byte[] cose = Base64.getUrlDecoder().decode(last.get("cose").asText());
        cose[cose.length - 1] ^= 0x01;
        last.put("cose", Base64.getUrlEncoder().withoutPadding().encodeToString(cose));
        json.writeValue(b.toFile(), root);
        svg = dir.resolve("road-map.svg");
        run = CliRun.run("road-map", "--export", a.toString(), "--export", b.toString(), "-o", svg.toString());
    }

    @Test
    void theCommandSaysWhatItDrew() {
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("road map " + svg + ": 6 located road.shock events from 2 vehicles in 3 hot spots"
                + " (2 verified, 1 failed)");
    }

    @Test
    void hotSpotsCarryTheirCountVehiclesAndStatus() throws Exception {
        String s = Files.readString(svg, StandardCharsets.UTF_8);
        assertThat(s).doesNotContain("href").doesNotContain("<image").doesNotContain("<script");
        assertThat(hotSpots(s)).containsExactly("3 2 verified", "2 2 failed", "1 1 verified");
        assertThat(s).contains("#1 at ").contains("3 events from 2 vehicles (box-a, box-b), peak 2.20 g, verified")
                .contains("2 events from 2 vehicles (box-a, box-b), peak 1.30 g, FAILED: 1 record did not verify");
    }

    private static List<String> hotSpots(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("class=\"hotspot\" id=\"hotspot-\\d+\" data-count=\"(\\d+)\"[^>]*data-vehicles=\"(\\d+)\""
                + " data-status=\"(\\w+)\"").matcher(s);
        while (m.find()) {
            out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        return out;
    }

    /** Chromium renders the map; each hot spot's circle is drawn where its defect is on the Web Mercator projection. */
    @Test
    void rendersWithHotSpotsWhereTheEventsWere() throws Exception {
        String s = Files.readString(svg, StandardCharsets.UTF_8);
        Path page = dir.resolve("road-map.html");
        Files.writeString(page, "<!DOCTYPE html><html><head><style>body{margin:0}</style></head><body>" + s
                + "<script>document.querySelectorAll('g.hotspot').forEach(function(g){var r=g.querySelector('circle')"
                + ".getBoundingClientRect();g.setAttribute('data-px',(r.left+r.width/2).toFixed(1)+','+(r.top+r.height/2)"
                + ".toFixed(1));});</script></body></html>", StandardCharsets.UTF_8);
        Chromium.Rendered r = new Chromium(dir.resolve("chromium")).render(page, "svg g.hotspot", "svg circle.event");
        assertThat(r.count("svg g.hotspot")).isEqualTo(3);
        assertThat(r.count("svg circle.event")).isEqualTo(6);
        assertThat(r.text()).contains("6 located road.shock events, 2 vehicles, 3 hot spots");
        double x0 = attribute(s, "data-x0");
        double y0 = attribute(s, "data-y0");
        double scale = attribute(s, "data-scale");
        Matcher m = Pattern.compile("data-count=\"(\\d+)\"[^>]*data-px=\"([-0-9.]+),([-0-9.]+)\"").matcher(r.dom());
        int[] defectOfCount = {-1, 2, 1, 0}; // 1 event: defect 2; 2 events: defect 1; 3 events: defect 0
        int seen = 0;
        while (m.find()) {
            Route.Point p = route.atDistance(DEFECTS_M[defectOfCount[Integer.parseInt(m.group(1))]]);
            // EPSG:3857 computed here, independently of the map's code
            double mx = 6_378_137.0 * Math.toRadians(p.lon());
            double my = 6_378_137.0 * Math.log(Math.tan(Math.PI / 4 + Math.toRadians(p.lat()) / 2));
            double px = (mx - x0) * scale;
            double py = (y0 - my) * scale;
            assertThat(Double.parseDouble(m.group(2))).as("x of the hot spot of %s events", m.group(1))
                    .isCloseTo(px, org.assertj.core.data.Offset.offset(6.0));
            assertThat(Double.parseDouble(m.group(3))).as("y of the hot spot of %s events", m.group(1))
                    .isCloseTo(py, org.assertj.core.data.Offset.offset(6.0));
            assertThat(px).isBetween(0.0, (double) RoadMapSvg.WIDTH);
            assertThat(py).isBetween(0.0, (double) RoadMapSvg.MAP_HEIGHT);
            seen++;
        }
        assertThat(seen).isEqualTo(3);
    }

    private static double attribute(String s, String name) {
        Matcher m = Pattern.compile(name + "=\"([-0-9.]+)\"").matcher(s);
        assertThat(m.find()).as(name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void exportsWithoutLocatedEventsAreRefused() throws Exception {
        Path none = export("box-c", List.of(shock(0, 0, 1, 1.0).withPosition(null)));
        CliRun.Result r = CliRun.run("road-map", "--export", none.toString(), "-o", dir.resolve("none.svg").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no located road.shock event");
        assertThat(dir.resolve("none.svg")).doesNotExist();
    }
}
