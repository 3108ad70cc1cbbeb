package io.certigate.motion;

import io.certigate.core.model.Position;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code road.shock} reading of a {@link ShockEvent}: the vocabulary of road events in one place.
 *
 * <ul>
 * <li>{@code kind} {@value #KIND}, {@code sub} the road ({@code road} by default: the thing measured is
 * the road surface, and one subject across vehicles lets the fleet store's subject index list them),
 * {@code t} the event's start, {@code tq} the caller's;</li>
 * <li>{@code val} the peak vertical acceleration in standard gravities as an exact decimal with three
 * places (milli-g), {@code unit} {@value #UNIT} (UCUM's standard acceleration of free fall);</li>
 * <li>{@code flags} qualifiers of the value: {@code duration-ms.N} (whole ms), {@code speed-kmh.N}
 * (whole km/h) with {@code speed-src.obd} or {@code speed-src.gnss}, {@code rebounds.N} when more
 * than one excursion was folded in, {@code position-unknown} when there was no fix;</li>
 * <li>{@code pos} the vehicle's position at the event's peak, signed with the reading.</li>
 * </ul>
 */
public final class RoadShocks {
    public static final String KIND = "road.shock";
    public static final String UNIT = "[g_n]";
    public static final String DEFAULT_SUBJECT = "road";
    public static final String DURATION = "duration-ms.";
    public static final String SPEED = "speed-kmh.";
    public static final String SPEED_SOURCE = "speed-src.";
    public static final String REBOUNDS = "rebounds.";
    public static final String POSITION_UNKNOWN = "position-unknown";

    private RoadShocks() {}

    /** The reading of {@code e}, with the vehicle's position and speed taken at its peak. */
    public static Reading reading(ShockEvent e, Optional<Position> position, Optional<VehicleContext.Speed> speed,
            String source, String subject, TimeQuality tq) {
        List<String> flags = new ArrayList<>();
        flags.add(DURATION + e.durationMillis());
        speed.ifPresent(s -> {
            flags.add(SPEED + Math.round(s.kmh()));
            flags.add(SPEED_SOURCE + s.source());
        });
        if (e.excursions() > 1) {
            flags.add(REBOUNDS + (e.excursions() - 1));
        }
        if (position.isEmpty()) {
            flags.add(POSITION_UNKNOWN);
        }
        BigDecimal peak = BigDecimal.valueOf(e.peakG()).setScale(3, RoundingMode.HALF_UP);
        return new Reading(e.startMillis(), tq, source, KIND, subject, new ReadingValue.Decimal(peak), UNIT, flags,
                position.orElse(null));
    }

    /** The whole number after {@code prefix} among {@code flags} ({@code duration-ms.120} gives 120), or empty. */
    public static java.util.OptionalLong number(List<String> flags, String prefix) {
        for (String f : flags) {
            if (f.startsWith(prefix)) {
                try {
                    return java.util.OptionalLong.of(Long.parseLong(f.substring(prefix.length())));
                } catch (NumberFormatException ignored) {
                    return java.util.OptionalLong.empty();
                }
            }
        }
        return java.util.OptionalLong.empty();
    }
}
