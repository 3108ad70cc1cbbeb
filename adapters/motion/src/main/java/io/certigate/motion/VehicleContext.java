package io.certigate.motion;

import io.certigate.core.model.Position;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Where the vehicle is and how fast it goes, asked at the moment of a road event. The motion module
 * does not know where these come from: the gateway connects it to the GNSS receiver's latest fix
 * (position, speed over ground) and to the OBD reader's latest speed; a test or the demo connects
 * it to a route model. Implementations answer at once (the latest known values), never block.
 */
public interface VehicleContext {

    /** The latest fix's position, its age as of now; empty without a valid recent fix. */
    Optional<Position> position();

    /** The vehicle's speed now, with where it comes from; empty when unknown. */
    Optional<Speed> speed();

    /** The speed in km/h, when known. */
    default OptionalDouble speedKmh() {
        return speed().map(s -> OptionalDouble.of(s.kmh())).orElse(OptionalDouble.empty());
    }

    /**
     * A vehicle speed.
     *
     * @param kmh    km/h, >= 0
     * @param source {@code obd} (the vehicle's own speed, PID 0D) or {@code gnss} (speed over ground)
     */
    record Speed(double kmh, String source) {
        public static final String OBD = "obd";
        public static final String GNSS = "gnss";

        public Speed {
            if (!(kmh >= 0) || Double.isInfinite(kmh)) {
                throw new IllegalArgumentException("speed must be a finite number >= 0 km/h, got " + kmh);
            }
        }
    }

    /** Knows nothing: events carry neither position nor speed. */
    VehicleContext NONE = of(Optional::empty, OptionalDouble::empty, OptionalDouble::empty);

    /**
     * A context from the gateway's latest values: the GNSS position; the OBD speed when the OBD
     * reader has one, else the GNSS speed over ground (the order: OBD when available, else GNSS).
     */
    static VehicleContext of(Supplier<Optional<Position>> gnssPosition, Supplier<OptionalDouble> obdSpeedKmh,
            Supplier<OptionalDouble> gnssSpeedKmh) {
        return new VehicleContext() {
            @Override
            public Optional<Position> position() {
                return gnssPosition.get();
            }

            @Override
            public Optional<Speed> speed() {
                OptionalDouble obd = obdSpeedKmh.get();
                if (obd.isPresent()) {
                    return Optional.of(new Speed(obd.getAsDouble(), Speed.OBD));
                }
                OptionalDouble gnss = gnssSpeedKmh.get();
                return gnss.isPresent() ? Optional.of(new Speed(gnss.getAsDouble(), Speed.GNSS)) : Optional.empty();
            }
        };
    }
}
