package io.certigate.simulators.motion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * A Linux IIO accelerometer as files in a folder: the sysfs tree the kernel would show
 * (Documentation/ABI/testing/sysfs-bus-iio) under {@code <root>/sys/bus/iio/devices/iio:deviceN}
 * and its buffer's character device {@code <root>/dev/iio:deviceN} as a regular file or a FIFO.
 * Its buffer layout is written here independently of the reader's decoder: x, y, z as
 * {@code le:s16/16>>0} (indexes 0-2) then the timestamp as {@code le:s64/64>>0} (index 3), so a
 * scan is 16 bytes: three 16-bit words, 2 bytes of padding, the 8-byte timestamp.
 */
public final class FakeIioDevice {
    /** m/s² per LSB of the fake device: 1 mg (about what an LIS3DH gives at ±16 g in high-resolution mode). */
    public static final double SCALE = 0.009806650;
    public static final int SCAN_BYTES = 16;

    private final Path sysfsRoot;
    private final Path devDir;
    private final Path dir;

    private FakeIioDevice(Path sysfsRoot, Path devDir, Path dir) {
        this.sysfsRoot = sysfsRoot;
        this.devDir = devDir;
        this.dir = dir;
    }

    /**
     * Writes the tree of a device {@code iio:device<index>} named {@code name} under {@code root}.
     *
     * @param buffered whether {@code buffer/enable} is 1 (scan elements x, y, z and timestamp enabled)
     */
    public static FakeIioDevice create(Path root, int index, String name, int samplingHz, boolean buffered) throws IOException {
        Path sysfs = Files.createDirectories(root.resolve("sys/bus/iio/devices"));
        Path dev = Files.createDirectories(root.resolve("dev"));
        Path d = Files.createDirectories(sysfs.resolve("iio:device" + index));
        write(d.resolve("name"), name);
        write(d.resolve("in_accel_scale"), String.format(java.util.Locale.ROOT, "%.9f", SCALE));
        write(d.resolve("sampling_frequency"), Integer.toString(samplingHz));
        write(d.resolve("current_timestamp_clock"), "realtime");
        for (String a : new String[] {"x", "y", "z"}) {
            write(d.resolve("in_accel_" + a + "_raw"), "0");
        }
        Path scan = Files.createDirectories(d.resolve("scan_elements"));
        String[] names = {"in_accel_x", "in_accel_y", "in_accel_z", "in_timestamp"};
        for (int i = 0; i < names.length; i++) {
            write(scan.resolve(names[i] + "_en"), buffered ? "1" : "0");
            write(scan.resolve(names[i] + "_index"), Integer.toString(i));
            write(scan.resolve(names[i] + "_type"), i < 3 ? "le:s16/16>>0" : "le:s64/64>>0");
        }
        Files.createDirectories(d.resolve("buffer"));
        write(d.resolve("buffer/enable"), buffered ? "1" : "0");
        write(d.resolve("buffer/length"), "128");
        return new FakeIioDevice(sysfs, dev, d);
    }

    /** What a gateway's {@code motion.sysfs-root} names. */
    public Path sysfsRoot() {
        return sysfsRoot;
    }

    /** What a gateway's {@code motion.dev-dir} names. */
    public Path devDir() {
        return devDir;
    }

    public Path dir() {
        return dir;
    }

    /** The buffer's character device path (not created until {@link #writeBuffer} or {@link #makeFifo}). */
    public Path characterDevice() {
        return devDir.resolve(dir.getFileName().toString());
    }

    /** Sets the {@code _raw} files to a sample in m/s² (each file replaced whole, as sysfs reads are). */
    public void setRaw(double[] xyz) throws IOException {
        String[] a = {"x", "y", "z"};
        for (int i = 0; i < 3; i++) {
            Path tmp = dir.resolve(".in_accel_" + a[i] + "_raw.tmp");
            write(tmp, Long.toString(counts(xyz[i])));
            Files.move(tmp, dir.resolve("in_accel_" + a[i] + "_raw"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** One scan of the buffer layout: a sample in m/s² and its timestamp in epoch ns. */
    public static byte[] scan(double[] xyz, long epochNanos) {
        ByteBuffer b = ByteBuffer.allocate(SCAN_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 3; i++) {
            b.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, counts(xyz[i]))));
        }
        b.putShort((short) 0); // padding: the timestamp is aligned to 8 bytes
        b.putLong(epochNanos);
        return b.array();
    }

    /** Writes {@code count} scans of {@code signal} from {@code startNanos} into the character device (a regular file). */
    public void writeBuffer(ImuSignal.Samples signal, long startNanos, double hz, int count) throws IOException {
        try (OutputStream out = Files.newOutputStream(characterDevice())) {
            writeScans(out, signal, startNanos, hz, count);
        }
    }

    /** Writes {@code count} scans to {@code out}. */
    public static void writeScans(OutputStream out, ImuSignal.Samples signal, long startNanos, double hz, int count)
            throws IOException {
        long period = Math.round(1e9 / hz);
        byte[] chunk = new byte[SCAN_BYTES * Math.min(count, 256)];
        int filled = 0;
        for (int i = 0; i < count; i++) {
            long n = signal.count();
            System.arraycopy(scan(signal.next(), startNanos + n * period), 0, chunk, filled, SCAN_BYTES);
            filled += SCAN_BYTES;
            if (filled == chunk.length) {
                out.write(chunk, 0, filled);
                filled = 0;
            }
        }
        out.write(chunk, 0, filled);
        out.flush();
    }

    /** Makes the character device a FIFO ({@code mkfifo}), as a driver's device blocks until data comes. */
    public Path makeFifo() throws IOException {
        Files.deleteIfExists(characterDevice());
        Process p = new ProcessBuilder("mkfifo", characterDevice().toString()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("mkfifo " + characterDevice() + " failed: "
                        + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while making " + characterDevice());
        }
        return characterDevice();
    }

    private static long counts(double ms2) {
        return Math.round(ms2 / SCALE);
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text + "\n", StandardCharsets.US_ASCII);
    }
}
