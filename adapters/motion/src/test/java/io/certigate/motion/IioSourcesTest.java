package io.certigate.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.simulators.motion.FakeIioDevice;
import io.certigate.simulators.motion.ImuSignal;
import io.certigate.simulators.motion.Shock;
import io.certigate.testbed.time.ManualClock;
import io.certigate.testbed.time.ManualScheduler;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IIO device found in a fake sysfs tree, sampled through sysfs and through its buffer (a file, a FIFO). */
class IioSourcesTest {
    private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    @TempDir
    Path tmp;

    @Test
    @Tag("unit")
    void findsTheDeviceByNameOrFolderAndSaysWhatIsThere() throws Exception {
        FakeIioDevice.create(tmp, 0, "bmp280", 10, false);
        Files.delete(tmp.resolve("sys/bus/iio/devices/iio:device0/in_accel_x_raw"));
        FakeIioDevice accel = FakeIioDevice.create(tmp, 1, "lis3dh", 100, false);
        IioAccelerometer a = IioAccelerometer.find(accel.sysfsRoot(), "lis3dh");
        assertThat(a.dir()).isEqualTo(accel.dir());
        assertThat(a.scale()).containsExactly(FakeIioDevice.SCALE, FakeIioDevice.SCALE, FakeIioDevice.SCALE);
        assertThat(a.samplingHz()).hasValue(100);
        assertThat(IioAccelerometer.find(accel.sysfsRoot(), "iio:device1").name()).isEqualTo("lis3dh");
        assertThatThrownBy(() -> IioAccelerometer.find(accel.sysfsRoot(), "adxl345")).isInstanceOf(IioFormatException.class)
                .hasMessageContaining("iio:device0 (bmp280), iio:device1 (lis3dh)");
        assertThatThrownBy(() -> IioAccelerometer.find(accel.sysfsRoot(), "bmp280")).hasMessageContaining("in_accel_x_raw");
        assertThatThrownBy(() -> IioAccelerometer.find(tmp.resolve("nowhere"), "lis3dh")).hasMessageContaining("no such folder");
    }

    @Test
    @Tag("unit")
    void perAxisScaleAndOffsetApply() throws Exception {
        FakeIioDevice accel = FakeIioDevice.create(tmp, 0, "adxl345", 100, false);
        Files.writeString(accel.dir().resolve("in_accel_z_scale"), "0.038300\n");
        Files.writeString(accel.dir().resolve("in_accel_offset"), "-2\n");
        Files.writeString(accel.dir().resolve("in_accel_z_raw"), "258\n");
        IioAccelerometer a = IioAccelerometer.open(accel.dir());
        AccelSample s = a.readRaw(5);
        assertThat(s.z()).isCloseTo(256 * 0.0383, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.x()).isCloseTo(-2 * FakeIioDevice.SCALE, org.assertj.core.data.Offset.offset(1e-9));
        Files.writeString(accel.dir().resolve("in_accel_x_raw"), "12a\n");
        assertThatThrownBy(() -> a.readRaw(6)).isInstanceOf(IioFormatException.class).hasMessageContaining("'12a'");
    }

