package io.certigate.obd;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * When an {@link ObdPoller} asks what. VIN and odometer are read at every (re)connection and then
 * every {@code identityEvery}; each PID in {@code pids} at its own period. Back-off after a lost
 * adapter or a silent vehicle doubles from {@code backoffMin} up to {@code backoffMax}; a run of
 * {@code quietLimit} conditions (NO DATA, ...) in a row counts as a silent vehicle (ignition off).
 */
public record PollSchedule(Map<ObdPid, Duration> pids, Duration identityEvery, Duration backoffMin,
        Duration backoffMax, int quietLimit) {

    public PollSchedule {
        EnumMap<ObdPid, Duration> copy = new EnumMap<>(ObdPid.class);
        copy.putAll(pids);
        copy.remove(ObdPid.ODOMETER);
        for (Map.Entry<ObdPid, Duration> e : copy.entrySet()) {
            if (e.getValue().isNegative() || e.getValue().isZero()) {
                throw new IllegalArgumentException("poll period of " + e.getKey() + " must be positive");
            }
        }
        pids = Collections.unmodifiableMap(copy);
        if (identityEvery.isZero() || identityEvery.isNegative() || backoffMin.isNegative() || backoffMin.isZero()
                || backoffMax.compareTo(backoffMin) < 0 || quietLimit < 1) {
            throw new IllegalArgumentException("invalid poll schedule: identity every " + identityEvery + ", back-off "
                    + backoffMin + ".." + backoffMax + ", quiet limit " + quietLimit);
        }
    }

    /** Speed and engine speed every second, the rest every 30 s, VIN and odometer every 5 minutes. */
    public static PollSchedule defaults() {
        Map<ObdPid, Duration> m = new EnumMap<>(ObdPid.class);
        m.put(ObdPid.SPEED, Duration.ofSeconds(1));
        m.put(ObdPid.ENGINE_SPEED, Duration.ofSeconds(1));
        m.put(ObdPid.COOLANT_TEMPERATURE, Duration.ofSeconds(30));
        m.put(ObdPid.FUEL_LEVEL, Duration.ofSeconds(30));
        m.put(ObdPid.DISTANCE_WITH_MIL, Duration.ofMinutes(5));
        m.put(ObdPid.DISTANCE_SINCE_CLEARED, Duration.ofMinutes(5));
        return new PollSchedule(m, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(2), 10);
    }
}
