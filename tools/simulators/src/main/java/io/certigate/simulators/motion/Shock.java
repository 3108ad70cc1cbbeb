package io.certigate.simulators.motion;

/**
 * A road defect's jolt as the accelerometer feels it: a half-sine pulse of vertical acceleration
 * (gravity removed) of {@code peakG} lasting {@code durationMs}, starting {@code atMillis} after
 * the signal's start, followed by a rebound of {@code -reboundFraction × peakG} after the same
 * duration again (0 for none).
 */
public record Shock(long atMillis, double peakG, long durationMs, double reboundFraction) {

    /** Vertical acceleration of this shock at {@code tMillis} (fractional ms), in g. */
    public double at(double tMillis) {
        double u = tMillis - atMillis;
        if (u >= 0 && u < durationMs) {
            return peakG * Math.sin(Math.PI * u / durationMs);
        }
        double r = u - 2.0 * durationMs;
        if (reboundFraction > 0 && r >= 0 && r < durationMs) {
            return -reboundFraction * peakG * Math.sin(Math.PI * r / durationMs);
        }
        return 0;
    }
}
