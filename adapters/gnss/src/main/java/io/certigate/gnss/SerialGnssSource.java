package io.certigate.gnss;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An NMEA receiver on a serial line (8N1), through the shared {@link SerialLink}. With no fixed
 * baud rate it tries 4800 (NMEA 0183's own rate), 9600 (most modules' default) and 38400 in turn,
 * and keeps the first at which checksummed sentences arrive within the probe window. The read loop
 * blocks on the link: give it a thread of its own. After an I/O error the link is closed and opened
 * again after {@link Options#reconnectDelay} (scheduled, no sleeping), detecting the rate again.
 */
public final class SerialGnssSource extends ReconnectingReader {
    private static final System.Logger LOG = System.getLogger(SerialGnssSource.class.getName());
    /** Decoded sentences that confirm a baud rate: two, so that one lucky checksum in noise does not. */
    static final int CONFIRMING_SENTENCES = 2;

    /**
     * @param baud           fixed rate, or 0 to detect among {@link GnssConfig#BAUD_RATES}
     * @param probeWindow    how long each rate is listened to (a 1 Hz receiver needs a little over 1 s)
     * @param readTimeout    longest wait of one read
     * @param reconnectDelay wait before opening the port again after an I/O error
     */
    public record Options(int baud, Duration probeWindow, Duration readTimeout, Duration reconnectDelay) {
        public static Options of(int baud) {
            return new Options(baud, Duration.ofMillis(2500), Duration.ofMillis(500), Duration.ofSeconds(5));
        }
    }

    private final SerialLink.Opener opener;
    private final Options options;
    private final Clock clock;
    private final LongSupplier nanos;
    private final NmeaReceiver receiver;
    private final ByteBuffer buf = ByteBuffer.allocate(512);
    private volatile SerialLink link;
    private volatile int baud;

    /**
     * @param fixes  called with every updated fix, on the reading thread
     * @param thread runs the connect and read loop (single thread)
     */
    public SerialGnssSource(SerialLink.Opener opener, Options options, Clock clock, LongSupplier nanos,
            Consumer<GnssFix> fixes, ScheduledExecutorService thread) {
        super(LOG, thread, options.reconnectDelay(), "GNSS receiver: ");
        this.opener = opener;
        this.options = options;
        this.clock = clock;
        this.nanos = nanos;
        this.receiver = new NmeaReceiver(fixes);
    }

    /** Opens the port and reads until {@link #close()}, reconnecting after I/O errors. */
    public SerialGnssSource start() {
        startReading();
        return this;
    }

    /**
     * Opens the port and settles its baud rate (what a technician tool calls to fail fast).
     *
     * @throws IOException naming the port when it is missing, or when no rate gives NMEA sentences
     */
    @Override
    public void open() throws IOException {
        List<Integer> rates = options.baud() > 0 ? List.of(options.baud()) : GnssConfig.BAUD_RATES;
        SerialLink l = opener.open(SerialSettings.eightNoneOne(rates.get(0)));
        link = l;
        for (int i = 0; i < rates.size(); i++) {
            if (i > 0) {
                l.configure(SerialSettings.eightNoneOne(rates.get(i)));
            }
            if (listen(l, options.probeWindow())) {
                baud = rates.get(i);
                LOG.log(System.Logger.Level.INFO, "GNSS receiver on " + l.name() + " at " + baud + " baud");
                return;
            }
        }
        throw new IOException(l.name() + ": no NMEA sentences with a valid checksum at " + rates.stream().map(String::valueOf)
                .reduce((a, b) -> a + ", " + b).orElse("") + " baud within " + options.probeWindow().toMillis() + " ms each");
    }

    /** Reads during {@code window}; true once enough sentences decoded. */
    private boolean listen(SerialLink l, Duration window) throws IOException {
        long deadline = nanos.getAsLong() + window.toNanos();
        int decoded = 0;
        while (decoded < CONFIRMING_SENTENCES) {
            long left = deadline - nanos.getAsLong();
            if (left <= 0) {
                return false;
            }
            decoded += readOnce(l, Duration.ofNanos(Math.min(left, options.readTimeout().toNanos())));
        }
        return true;
    }

    /** Reads the open link while {@code more} says so. @throws IOException when the link fails */
    @Override
    public void pump(java.util.function.BooleanSupplier more) throws IOException {
        SerialLink l = link;
        if (l == null) {
            throw new IOException("the GNSS port is not open");
        }
        while (more.getAsBoolean()) {
            readOnce(l, options.readTimeout());
        }
    }

    private int readOnce(SerialLink l, Duration timeout) throws IOException {
        buf.clear();
        int n = l.read(buf, timeout);
        if (n <= 0) {
            return 0;
        }
        buf.flip();
        return receiver.accept(buf, clock.millis(), nanos.getAsLong());
    }

    /** The baud rate in use, 0 before it is settled. */
    public int baud() {
        return baud;
    }

    public boolean connected() {
        return link != null && baud > 0;
    }

    public NmeaStats stats() {
        return receiver.stats();
    }

    @Override
    void disconnect() {
        SerialLink l = link;
        link = null;
        baud = 0;
        if (l != null) {
            l.close();
        }
    }
}
