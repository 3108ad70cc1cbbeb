package io.certigate.gnss;

import java.util.Optional;

/**
 * Where other parts of the gateway (road-event detection, readings that get a position) take the
 * receiver's latest fix from. Stable: implemented by {@link GnssService}, and by a fixed or scripted
 * source in tests. {@link GnssFix#position(long)} gives the position with HDOP and age,
 * {@link GnssFix#speedKmh()} the speed over ground.
 */
@FunctionalInterface
public interface FixSource {
    /** The latest fix the receiver gave (valid or not, however old), or empty before its first epoch. */
    Optional<GnssFix> latest();

    /** A source that never has a fix: a gateway without a receiver. */
    static FixSource none() {
        return Optional::empty;
    }
}
