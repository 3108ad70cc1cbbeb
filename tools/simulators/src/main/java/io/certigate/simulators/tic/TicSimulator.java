package io.certigate.simulators.tic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated Linky meter writing its TIC stream to a pty (or any output stream) at a fixed frame
 * interval. The meter's clock runs {@code timeScale} times faster than the given clock from its
 * start, so an hour of index growth can be shown in a minute.
 */
public final class TicSimulator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TicSimulator.class.getName());

    private final TicStreamGenerator generator;
    private final OutputStream out;
    private final Clock clock;
    private final Instant start;
    private final Instant meterStart;
    private final double timeScale;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong corrupted = new AtomicLong();
    private ScheduledFuture<?> task;

    public TicSimulator(TicStreamGenerator generator, OutputStream out, Clock clock, Instant meterStart, double timeScale) {
        this.generator = generator;
        this.out = out;
        this.clock = clock;
        this.start = clock.instant();
        this.meterStart = meterStart;
        this.timeScale = timeScale;
    }

    /** A simulator writing to the device side of a pty. */
    public static TicSimulator onPty(Path device, TicStreamGenerator generator, Clock clock, Instant meterStart,
            double timeScale) throws IOException {
        return new TicSimulator(generator, Files.newOutputStream(device, StandardOpenOption.WRITE), clock, meterStart, timeScale);
    }

    /** Writes one frame now. */
    public synchronized void emitFrame() throws IOException {
        long realMs = Duration.between(start, clock.instant()).toMillis();
        Instant meterNow = meterStart.plusMillis((long) (realMs * timeScale));
        byte[] frame = generator.nextFrame(meterNow);
        out.write(frame);
        out.flush();
        frames.incrementAndGet();
        if (generator.lastCorruption() != TicStreamGenerator.Corruption.NONE) {
            corrupted.incrementAndGet();
        }
    }

    /** Emits a frame every {@code interval} on {@code scheduler}. */
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        task = scheduler.scheduleAtFixedRate(() -> {
            try {
                emitFrame();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "TIC simulator write failed: {0}", e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long frames() {
        return frames.get();
    }

    public long corruptedFrames() {
        return corrupted.get();
    }

    public synchronized long[] registers() {
        return generator.registers();
    }

    @Override
    public synchronized void close() throws IOException {
        if (task != null) {
            task.cancel(false);
        }
        out.close();
    }
}
