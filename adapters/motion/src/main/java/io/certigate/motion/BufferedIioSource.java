package io.certigate.motion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads an accelerometer's buffered character device ({@code /dev/iio:deviceN}): a stream of scans
 * laid out as {@code scan_elements} says ({@link IioScanLayout}), decoded by {@link IioScanDecoder},
 * each scan scaled to m/s². A sample's time is the scan's {@code in_timestamp} when that channel is
 * enabled (realtime ns; on another {@code current_timestamp_clock} it is moved onto the given clock
 * at the first scan), else the first scan's clock time plus one period per scan.
 *
 * <p>The blocking read runs on the given executor (a thread of its own on a device; in a test, a
 * regular file or a FIFO stands for the device and the read ends at its end). {@link #close()}
 * closes the channel, which ends a read under way.
 */
public final class BufferedIioSource implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BufferedIioSource.class.getName());

    private final IioAccelerometer device;
    private final Path characterDevice;
    private final IioScanLayout layout;
    private final long periodNanos;
    private final boolean realtime;
    private final Clock clock;
    private final Executor reader;
    private final Consumer<AccelSample> sink;
    private final int[] axis = new int[3];
    private final int timestamp;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile FileChannel channel;
    private volatile boolean closed;
    private long firstDeviceNanos;
    private long offsetNanos;
    private boolean started;

    /**
     * @param samplingHz the scan rate, for times when the layout has no timestamp channel
     * @throws IioFormatException when the layout lacks one of the three accel channels
     */
    public BufferedIioSource(IioAccelerometer device, Path characterDevice, IioScanLayout layout, double samplingHz,
            boolean realtimeTimestamps, Clock clock, Executor reader, Consumer<AccelSample> sink) throws IioFormatException {
        this.device = device;
        this.characterDevice = characterDevice;
        this.layout = layout;
        this.periodNanos = Math.max(1, Math.round(1e9 / samplingHz));
        this.realtime = realtimeTimestamps;
        this.clock = clock;
        this.reader = reader;
        this.sink = sink;
        String[] names = {"in_accel_x", "in_accel_y", "in_accel_z"};
        for (int i = 0; i < 3; i++) {
            axis[i] = position(layout, names[i]);
            if (axis[i] < 0) {
                throw new IioFormatException(device.dir() + ": scan element " + names[i] + " is not enabled");
            }
        }
        timestamp = position(layout, "in_timestamp");
    }

    private static int position(IioScanLayout layout, String name) {
        for (int i = 0; i < layout.channels().size(); i++) {
            if (layout.channels().get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** For a device: its character device under {@code devDir}, its scan layout and timestamp clock. */
    public static BufferedIioSource of(IioAccelerometer device, Path devDir, double samplingHz, Clock clock, Executor reader,
            Consumer<AccelSample> sink) throws IOException, IioFormatException {
        return new BufferedIioSource(device, device.characterDevice(devDir), device.scanLayout(),
                device.samplingHz().orElse(samplingHz), device.realtimeTimestamps(), clock, reader, sink);
    }

    public BufferedIioSource start() {
        reader.execute(this::readAll);
        return this;
    }

    private void readAll() {
        IioScanDecoder decoder = new IioScanDecoder(layout);
        try (FileChannel ch = FileChannel.open(characterDevice, StandardOpenOption.READ)) {
            channel = ch;
            ByteBuffer buf = ByteBuffer.allocate(Math.max(4096, layout.scanBytes() * 64));
            while (!closed) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                for (long[] scan : decoder.accept(buf.array(), 0, n)) {
                    deliver(scan);
                }
            }
        } catch (ClosedChannelException e) {
            // closed by close(): the end of reading, not a fault
        } catch (IOException e) {
            errors.incrementAndGet();
            if (!closed) {
                LOG.log(Level.WARNING, "motion: reading " + characterDevice + " failed: " + e.getMessage());
            }
        } finally {
            if (decoder.pendingBytes() > 0) {
                LOG.log(Level.WARNING, "motion: " + characterDevice + " ended inside a scan (" + decoder.pendingBytes()
                        + " of " + layout.scanBytes() + " bytes); dropped");
            }
            ended.countDown();
        }
    }

    private void deliver(long[] scan) {
        long n = samples.getAndIncrement();
        long t;
        if (timestamp >= 0 && realtime) {
            t = scan[timestamp];
        } else {
            if (!started) {
                Instant now = clock.instant();
                offsetNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                firstDeviceNanos = timestamp >= 0 ? scan[timestamp] : 0;
                started = true;
            }
            t = timestamp >= 0 ? offsetNanos + scan[timestamp] - firstDeviceNanos : offsetNanos + n * periodNanos;
        }
        double[] scale = device.scale();
        double[] offset = device.offset();
        sink.accept(new AccelSample(t, (scan[axis[0]] + offset[0]) * scale[0], (scan[axis[1]] + offset[1]) * scale[1],
                (scan[axis[2]] + offset[2]) * scale[2]));
    }

    public long samples() {
        return samples.get();
    }

    public long errors() {
        return errors.get();
    }

    /** Waits until reading has ended (end of file, an error, or close); for a file standing for the device. */
    public boolean awaitEnd(java.time.Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        FileChannel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** The decoded layout, for a caller that reports it. */
    public List<IioScanLayout.Channel> channels() {
        return layout.channels();
    }
}
