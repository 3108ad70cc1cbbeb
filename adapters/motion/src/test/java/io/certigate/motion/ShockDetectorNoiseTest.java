package io.certigate.motion;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.simulators.motion.ImuSignal;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The false-positive rate: long runs of road noise without any shock through the detector at its
 * default settings. Each line printed is a figure for BENCHMARKS.md:
 * {@code mvn -B -o -q -pl adapters/motion -am test -Dtest=ShockDetectorNoiseTest -Dsurefire.failIfNoSpecifiedTests=false -Dexec.skip=true}.
 */
@Tag("unit")
class ShockDetectorNoiseTest {
    private static final double HOURS = 10;
    private static final double HZ = 100;

    /** Events per hour of a shock-free signal with road vibration {@code noiseG} (σ, g) and body bounce {@code bounceG}. */
    static double falsePositivesPerHour(double noiseG, double bounceG, double thresholdG, long seed) {
        ImuSignal signal = new ImuSignal(HZ, new double[] {0.1, -0.2, 0.97}, noiseG, bounceG, List.of(), seed);
        ShockDetector.Options d = ShockDetector.Options.defaults();
        ShockDetector.Options o = new ShockDetector.Options(null, thresholdG, d.minDuration(), d.refractory(), d.baseline());
        List<ShockEvent> events = ShockDetectorTest.detect(signal, o, HOURS * 3600);
        double rate = events.size() / HOURS;
        System.out.println(String.format(Locale.ROOT,
                "motion false positives: noise sigma %.2f g, bounce %.2f g, threshold %.2f g, %d Hz, %.0f h (%d samples):"
                        + " %d events, %.2f/h",
                noiseG, bounceG, thresholdG, (int) HZ, HOURS, (long) (HOURS * 3600 * HZ), events.size(), rate));
        return rate;
    }

    @Test
    void smoothAndOrdinaryRoadsGiveNoEvent() {
        assertThat(falsePositivesPerHour(0.03, 0.05, 0.4, 1)).isZero();
        assertThat(falsePositivesPerHour(0.06, 0.10, 0.4, 2)).isZero();
    }

    /** On a rough road the default threshold fires now and then; a higher one, set for such roads, does not. */
    @Test
    void aRoughRoadNeedsAHigherThreshold() {
        double rough = falsePositivesPerHour(0.10, 0.10, 0.4, 3);
        double cobbles = falsePositivesPerHour(0.13, 0.10, 0.4, 4);
        assertThat(rough).isPositive().isLessThan(30);
        assertThat(cobbles).isGreaterThan(rough);
        assertThat(falsePositivesPerHour(0.10, 0.10, 0.6, 3)).isZero();
        assertThat(falsePositivesPerHour(0.13, 0.10, 0.8, 4)).isLessThan(1);
    }
}
