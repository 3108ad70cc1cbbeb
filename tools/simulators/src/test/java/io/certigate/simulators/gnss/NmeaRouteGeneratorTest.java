package io.certigate.simulators.gnss;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class NmeaRouteGeneratorTest {
    private final Route route = Route.demo();

    @Test
    void theDemoRouteHasItsTunnelAndDefectsOnIt() {
        assertThat(route.length()).isBetween(5400.0, 5550.0);
        assertThat(route.defects()).hasSize(5).allSatisfy(d -> {
            assertThat(d.distance()).isLessThan(route.length());
            assertThat(route.inTunnel(d.distance())).isFalse();
            Route.Point p = route.at(d.distance());
            assertThat(d.latitude().doubleValue()).isCloseTo(p.latitude(), org.assertj.core.data.Offset.offset(1e-7));
        });
        assertThat(Route.distance(new Route.Point(45.0, 4.0), new Route.Point(45.001, 4.0))).isCloseTo(111.2,
                org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void anEpochHasTheMixAndTheTunnelHasNoFix() {
        NmeaRouteGenerator g = new NmeaRouteGenerator(route, NmeaRouteGenerator.Options.of(36, Instant.parse("2025-03-10T12:00:00Z")));
        List<String> e = g.epoch(0);
        assertThat(e).extracting(s -> s.substring(1, 6)).containsExactly("GNRMC", "GNVTG", "GNGGA", "GNGSA", "GNGSA", "GPGSV",
                "GPGSV", "GLGSV", "GLGSV", "GNZDA");
        assertThat(e.get(0)).startsWith("$GNRMC,120000.00,A,4545.63000,N,00451.54000,E,").endsWith("\r\n");
        long inTunnel = g.secondAt(1200); // 10 m/s
        assertThat(g.fixAt(inTunnel)).isFalse();
        assertThat(g.epoch(inTunnel).get(0)).contains(",V,,,,,").contains(",N,V*");
        assertThat(g.fixAt(g.secondAt(1500))).isTrue();
    }

    @Test
    void checksumErrorsComeAtTheConfiguredRate() {
        NmeaRouteGenerator g = new NmeaRouteGenerator(route, new NmeaRouteGenerator.Options(50, Instant.EPOCH,
                NmeaRouteGenerator.Talkers.GPS, 0.05, 42));
        for (int s = 0; s < 200; s++) {
            g.epoch(s);
        }
        assertThat(g.epoch(0)).extracting(s -> s.substring(1, 6)).containsExactly("GPRMC", "GPVTG", "GPGGA", "GPGSA", "GPGSV",
                "GPGSV", "GPZDA");
        assertThat((double) g.corrupted() / g.sentences()).isBetween(0.03, 0.07);
    }
}
