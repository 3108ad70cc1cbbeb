package io.certigate.meter.tic;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a TIC line through a {@link SerialLink} and hands every assembled frame to a listener.
 * Owns the port side: 7E1 at the mode's speed, speed detection in automatic mode (try 9600, then
 * 1200, alternating until a checksum-valid group arrives), and reopening the port after an I/O
 * error. The decoding itself stays in the pure {@link TicFrameAssembler}.
 *
 * <p>The blocking read loop runs on one thread of the given executor; a reconnect is scheduled on
 * it after {@code reconnectDelay}, nothing sleeps.
 */
public final class TicPortReader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TicPortReader.class.getName());

    /**
     * @param mode           the configured mode, or null to detect it
     * @param readTimeout    how long one port read waits
     * @param detectWindow   in automatic mode, how long one speed is tried without a valid group
     * @param reconnectDelay pause before reopening a failed port
     */
    public record Options(TicMode mode, Duration readTimeout, Duration detectWindow, Duration reconnectDelay) {
        public static Options of(TicMode modeOrNullForAuto) {
            return new Options(modeOrNullForAuto, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(2));
        }
    }

    private final SerialLink.Opener opener;
    private final Options options;
    private final Consumer<TicFrame> listener;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final TicFrameAssembler assembler;
    private volatile boolean running;
    private volatile SerialLink link;
    private volatile TicMode speed;
    private volatile long ioErrors;
    private volatile long opens;

    public TicPortReader(SerialLink.Opener opener, Options options, Consumer<TicFrame> listener, Clock clock,
            ScheduledExecutorService executor) {
        this.opener = opener;
        this.options = options;
        this.listener = listener;
        this.clock = clock;
        this.executor = executor;
        this.assembler = options.mode() == null ? TicFrameAssembler.detecting() : TicFrameAssembler.forMode(options.mode());
        this.speed = options.mode() == null ? TicMode.STANDARD : options.mode();
    }

    public void start() {
        running = true;
        executor.execute(this::session);
    }

    private void session() {
        if (!running) {
            return;
        }
        SerialLink l = null;
        try {
            l = opener.open(SerialSettings.sevenEvenOne(speed.baudRate()));
            link = l;
            opens++;
            LOG.log(System.Logger.Level.INFO, "TIC port {0} open at {1} baud 7E1 ({2})", l.name(), speed.baudRate(),
                    options.mode() == null ? "mode auto" : options.mode().name().toLowerCase());
            readLoop(l);
        } catch (IOException e) {
            if (running) {
                ioErrors++;
                LOG.log(System.Logger.Level.WARNING, "TIC port I/O error, reopening in {0} ms: {1}",
                        options.reconnectDelay().toMillis(), e.getMessage());
            }
        } finally {
            closeQuietly(l);
            link = null;
        }
        if (running) {
            try {
                executor.schedule(this::session, options.reconnectDelay().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                running = false;
            }
        }
    }

    private void readLoop(SerialLink l) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        long goodAtStart = assembler.stats().groups();
        long since = clock.millis();
        while (running) {
            buf.clear();
            int n = l.read(buf, options.readTimeout());
            if (n > 0) {
                buf.flip();
                List<TicFrame> frames = assembler.accept(buf);
                boolean otherMode = false;
                for (TicFrame f : frames) {
                    listener.accept(f);
                    otherMode |= options.mode() == null && f.clean() && f.mode() != speed;
                }
                if (otherMode) {
                    // a clean frame of the other mode (possible on a pty, which ignores the speed): follow it
                    speed = speed == TicMode.STANDARD ? TicMode.HISTORIC : TicMode.STANDARD;
                    LOG.log(System.Logger.Level.INFO, "{0} mode frames on {1}, reopening at {2} baud", speed.name().toLowerCase(),
                            l.name(), speed.baudRate());
                    return;
                }
            }
            if (options.mode() == null && assembler.stats().groups() == goodAtStart
                    && clock.millis() - since >= options.detectWindow().toMillis()) {
                speed = speed == TicMode.STANDARD ? TicMode.HISTORIC : TicMode.STANDARD;
                LOG.log(System.Logger.Level.INFO, "no valid TIC group on {0}, trying {1} baud", l.name(), speed.baudRate());
                return; // the session reopens at the other speed
            }
            if (assembler.stats().groups() != goodAtStart) {
                goodAtStart = Long.MIN_VALUE; // speed confirmed: stop detecting
            }
        }
    }

    /** Decoder counters. */
    public TicFrameAssembler.Stats stats() {
        return assembler.stats();
    }

    /** Failed opens and reads, each followed by a reopen after the reconnect delay. */
    public long ioErrors() {
        return ioErrors;
    }

    /** Whether the port is open now. */
    public boolean connected() {
        return link != null;
    }

    public long opens() {
        return opens;
    }

    /** The speed in use (the detected one in automatic mode). */
    public TicMode speed() {
        return speed;
    }

    @Override
    public void close() {
        running = false;
        closeQuietly(link);
    }

    private static void closeQuietly(SerialLink l) {
        if (l != null) {
            l.close();
        }
    }
}
