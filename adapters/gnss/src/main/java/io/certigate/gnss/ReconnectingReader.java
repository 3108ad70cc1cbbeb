package io.certigate.gnss;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A source whose read loop blocks on its connection (a serial link, a socket): opened and read
 * until {@link #close()}; after an I/O error the connection is dropped, counted and opened again
 * after the reconnect delay, scheduled on the source's own thread (no sleeping).
 */
abstract class ReconnectingReader implements AutoCloseable {
    private final System.Logger log;
    private final ScheduledExecutorService thread;
    private final Duration reconnectDelay;
    private final String prefix;
    private final AtomicLong ioErrors = new AtomicLong();
    private volatile boolean closed;

    /** @param prefix what the warning of a failed connection starts with */
    ReconnectingReader(System.Logger log, ScheduledExecutorService thread, Duration reconnectDelay, String prefix) {
        this.log = log;
        this.thread = thread;
        this.reconnectDelay = reconnectDelay;
        this.prefix = prefix;
    }

    /** Opens the connection (what a technician tool calls to fail fast). */
    public abstract void open() throws IOException;

    /** Reads from the open connection while {@code more} says so. */
    public abstract void pump(BooleanSupplier more) throws IOException;

    /** Drops the connection, if any; never throws. */
    abstract void disconnect();

    /** Starts the connect-and-read loop on the source's thread. */
    final void startReading() {
        thread.execute(this::connectAndRead);
    }

    private void connectAndRead() {
        if (closed) {
            return;
        }
        try {
            open();
            pump(() -> !closed);
        } catch (IOException e) {
            if (closed) {
                return;
            }
            ioErrors.incrementAndGet();
            log.log(System.Logger.Level.WARNING, prefix + e.getMessage() + "; trying again in "
                    + reconnectDelay.toSeconds() + " s");
            disconnect();
            thread.schedule(this::connectAndRead, reconnectDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Connection failures so far (each followed by a new attempt). */
    public long ioErrors() {
        return ioErrors.get();
    }

    @Override
    public void close() {
        closed = true;
        disconnect();
    }
}
