package io.certigate.motion;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.KeySuggestion;
import io.certigate.core.config.Setting;
import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The road-event detector's options, read once from the {@code motion.*} keys (definitions:
 * {@link MotionSettings}); every error names the key and value, an unknown {@code motion.} key is an
 * error. {@link #start} finds the device and starts its source and the adapter.
 */
public record MotionConfig(String device, Path sysfsRoot, Path devDir, String mode, ShockDetector.Options detector,
        int samplingHz, String subject) {
    public static final String PREFIX = "motion.";
    public static final Set<String> KEYS = MotionSettings.ALL.stream().map(Setting::key).collect(Collectors.toUnmodifiableSet());

    /** Whether the configuration has a motion section at all. */
    public static boolean present(Properties p) {
        return p.stringPropertyNames().stream().anyMatch(k -> k.startsWith(PREFIX));
    }

    /** @throws IllegalArgumentException naming the key and value that are wrong */
    public static MotionConfig parse(Properties p, String origin) {
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k)) {
                throw new IllegalArgumentException(origin + ": " + KeySuggestion.unknownKey(k, KEYS));
            }
        }
        ConfigValues v = ConfigValues.of(origin, p);
        String device = v.text(MotionSettings.DEVICE);
        if (device.isEmpty()) {
            throw new IllegalArgumentException(origin + ": motion.device is required (the accelerometer's IIO name, e.g. lis3dh)");
        }
        String axis = v.choice(MotionSettings.AXIS);
        ShockDetector.Options d = new ShockDetector.Options(axis.equals("auto") ? null
                : AccelSample.Axis.valueOf(axis.toUpperCase(Locale.ROOT)), v.whole(MotionSettings.THRESHOLD_MG) / 1000.0,
                Duration.ofMillis(v.whole(MotionSettings.MIN_DURATION_MS)), Duration.ofMillis(v.whole(MotionSettings.REFRACTORY_MS)),
                Duration.ofMillis(v.whole(MotionSettings.BASELINE_MS)));
        String subject = v.text(MotionSettings.SUBJECT);
        return new MotionConfig(device, Path.of(v.text(MotionSettings.SYSFS_ROOT)), Path.of(v.text(MotionSettings.DEV_DIR)),
                v.choice(MotionSettings.MODE), d, v.wholeInt(MotionSettings.SAMPLING_HZ), subject);
    }

    /**
     * Finds the device and starts sampling it into a {@link RoadShockAdapter}.
     *
     * @param scheduler runs the sysfs polls
     * @param reader    runs the buffered device's blocking read (a thread of its own)
     * @throws IioFormatException the device is not there, or its attributes do not parse
     */
    public Running start(VehicleContext context, ReadingSink sink, Supplier<TimeQuality> timeQuality, Clock clock,
            ScheduledExecutorService scheduler, Executor reader, Consumer<Reading> watch) throws IOException, IioFormatException {
        IioAccelerometer accel = IioAccelerometer.find(sysfsRoot, device);
        RoadShockAdapter adapter = new RoadShockAdapter(new ShockDetector(detector), context, sink,
                RoadShockAdapter.sourceId(accel.name()), subject, timeQuality, watch);
        boolean buffered = mode.equals("buffer") || mode.equals("auto") && accel.bufferEnabled();
        if (buffered) {
            if (!accel.bufferEnabled()) {
                throw new IioFormatException(accel.dir() + ": motion.mode = buffer but buffer/enable is not 1");
            }
            BufferedIioSource s = BufferedIioSource.of(accel, devDir, samplingHz, clock, reader, adapter).start();
            return new Running(accel, adapter, "buffered " + accel.characterDevice(devDir), s::samples, s::errors, s);
        }
        SysfsPollingSource s = new SysfsPollingSource(accel, samplingHz, clock, scheduler, adapter).start();
        return new Running(accel, adapter, "sysfs polling at " + samplingHz + " Hz", s::samples, s::errors, s);
    }

    /** A started detector: what it reads, how, and its counters; closing stops the source. */
    public record Running(IioAccelerometer device, RoadShockAdapter adapter, String how, Supplier<Long> samples,
            Supplier<Long> errors, AutoCloseable source) implements AutoCloseable {
        /** For the metrics endpoint: connected = sampling, reconnects = read errors, readings = events. */
        public AdapterHealth health() {
            return new AdapterHealth(true, errors.get(), 0, adapter.events());
        }

        @Override
        public void close() throws Exception {
            source.close();
        }
    }
}
