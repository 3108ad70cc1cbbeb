package io.certigate.motion;

/**
 * One road shock found by {@link ShockDetector}.
 *
 * @param startNanos    when the vertical acceleration first crossed the threshold, epoch ns
 * @param durationNanos from that crossing to the end of the last excursion folded into the event
 * @param peakG         the largest |vertical acceleration| (gravity removed), in standard gravities (9.80665 m/s²)
 * @param peakNanos     when the peak was sampled, epoch ns
 * @param excursions    excursions above the threshold folded into the event (the hit and its rebounds)
 */
public record ShockEvent(long startNanos, long durationNanos, double peakG, long peakNanos, int excursions) {

    public long startMillis() {
        return Math.floorDiv(startNanos, 1_000_000L);
    }

    public long durationMillis() {
        return Math.round(durationNanos / 1e6);
    }
}
