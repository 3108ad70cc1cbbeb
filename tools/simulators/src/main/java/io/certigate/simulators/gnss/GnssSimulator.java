package io.certigate.simulators.gnss;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GNSS receiver on a wire: writes a {@link NmeaRouteGenerator}'s epochs to a pty (the device side
 * of the testbed's {@code PtyPair}), a file (an NMEA log for gpsfake) or a socket's stream, either
 * all at once ({@link #writeEpochs}) or one per period on a scheduler ({@link #start}).
 */
public final class GnssSimulator implements AutoCloseable {
    private final OutputStream out;
    private final NmeaRouteGenerator generator;
    private final AtomicLong next = new AtomicLong();
    private volatile ScheduledFuture<?> task;
    private volatile IOException failure;

    public GnssSimulator(OutputStream out, NmeaRouteGenerator generator) {
        this.out = out;
        this.generator = generator;
    }

    /** Writes to a pty or a file (created or truncated); the stream is a channel's, so a blocked write can be interrupted. */
    public static GnssSimulator onPath(Path device, NmeaRouteGenerator generator) throws IOException {
        return new GnssSimulator(Files.newOutputStream(device, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING), generator);
    }

    /** Writes the next {@code n} epochs now. */
    public synchronized void writeEpochs(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            out.write(generator.epochBytes(next.getAndIncrement()));
        }
        out.flush();
    }

    /** Writes one epoch per {@code period} until closed; a write failure stops it ({@link #failure()}). */
    public synchronized GnssSimulator start(ScheduledExecutorService scheduler, Duration period) {
        task = scheduler.scheduleAtFixedRate(() -> {
            try {
                writeEpochs(1);
            } catch (IOException e) {
                failure = e;
                throw new java.io.UncheckedIOException(e); // ends the periodic task
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The next epoch to be written. */
    public long nextEpoch() {
        return next.get();
    }

    public IOException failure() {
        return failure;
    }

    public NmeaRouteGenerator generator() {
        return generator;
    }

    /**
     * Stops writing and closes the stream. Not synchronized with the writes: a write blocked on a
     * pty nobody reads any more (the reader closed its side) is interrupted, which closes the stream.
     */
    @Override
    public void close() throws IOException {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(true);
        }
        out.close();
    }
}
