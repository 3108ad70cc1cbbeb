package io.certigate.fleet.collector;

import java.time.Duration;

/**
 * Bounds on the records the collector keeps without being able to verify them (the device's key is
 * not known yet, or the device is not known at all). Anyone who can publish under a device's topic
 * can send such records, so they are held only up to {@code perDevice} rows per device (further
 * ones are dropped and counted as {@code unverified_dropped}) and for {@code keepFor} after they
 * arrived (then deleted and counted as {@code unverified_expired}). A record verified in time (its
 * key arrives) is kept like any other.
 *
 * @param perDevice unverified rows held per device at most
 * @param keepFor   how long an unverified row is held, on the collector's clock
 */
public record UnverifiedLimits(int perDevice, Duration keepFor) {
    /** 10,000 records per device, kept 24 hours. */
    public static final UnverifiedLimits DEFAULT = new UnverifiedLimits(10_000, Duration.ofHours(24));

    public UnverifiedLimits {
        if (perDevice < 0) {
            throw new IllegalArgumentException("unverified records per device must be 0 or more, got " + perDevice);
        }
        if (keepFor == null || keepFor.isNegative() || keepFor.isZero()) {
            throw new IllegalArgumentException("unverified records must be kept a positive time, got " + keepFor);
        }
    }
}
