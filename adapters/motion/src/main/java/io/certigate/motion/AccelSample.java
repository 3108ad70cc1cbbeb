package io.certigate.motion;

/**
 * One accelerometer sample in the device's axes, in m/s² (raw × scale, gravity included).
 *
 * @param epochNanos when it was sampled, epoch nanoseconds UTC
 */
public record AccelSample(long epochNanos, double x, double y, double z) {

    /** The component along {@code axis}. */
    public double along(Axis axis) {
        return switch (axis) {
            case X -> x;
            case Y -> y;
            case Z -> z;
        };
    }

    public long epochMillis() {
        return Math.floorDiv(epochNanos, 1_000_000L);
    }

    /** A device axis. */
    public enum Axis { X, Y, Z }
}