    @Test
    @Tag("unit")
    void pollsSysfsAtTheSamplingFrequencyOnVirtualTime() throws Exception {
        FakeIioDevice accel = FakeIioDevice.create(tmp, 0, "lis3dh", 100, false);
        ManualClock clock = new ManualClock(START);
        ManualScheduler scheduler = new ManualScheduler(clock);
        List<AccelSample> got = new ArrayList<>();
        accel.setRaw(new double[] {0, 0, 9.80665});
        try (SysfsPollingSource s = new SysfsPollingSource(IioAccelerometer.open(accel.dir()), 50, clock, scheduler, got::add)
                .start()) {
            scheduler.runDue();
            accel.setRaw(new double[] {0, 0, 2 * 9.80665});
            scheduler.advance(Duration.ofMillis(20));
            Files.writeString(accel.dir().resolve("in_accel_y_raw"), "garbage\n");
            scheduler.advance(Duration.ofMillis(20));
            assertThat(s.errors()).isEqualTo(1);
            accel.setRaw(new double[] {1, 0, 0});
            scheduler.advance(Duration.ofMillis(20));
            assertThat(s.samples()).isEqualTo(3);
        }
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(got).hasSize(3);
        assertThat(got.get(0).z()).isCloseTo(9.80665, org.assertj.core.data.Offset.offset(0.01));
        assertThat(got.get(1).z()).isCloseTo(19.6133, org.assertj.core.data.Offset.offset(0.01));
        assertThat(got.get(2).x()).isCloseTo(1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(got.get(1).epochNanos() - got.get(0).epochNanos()).isEqualTo(20_000_000L);
        assertThat(got.get(0).epochMillis()).isEqualTo(START.toEpochMilli());
    }

    @Test
    @Tag("unit")
    void readsARecordedBufferStreamWithItsTimestamps() throws Exception {
        FakeIioDevice accel = FakeIioDevice.create(tmp, 0, "lis3dh", 200, true);
        ImuSignal signal = new ImuSignal(200, ImuSignal.flat(), 0.02, 0, List.of(new Shock(1000, 1.0, 40, 0)), 7);
        long t0 = START.toEpochMilli() * 1_000_000L;
        accel.writeBuffer(signal.samples(), t0, 200, 400);
        List<AccelSample> got = new ArrayList<>();
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z")); // not used: the scans carry their times
        IioAccelerometer a = IioAccelerometer.find(accel.sysfsRoot(), "lis3dh");
        assertThat(a.bufferEnabled()).isTrue();
        try (BufferedIioSource s = BufferedIioSource.of(a, accel.devDir(), 100, clock, Runnable::run, got::add).start()) {
            assertThat(s.samples()).isEqualTo(400);
        }
        assertThat(got).hasSize(400);
        assertThat(got.get(0).epochNanos()).isEqualTo(t0);
        assertThat(got.get(399).epochNanos()).isEqualTo(t0 + 399 * 5_000_000L);
        AccelSample peak = got.stream().max(java.util.Comparator.comparingDouble(AccelSample::z)).orElseThrow();
        assertThat(peak.z() / ShockDetector.G).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.08));
        assertThat(peak.epochNanos() - t0).isBetween(1_010_000_000L, 1_030_000_000L);
    }

    @Test
    @Tag("unit")
    void withoutATimestampChannelTimesFollowTheRateFromTheFirstScan() throws Exception {
        FakeIioDevice accel = FakeIioDevice.create(tmp, 0, "lis3dh", 100, true);
        Files.writeString(accel.dir().resolve("scan_elements/in_timestamp_en"), "0\n");
        // a 6-byte scan: x, y, z
        byte[] scans = new byte[12];
        scans[4] = (byte) 0xe8; // z = 1000 counts = 1 g
        scans[5] = 0x03;
        scans[10] = (byte) 0xd0; // z = 2000
        scans[11] = 0x07;
        Files.write(accel.characterDevice(), scans);
        ManualClock clock = new ManualClock(START);
        List<AccelSample> got = new ArrayList<>();
        BufferedIioSource.of(IioAccelerometer.open(accel.dir()), accel.devDir(), 50, clock, Runnable::run, got::add).start()
                .close();
        assertThat(got).extracting(AccelSample::epochNanos).containsExactly(START.toEpochMilli() * 1_000_000L,
                START.toEpochMilli() * 1_000_000L + 10_000_000L); // the device's 100 Hz, not the fallback's 50
        assertThat(got.get(1).z()).isCloseTo(2 * 9.80665, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    @Tag("component")
    void readsTheBufferThroughAFifoAsAWriterFeedsIt() throws Exception {
        FakeIioDevice accel = FakeIioDevice.create(tmp, 0, "lis3dh", 100, true);
        accel.makeFifo();
        ImuSignal signal = new ImuSignal(100, ImuSignal.flat(), 0.02, 0, List.of(), 3);
        List<AccelSample> got = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            BufferedIioSource s = BufferedIioSource.of(IioAccelerometer.open(accel.dir()), accel.devDir(), 100,
                    new ManualClock(START), threads, got::add).start();
            ImuSignal.Samples samples = signal.samples();
            Future<?> writer = threads.submit(() -> {
                try (OutputStream out = Files.newOutputStream(accel.characterDevice())) {
                    for (int i = 0; i < 10; i++) {
                        FakeIioDevice.writeScans(out, samples, START.toEpochMilli() * 1_000_000L, 100, 100);
                    }
                }
                return null;
            });
            writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(s.awaitEnd(Duration.ofSeconds(30))).isTrue();
            s.close();
        } finally {
            threads.shutdownNow();
        }
        assertThat(got).hasSize(1000);
        assertThat(got.get(999).epochNanos() - got.get(0).epochNanos()).isEqualTo(999 * 10_000_000L);
    }
}
