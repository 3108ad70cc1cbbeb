package io.certigate.motion;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.simulators.motion.ImuSignal;
import io.certigate.simulators.motion.Route;
import io.certigate.simulators.motion.Shock;
import io.certigate.testbed.time.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Shocks at known points of a route become road.shock readings located where the hits were. */
@Tag("unit")
class RoadShockAdapterTest {
    private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");

    private final List<Reading> submitted = new ArrayList<>();
    private final ReadingSink sink = r -> {
        submitted.add(r);
        return CompletableFuture.completedFuture(new ReadingSink.Committed(submitted.size(), new byte[32], new byte[0]));
    };

    /** Drives the route at 100 Hz, the clock following the samples, with shocks at {@code distancesM} along it. */
    private RoadShockAdapter drive(Route route, double[] distancesM, double seconds, OptionalDouble obdSpeed) {
        List<Shock> shocks = new ArrayList<>();
        for (double d : distancesM) {
            shocks.add(new Shock(route.millisAt(d), 1.2, 50, 0.3));
        }
        ImuSignal.Samples s = new ImuSignal(100, ImuSignal.flat(), 0.03, 0.05, shocks, 21).samples();
        ManualClock clock = new ManualClock(START);
        RoadShockAdapter a = new RoadShockAdapter(new ShockDetector(ShockDetector.Options.defaults()),
                RouteContext.of(route, clock, START.toEpochMilli(), obdSpeed), sink, RoadShockAdapter.sourceId("lis3dh"),
                RoadShocks.DEFAULT_SUBJECT, () -> TimeQuality.GNSS, r -> { });
        for (int i = 0; i < seconds * 100; i++) {
            double[] v = s.next();
            a.accept(new AccelSample(START.toEpochMilli() * 1_000_000L + i * 10_000_000L, v[0], v[1], v[2]));
            clock.advance(Duration.ofMillis(10));
        }
        return a;
    }

    @Test
    void eachShockIsOneSignedReadingLocatedAtItsPoint() {
        Route route = Route.demo();
        double[] at = {150, 600, 1210, 1900};
        RoadShockAdapter a = drive(route, at, route.millisAt(2100) / 1000.0, OptionalDouble.empty());
        assertThat(a.events()).isEqualTo(4);
        assertThat(a.located()).isEqualTo(4);
        assertThat(submitted).hasSize(4);
        for (int i = 0; i < at.length; i++) {
            Reading r = submitted.get(i);
            assertThat(r.kind()).isEqualTo("road.shock");
            assertThat(r.source()).isEqualTo("motion:lis3dh");
            assertThat(r.subject()).isEqualTo("road");
            assertThat(r.unit()).isEqualTo("[g_n]");
            assertThat(r.timeQuality()).isEqualTo(TimeQuality.GNSS);
            BigDecimal g = ((ReadingValue.Decimal) r.value()).value();
            assertThat(g.scale()).isEqualTo(3);
            assertThat(g.doubleValue()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(0.15));
            assertThat(r.observedAtMillis() - START.toEpochMilli()).isBetween(route.millisAt(at[i]), route.millisAt(at[i]) + 30);
            assertThat(r.flags()).contains("speed-kmh.50", "speed-src.gnss").anyMatch(f -> f.startsWith("duration-ms."));
            assertThat(RoadShocks.number(r.flags(), RoadShocks.DURATION).getAsLong()).isBetween(20L, 80L);
            Route.Point expected = route.atDistance(at[i]);
            double off = Route.distanceM(new double[] {expected.lat(), expected.lon()},
                    new double[] {r.position().latitude().doubleValue(), r.position().longitude().doubleValue()});
            assertThat(off).as("metres from the defect").isLessThan(1.5); // 50 km/h is 14 m/s: within 0.1 s of the hit
        }
    }

    @Test
    void theObdSpeedIsPreferredAndNoFixIsSaid() {
        drive(Route.demo(), new double[] {300}, 30, OptionalDouble.of(47.6));
        assertThat(submitted).hasSize(1);
        assertThat(submitted.get(0).flags()).contains("speed-kmh.48", "speed-src.obd");

        submitted.clear();
        RoadShockAdapter a = new RoadShockAdapter(new ShockDetector(ShockDetector.Options.defaults()), VehicleContext.NONE, sink,
                "motion:lis3dh", "road", () -> TimeQuality.NTP, r -> { });
        ImuSignal.Samples s = new ImuSignal(100, ImuSignal.flat(), 0.02, 0, List.of(new Shock(2000, 0.9, 40, 0)), 5).samples();
        for (int i = 0; i < 400; i++) {
            double[] v = s.next();
            a.accept(new AccelSample(i * 10_000_000L, v[0], v[1], v[2]));
        }
        assertThat(submitted).hasSize(1);
        assertThat(submitted.get(0).position()).isNull();
        assertThat(submitted.get(0).flags()).contains("position-unknown").noneMatch(f -> f.startsWith("speed"));
        assertThat(a.located()).isZero();
    }
}
