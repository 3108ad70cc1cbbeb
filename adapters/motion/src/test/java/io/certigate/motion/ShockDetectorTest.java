package io.certigate.motion;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.simulators.motion.ImuSignal;
import io.certigate.simulators.motion.Shock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The detector on synthetic signals whose events are known: every one found once, at its time, with its peak. */
@Tag("unit")
class ShockDetectorTest {
    private static final long T0 = 1_772_438_400_000_000_000L; // 2026-03-02T08:00:00Z in ns

    /** Runs {@code seconds} of {@code signal} through a detector. */
    static List<ShockEvent> detect(ImuSignal signal, ShockDetector.Options options, double seconds) {
        ShockDetector d = new ShockDetector(options);
        ImuSignal.Samples s = signal.samples();
        long period = Math.round(1e9 / signal.hz());
        List<ShockEvent> events = new ArrayList<>();
        long n = Math.round(seconds * signal.hz());
        for (long i = 0; i < n; i++) {
            double[] a = s.next();
            d.accept(new AccelSample(T0 + i * period, a[0], a[1], a[2])).ifPresent(events::add);
        }
        return events;
    }

    private static List<Shock> knownShocks() {
        return List.of(new Shock(5_000, 0.6, 40, 0), new Shock(9_000, 1.2, 60, 0.5), new Shock(14_500, 2.0, 50, 0.5),
                new Shock(20_000, 0.8, 80, 0.3), new Shock(26_000, 3.5, 30, 0.6), new Shock(31_000, 0.5, 100, 0));
    }

    private static void assertFound(List<ShockEvent> events, List<Shock> shocks) {
        assertThat(events).hasSameSizeAs(shocks);
        for (int i = 0; i < shocks.size(); i++) {
            Shock s = shocks.get(i);
            ShockEvent e = events.get(i);
            long startMs = (e.startNanos() - T0) / 1_000_000;
            assertThat(startMs).as("start of shock %d", i).isBetween(s.atMillis(), s.atMillis() + s.durationMs() / 2);
            assertThat(e.peakG()).as("peak of shock %d", i).isCloseTo(s.peakG(), org.assertj.core.data.Offset.offset(
                    0.05 + 0.1 * s.peakG()));
            assertThat(e.durationMillis()).as("duration of shock %d", i).isBetween(5L, s.durationMs() * 4);
        }
    }

    @Test
    void findsEveryKnownShockOnAFlatMount() {
        ImuSignal signal = new ImuSignal(200, ImuSignal.flat(), 0.03, 0.05, knownShocks(), 11);
        List<ShockEvent> events = detect(signal, ShockDetector.Options.defaults(), 35);
        assertFound(events, knownShocks());
        // the big shocks' rebounds (above 0.4 g) are folded into them, not counted as events
        assertThat(events.get(2).excursions()).isEqualTo(2);
        assertThat(events.get(4).excursions()).isEqualTo(2);
        assertThat(events.get(0).excursions()).isEqualTo(1);
    }

    @Test
    void followsGravityOnATiltedMount() {
        double[] tilted = {0.35, -0.45, 0.82};
        ImuSignal signal = new ImuSignal(200, tilted, 0.03, 0.05, knownShocks(), 12);
        assertFound(detect(signal, ShockDetector.Options.defaults(), 35), knownShocks());
    }

    @Test
    void aConfiguredAxisIsTaken() {
        double[] yUp = {0, 1, 0};
        ImuSignal signal = new ImuSignal(200, yUp, 0.03, 0.05, knownShocks(), 13);
        ShockDetector.Options d = ShockDetector.Options.defaults();
        ShockDetector.Options y = new ShockDetector.Options(AccelSample.Axis.Y, d.thresholdG(), d.minDuration(), d.refractory(),
                d.baseline());
        assertFound(detect(signal, y, 35), knownShocks());
        ShockDetector.Options z = new ShockDetector.Options(AccelSample.Axis.Z, d.thresholdG(), d.minDuration(), d.refractory(),
                d.baseline());
        assertThat(detect(signal, z, 35)).as("the z axis is horizontal here").isEmpty();
    }

    @Test
    void aSpikeShorterThanTheMinimumDurationIsNoEvent() {
        // one sample at 200 Hz: an 8 ms pulse of 3 g, sampled once near its top
        ImuSignal signal = new ImuSignal(200, ImuSignal.flat(), 0.01, 0, List.of(new Shock(3_000, 3.0, 8, 0)), 14);
        assertThat(detect(signal, ShockDetector.Options.defaults(), 6)).isEmpty();
        ShockDetector.Options d = ShockDetector.Options.defaults();
        ShockDetector.Options noMinimum = new ShockDetector.Options(null, d.thresholdG(), Duration.ZERO, d.refractory(),
                d.baseline());
        assertThat(detect(signal, noMinimum, 6)).hasSize(1);
    }

    @Test
    void twoHitsFurtherApartThanTheRefractoryGapAreTwoEvents() {
        List<Shock> close = List.of(new Shock(3_000, 1.0, 40, 0), new Shock(3_300, 1.5, 40, 0));
        List<Shock> apart = List.of(new Shock(3_000, 1.0, 40, 0), new Shock(4_000, 1.5, 40, 0));
        List<ShockEvent> merged = detect(new ImuSignal(200, ImuSignal.flat(), 0.01, 0, close, 15), ShockDetector.Options.defaults(), 6);
        assertThat(merged).hasSize(1);
        assertThat(merged.get(0).peakG()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(0.1));
        assertThat(merged.get(0).durationMillis()).isBetween(330L, 350L);
        assertThat(detect(new ImuSignal(200, ImuSignal.flat(), 0.01, 0, apart, 15), ShockDetector.Options.defaults(), 6))
                .hasSize(2);
    }

    @Test
    void theThresholdDecides() {
        List<Shock> shocks = List.of(new Shock(3_000, 0.3, 60, 0));
        ImuSignal signal = new ImuSignal(200, ImuSignal.flat(), 0.01, 0, shocks, 16);
        assertThat(detect(signal, ShockDetector.Options.defaults(), 5)).isEmpty();
        ShockDetector.Options d = ShockDetector.Options.defaults();
        assertThat(detect(signal, new ShockDetector.Options(null, 0.2, d.minDuration(), d.refractory(), d.baseline()), 5))
                .hasSize(1);
    }
}
