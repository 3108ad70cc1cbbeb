package io.certigate.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.simulators.motion.FakeIioDevice;
import io.certigate.simulators.motion.ImuSignal;
import io.certigate.simulators.motion.Shock;
import io.certigate.testbed.time.ManualClock;
import io.certigate.testbed.time.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class MotionConfigTest {
    private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    @TempDir
    Path tmp;

    private final List<Reading> submitted = new ArrayList<>();
    private final ReadingSink sink = r -> {
        submitted.add(r);
        return CompletableFuture.completedFuture(new ReadingSink.Committed(submitted.size(), new byte[32], new byte[0]));
    };

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAndValues() {
        MotionConfig d = MotionConfig.parse(props("motion.device", "lis3dh"), "gw.properties");
        assertThat(d.sysfsRoot()).isEqualTo(Path.of("/sys/bus/iio/devices"));
        assertThat(d.devDir()).isEqualTo(Path.of("/dev"));
        assertThat(d.mode()).isEqualTo("auto");
        assertThat(d.detector()).isEqualTo(ShockDetector.Options.defaults());
        assertThat(d.samplingHz()).isEqualTo(100);
        assertThat(d.subject()).isEqualTo("road");
        MotionConfig c = MotionConfig.parse(props("motion.device", "iio:device2", "motion.axis", "y", "motion.threshold-mg", "650",
                "motion.min-duration-ms", "30", "motion.refractory-ms", "800", "motion.sampling-hz", "400"), "gw.properties");
        assertThat(c.detector().axis()).isEqualTo(AccelSample.Axis.Y);
        assertThat(c.detector().thresholdG()).isEqualTo(0.65);
        assertThat(c.detector().minDuration()).isEqualTo(Duration.ofMillis(30));
        assertThat(c.detector().refractory()).isEqualTo(Duration.ofMillis(800));
        assertThat(c.samplingHz()).isEqualTo(400);
    }

    @Test
    void errorsNameTheKeyAndValue() {
        assertThatThrownBy(() -> MotionConfig.parse(props("motion.axis", "z"), "gw.properties"))
                .hasMessageContaining("motion.device is required");
        assertThatThrownBy(() -> MotionConfig.parse(props("motion.device", "a", "motion.threshold-mg", "5"), "gw.properties"))
                .hasMessageContaining("motion.threshold-mg").hasMessageContaining("'5'");
        assertThatThrownBy(() -> MotionConfig.parse(props("motion.device", "a", "motion.axis", "up"), "gw.properties"))
                .hasMessageContaining("motion.axis").hasMessageContaining("up");
        assertThatThrownBy(() -> MotionConfig.parse(props("motion.device", "a", "motion.treshold-mg", "500"), "gw.properties"))
                .hasMessageContaining("motion.threshold-mg");
    }

    @Test
    void startsOnSysfsWithoutABufferAndFindsAShock() throws Exception {
        FakeIioDevice accel = FakeIioDevice.create(tmp, 0, "lis3dh", 100, false);
        MotionConfig c = MotionConfig.parse(props("motion.device", "lis3dh", "motion.sysfs-root", accel.sysfsRoot().toString(),
                "motion.dev-dir", accel.devDir().toString(), "motion.sampling-hz", "100"), "gw.properties");
        ManualClock clock = new ManualClock(START);
        ManualScheduler scheduler = new ManualScheduler(clock);
        ImuSignal.Samples signal = new ImuSignal(100, ImuSignal.flat(), 0.02, 0, List.of(new Shock(2000, 1.5, 60, 0)), 9)
                .samples();
        try (MotionConfig.Running r = c.start(VehicleContext.NONE, sink, () -> TimeQuality.NTP, clock, scheduler, Runnable::run,
                x -> { })) {
            assertThat(r.how()).startsWith("sysfs polling at 100 Hz");
            for (int i = 0; i < 400; i++) {
                accel.setRaw(signal.next()); // the file the next poll reads
                if (i == 0) {
                    scheduler.runDue();
                } else {
                    scheduler.advance(Duration.ofMillis(10));
                }
            }
            assertThat(r.samples().get()).isEqualTo(400);
            assertThat(r.health().readings()).isEqualTo(1);
        }
        assertThat(submitted).hasSize(1);
        assertThat(submitted.get(0).observedAtMillis() - START.toEpochMilli()).isBetween(2000L, 2030L);
    }

    @Test
    void startsOnTheBufferWhenItIsEnabled() throws Exception {
        FakeIioDevice accel = FakeIioDevice.create(tmp, 0, "lis3dh", 200, true);
        accel.writeBuffer(new ImuSignal(200, ImuSignal.flat(), 0.02, 0, List.of(new Shock(2000, 1.5, 60, 0)), 9).samples(),
                START.toEpochMilli() * 1_000_000L, 200, 800);
        MotionConfig c = MotionConfig.parse(props("motion.device", "lis3dh", "motion.sysfs-root", accel.sysfsRoot().toString(),
                "motion.dev-dir", accel.devDir().toString()), "gw.properties");
        ManualClock clock = new ManualClock(START);
        try (MotionConfig.Running r = c.start(VehicleContext.NONE, sink, () -> TimeQuality.NTP, clock,
                new ManualScheduler(clock), Runnable::run, x -> { })) {
            assertThat(r.how()).startsWith("buffered ").endsWith("iio:device0");
            assertThat(r.samples().get()).isEqualTo(800);
        }
        assertThat(submitted).hasSize(1);
        assertThat(submitted.get(0).source()).isEqualTo("motion:lis3dh");
        MotionConfig forced = MotionConfig.parse(props("motion.device", "lis3dh", "motion.sysfs-root",
                FakeIioDevice.create(tmp.resolve("b"), 0, "lis3dh", 200, false).sysfsRoot().toString(), "motion.mode", "buffer"),
                "gw.properties");
        assertThatThrownBy(() -> forced.start(VehicleContext.NONE, sink, () -> TimeQuality.NTP, clock, new ManualScheduler(clock),
                Runnable::run, x -> { })).isInstanceOf(IioFormatException.class).hasMessageContaining("buffer/enable is not 1");
    }
}
