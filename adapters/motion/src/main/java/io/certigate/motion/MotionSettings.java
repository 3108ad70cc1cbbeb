package io.certigate.motion;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/**
 * The road-event detector's settings ({@code motion.*}), defined once for the standalone
 * configuration file and docs/configuration.md; {@link MotionConfig} reads them. Standalone only:
 * there is no Kura motion component yet.
 */
public final class MotionSettings {
    private MotionSettings() {}

    public static final Setting DEVICE = Setting.of("motion.device", Type.TEXT, null,
            "the accelerometer: its IIO name (the device folder's name file, e.g. lis3dh) or folder (iio:device0); required")
            .only(Scope.STANDALONE);
    public static final Setting SYSFS_ROOT = Setting.of("motion.sysfs-root", Type.PATH, "/sys/bus/iio/devices",
            "where the IIO devices are listed").only(Scope.STANDALONE);
    public static final Setting DEV_DIR = Setting.of("motion.dev-dir", Type.PATH, "/dev",
            "folder of the buffered character devices (iio:deviceN)").only(Scope.STANDALONE);
    public static final Setting MODE = Setting.choice("motion.mode", "auto", List.of("auto", "buffer", "sysfs"),
            "auto: the buffered character device when buffer/enable is 1, else polling sysfs; buffer or sysfs forces one")
            .only(Scope.STANDALONE);
    public static final Setting AXIS = Setting.choice("motion.axis", "auto", List.of("auto", "x", "y", "z"),
            "the device axis that is vertical; auto follows the gravity vector").only(Scope.STANDALONE);
    public static final Setting THRESHOLD_MG = Setting.whole("motion.threshold-mg", 400, 10, 16_000, "mg",
            "vertical acceleration (gravity removed) that counts as a shock, in thousandths of g")
            .only(Scope.STANDALONE);
    public static final Setting MIN_DURATION_MS = Setting.whole("motion.min-duration-ms", 20, 0, 10_000, "ms",
            "shortest excursion above the threshold that counts (shorter ones are spikes)").only(Scope.STANDALONE);
    public static final Setting REFRACTORY_MS = Setting.whole("motion.refractory-ms", 500, 0, 60_000, "ms",
            "excursions within this gap after an event are its rebounds, not new events").only(Scope.STANDALONE);
    public static final Setting BASELINE_MS = Setting.whole("motion.baseline-ms", 2000, 100, 600_000, "ms",
            "time constant of the running-mean gravity baseline").only(Scope.STANDALONE);
    public static final Setting SAMPLING_HZ = Setting.whole("motion.sampling-hz", 100, 1, 10_000, "Hz",
            "sysfs polling rate; in buffer mode the scan rate assumed when the device gives no sampling_frequency")
            .only(Scope.STANDALONE);
    public static final Setting SUBJECT = Setting.of("motion.subject", Type.TEXT, RoadShocks.DEFAULT_SUBJECT,
            "the road.shock readings' subject").only(Scope.STANDALONE);

    public static final List<Setting> ALL = List.of(DEVICE, SYSFS_ROOT, DEV_DIR, MODE, AXIS, THRESHOLD_MG, MIN_DURATION_MS,
            REFRACTORY_MS, BASELINE_MS, SAMPLING_HZ, SUBJECT);
}
