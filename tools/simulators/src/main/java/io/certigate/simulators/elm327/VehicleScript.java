package io.certigate.simulators.elm327;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A simulated vehicle: its VIN, its odometer at the start, and a speed profile it drives in a loop
 * (one speed per step). {@code timeScale} speeds up simulated time, so that a demo of a few
 * seconds drives a few kilometres. The odometer follows the distance driven.
 *
 * @param vin              17-character VIN the ECU reports
 * @param odometerStartKm  odometer at simulation start, 0.1 km resolution
 * @param speedProfileKmh  speeds in km/h, one per step, repeated
 * @param step             simulated duration of one step
 * @param timeScale        simulated seconds per real second
 */
public record VehicleScript(String vin, BigDecimal odometerStartKm, List<Integer> speedProfileKmh, Duration step,
        double timeScale) {

    public VehicleScript {
        Objects.requireNonNull(vin, "vin");
        speedProfileKmh = List.copyOf(speedProfileKmh);
        if (speedProfileKmh.isEmpty() || speedProfileKmh.stream().anyMatch(s -> s < 0 || s > 255)) {
            throw new IllegalArgumentException("speed profile needs speeds 0..255 km/h");
        }
        if (step.isZero() || step.isNegative() || timeScale <= 0) {
            throw new IllegalArgumentException("step and time scale must be positive");
        }
    }

    /** A short urban loop on the ELM327 datasheet's example VIN. */
    public static VehicleScript demo() {
        return new VehicleScript("1D4GP00R55B123456", new BigDecimal("123456.7"),
                List.of(0, 20, 35, 50, 50, 70, 90, 110, 110, 90, 50, 30, 0), Duration.ofSeconds(10), 60);
    }

    public VehicleScript withVin(String v) {
        return new VehicleScript(v, odometerStartKm, speedProfileKmh, step, timeScale);
    }

    public VehicleScript withOdometer(BigDecimal km) {
        return new VehicleScript(vin, km, speedProfileKmh, step, timeScale);
    }

    public VehicleScript withTimeScale(double scale) {
        return new VehicleScript(vin, odometerStartKm, speedProfileKmh, step, scale);
    }

    /** Speed after {@code elapsed} real time. */
    public int speedAt(Duration elapsed) {
        long stepMs = step.toMillis();
        long simMs = (long) (elapsed.toMillis() * timeScale);
        return speedProfileKmh.get((int) ((simMs / stepMs) % speedProfileKmh.size()));
    }

    /** Odometer after {@code elapsed} real time, truncated to 0.1 km as an ECU reports it. */
    public BigDecimal odometerAt(Duration elapsed) {
        long stepMs = step.toMillis();
        long simMs = (long) (elapsed.toMillis() * timeScale);
        long steps = simMs / stepMs;
        long loopKmhSteps = speedProfileKmh.stream().mapToLong(Integer::longValue).sum();
        long fullLoops = steps / speedProfileKmh.size();
        double kmhMs = (double) fullLoops * loopKmhSteps * stepMs;
        for (int i = 0; i < steps % speedProfileKmh.size(); i++) {
            kmhMs += (double) speedProfileKmh.get(i) * stepMs;
        }
        kmhMs += (double) speedProfileKmh.get((int) (steps % speedProfileKmh.size())) * (simMs % stepMs);
        BigDecimal km = BigDecimal.valueOf(kmhMs / 3_600_000.0);
        return odometerStartKm.add(km).setScale(1, RoundingMode.DOWN);
    }
}
