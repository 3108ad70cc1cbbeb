package io.certigate.motion;

import io.certigate.core.model.Position;
import io.certigate.simulators.motion.Route;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalDouble;

/** A {@link VehicleContext} fed by a simulated route: GNSS position and speed at the clock's time since {@code startMillis}. */
final class RouteContext {
    private RouteContext() {}

    static VehicleContext of(Route route, Clock clock, long startMillis, OptionalDouble obdSpeed) {
        return VehicleContext.of(() -> Optional.of(position(route.at(clock.millis() - startMillis))), () -> obdSpeed,
                () -> OptionalDouble.of(route.speedKmh()));
    }

    static Position position(Route.Point p) {
        return new Position(BigDecimal.valueOf(p.lat()).setScale(6, RoundingMode.HALF_EVEN),
                BigDecimal.valueOf(p.lon()).setScale(6, RoundingMode.HALF_EVEN), new BigDecimal("0.9"), 200);
    }
}
