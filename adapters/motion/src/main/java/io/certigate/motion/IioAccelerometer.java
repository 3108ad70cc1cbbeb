package io.certigate.motion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * An accelerometer of the Linux Industrial I/O subsystem, as its sysfs folder
 * ({@code /sys/bus/iio/devices/iio:deviceN}) describes it (Documentation/ABI/testing/sysfs-bus-iio):
 * {@code name}, {@code in_accel_{x,y,z}_raw}, the scale ({@code in_accel_scale}, or per axis
 * {@code in_accel_x_scale}) and optional offset ({@code in_accel_offset}, {@code in_accel_x_offset}) so
 * that m/s² = (raw + offset) × scale, the sampling frequency ({@code sampling_frequency} or
 * {@code in_accel_sampling_frequency}), and for the buffered interface {@code buffer/enable} and
 * {@code scan_elements/}. This class only reads: enabling the buffer and choosing the frequency are
 * the system's (a udev rule or a boot script, as root), not the gateway's.
 *
 * @param dir         the device's sysfs folder
 * @param name        its {@code name}
 * @param scale       m/s² per LSB, per axis x, y, z
 * @param offset      raw offset, per axis
 * @param samplingHz  the device's sampling frequency, when it gives one
 */
public record IioAccelerometer(Path dir, String name, double[] scale, double[] offset, OptionalDouble samplingHz) {
    /** Where the kernel lists IIO devices. */
    public static final Path SYSFS_ROOT = Path.of("/sys/bus/iio/devices");
    private static final String[] AXES = {"x", "y", "z"};

    /**
     * The device under {@code root} whose {@code name} file, or folder name ({@code iio:device0}), is {@code wanted}.
     *
     * @throws IioFormatException when none matches (listing what is there) or its attributes do not parse
     */
    public static IioAccelerometer find(Path root, String wanted) throws IOException, IioFormatException {
        List<String> seen = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith("iio:device")).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new IioFormatException(root + ": no such folder (no IIO devices)");
        }
        for (Path d : dirs) {
            String name = Files.isReadable(d.resolve("name")) ? IioScanLayout.attribute(d.resolve("name")) : "";
            seen.add(d.getFileName() + " (" + (name.isEmpty() ? "no name" : name) + ")");
            if (name.equals(wanted) || d.getFileName().toString().equals(wanted)) {
                return open(d);
            }
        }
        throw new IioFormatException("no IIO device named '" + wanted + "' under " + root + "; found: "
                + (seen.isEmpty() ? "none" : String.join(", ", seen)));
    }

    /** Reads the device's attributes from its sysfs folder. */
    public static IioAccelerometer open(Path dir) throws IOException, IioFormatException {
        String name = Files.isReadable(dir.resolve("name")) ? IioScanLayout.attribute(dir.resolve("name")) : dir.getFileName().toString();
        double[] scale = new double[3];
        double[] offset = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!Files.exists(dir.resolve("in_accel_" + AXES[i] + "_raw"))) {
                throw new IioFormatException(dir + ": no in_accel_" + AXES[i] + "_raw: not a 3-axis accelerometer");
            }
            scale[i] = number(dir, "in_accel_" + AXES[i] + "_scale", "in_accel_scale", Double.NaN);
            if (Double.isNaN(scale[i])) {
                throw new IioFormatException(dir + ": neither in_accel_" + AXES[i] + "_scale nor in_accel_scale");
            }
            offset[i] = number(dir, "in_accel_" + AXES[i] + "_offset", "in_accel_offset", 0);
        }
        double hz = number(dir, "sampling_frequency", "in_accel_sampling_frequency", Double.NaN);
        return new IioAccelerometer(dir, name, scale, offset, Double.isNaN(hz) ? OptionalDouble.empty() : OptionalDouble.of(hz));
    }

    private static double number(Path dir, String first, String second, double absent) throws IOException, IioFormatException {
        for (String f : new String[] {first, second}) {
            Path p = dir.resolve(f);
            if (Files.exists(p)) {
                String t = IioScanLayout.attribute(p);
                try {
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new IioFormatException(p + ": '" + t + "' is not a number");
                }
            }
        }
        return absent;
    }

    /** One sample read from the {@code _raw} files now, in m/s², stamped {@code epochNanos}. */
    public AccelSample readRaw(long epochNanos) throws IOException, IioFormatException {
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            Path p = dir.resolve("in_accel_" + AXES[i] + "_raw");
            String t = IioScanLayout.attribute(p);
            try {
                v[i] = (Long.parseLong(t) + offset[i]) * scale[i];
            } catch (NumberFormatException e) {
                throw new IioFormatException(p + ": '" + t + "' is not a whole number");
            }
        }
        return new AccelSample(epochNanos, v[0], v[1], v[2]);
    }

    /** Whether the buffered interface is enabled ({@code buffer/enable} reads 1). */
    public boolean bufferEnabled() throws IOException {
        Path enable = dir.resolve("buffer").resolve("enable");
        return Files.exists(enable) && IioScanLayout.attribute(enable).equals("1");
    }

    /** The buffer's character device under {@code devDir}: {@code /dev/iio:deviceN}. */
    public Path characterDevice(Path devDir) {
        return devDir.resolve(dir.getFileName().toString());
    }

    /** The enabled scan elements. */
    public IioScanLayout scanLayout() throws IOException, IioFormatException {
        return IioScanLayout.read(dir.resolve("scan_elements"));
    }

    /**
     * Whether the buffer's timestamps are on the realtime clock (epoch): {@code current_timestamp_clock}
     * reads {@code realtime}, its default, or is absent (kernels before 4.10).
     */
    public boolean realtimeTimestamps() throws IOException {
        Path p = dir.resolve("current_timestamp_clock");
        return !Files.exists(p) || IioScanLayout.attribute(p).toLowerCase(Locale.ROOT).equals("realtime");
    }

    @Override
    public String toString() {
        return name + " at " + dir;
    }
}
