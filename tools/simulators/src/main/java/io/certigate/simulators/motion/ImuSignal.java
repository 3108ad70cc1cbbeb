package io.certigate.simulators.motion;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A vehicle-mounted accelerometer's signal, in m/s² per device axis: gravity along a mounting
 * direction, plus a vertical component made of road vibration (Gaussian noise low-pass filtered to
 * about 10 Hz, standard deviation {@code noiseG}), body bounce (a 1.3 Hz sine of {@code bounceG})
 * and the given shocks. Deterministic for a seed: sample {@code n} at {@code hz} is always the same.
 *
 * @param hz      sampling frequency
 * @param mount   the unit vector, in device axes, that points up (gravity reads +1 g along it at rest)
 * @param noiseG  road vibration, standard deviation in g
 * @param bounceG body bounce amplitude in g
 * @param shocks  the jolts
 * @param seed    the noise's seed
 */
public record ImuSignal(double hz, double[] mount, double noiseG, double bounceG, List<Shock> shocks, long seed) {
    public static final double G = 9.80665;

    public ImuSignal {
        double n = Math.sqrt(mount[0] * mount[0] + mount[1] * mount[1] + mount[2] * mount[2]);
        mount = new double[] {mount[0] / n, mount[1] / n, mount[2] / n};
        shocks = List.copyOf(shocks);
    }

    /** Mounted flat, z up. */
    public static double[] flat() {
        return new double[] {0, 0, 1};
    }

    /** A generator of consecutive samples from sample 0. */
    public Samples samples() {
        return new Samples();
    }

    /** Consecutive samples; not thread-safe. */
    public final class Samples {
        private final SplittableRandom random = new SplittableRandom(seed);
        private final double alpha = 1 - Math.exp(-2 * Math.PI * 10 / hz);
        /** Keeps the filtered noise's standard deviation at noiseG: the AR(1) filter's gain. */
        private final double gain = Math.sqrt((2 - alpha) / alpha);
        private double filtered;
        private long n;

        /** The next sample's {x, y, z} in m/s² and advances. */
        public double[] next() {
            double tMs = n * 1000.0 / hz;
            n++;
            filtered += alpha * (gaussian() - filtered);
            double vertical = noiseG * gain * filtered + bounceG * Math.sin(2 * Math.PI * 1.3 * tMs / 1000.0);
            for (Shock s : shocks) {
                vertical += s.at(tMs);
            }
            double a = (1 + vertical) * G;
            return new double[] {a * mount[0], a * mount[1], a * mount[2]};
        }

        /** Samples produced so far. */
        public long count() {
            return n;
        }

        private double gaussian() {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
        }
    }
}
