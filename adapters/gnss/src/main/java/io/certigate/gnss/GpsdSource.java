package io.certigate.gnss;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Fixes from a running gpsd over its TCP port (2947): connects, sends {@code ?WATCH} for JSON
 * reports (gpsd_json(5)), reads one report per line ({@link GpsdReports}) and merges TPV and SKY
 * ({@link GpsdFixAssembler}). Lines that are not reports are counted and skipped. The read loop
 * blocks on the socket: give it a thread of its own. After a connection failure it connects again
 * after {@link Options#reconnectDelay} (scheduled, no sleeping).
 */
public final class GpsdSource extends ReconnectingReader {
    private static final System.Logger LOG = System.getLogger(GpsdSource.class.getName());
    /** Longest report line kept; gpsd's SKY with many satellites stays well under. */
    static final int MAX_LINE = 64 * 1024;

    public record Options(Duration connectTimeout, Duration readTimeout, Duration reconnectDelay) {
        public static final Options DEFAULT = new Options(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    private final GpsdAddress address;
    private final Options options;
    private final Clock clock;
    private final LongSupplier nanos;
    private final Consumer<GnssFix> fixes;
    private final GpsdFixAssembler assembler = new GpsdFixAssembler();
    private final AtomicLong reports = new AtomicLong();
    private final AtomicLong badLines = new AtomicLong();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean overLong;
    private boolean loggedBad;
    private volatile Socket socket;
    private volatile GpsdReports.Version version;

    public GpsdSource(GpsdAddress address, Options options, Clock clock, LongSupplier nanos, Consumer<GnssFix> fixes,
            ScheduledExecutorService thread) {
        super(LOG, thread, options.reconnectDelay(), "");
        this.address = address;
        this.options = options;
        this.clock = clock;
        this.nanos = nanos;
        this.fixes = fixes;
    }

    /** Connects and reads until {@link #close()}, connecting again after failures. */
    public GpsdSource start() {
        startReading();
        return this;
    }

    /**
     * Connects and asks for JSON reports (what a technician tool calls to fail fast).
     *
     * @throws IOException naming the address when gpsd does not answer or refuses
     */
    @Override
    public void open() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address.host(), address.port()), (int) options.connectTimeout().toMillis());
            s.setSoTimeout((int) options.readTimeout().toMillis());
            s.getOutputStream().write(GpsdReports.WATCH.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (IOException e) {
            s.close();
            throw new IOException("gpsd at " + address + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
        line.reset();
        socket = s;
    }

    /** Reads reports while {@code more} says so. @throws IOException when the connection fails or gpsd closes it */
    @Override
    public void pump(BooleanSupplier more) throws IOException {
        Socket s = socket;
        if (s == null) {
            throw new IOException("gpsd at " + address + ": not connected");
        }
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (more.getAsBoolean()) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException idle) {
                continue;
            }
            if (n < 0) {
                throw new EOFException("gpsd at " + address + " closed the connection");
            }
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    endLine();
                } else if (b != '\r') {
                    if (line.size() < MAX_LINE) {
                        line.write(b);
                    } else {
                        overLong = true;
                    }
                }
            }
        }
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (overLong) {
            overLong = false;
            badLines.incrementAndGet();
            return;
        }
        if (text.isBlank()) {
            return;
        }
        GpsdReports.Report r;
        try {
            r = GpsdReports.parse(text);
        } catch (GpsdException e) {
            badLines.incrementAndGet();
            if (!loggedBad) {
                loggedBad = true;
                LOG.log(System.Logger.Level.WARNING, "gpsd at " + address + ": skipping a line (further ones only counted): "
                        + e.getMessage());
            }
            return;
        }
        reports.incrementAndGet();
        if (r instanceof GpsdReports.Version v) {
            version = v;
        }
        GnssFix f = assembler.accept(r, clock.millis(), nanos.getAsLong());
        if (f != null) {
            fixes.accept(f);
        }
    }

    public GpsdAddress address() {
        return address;
    }

    /** gpsd's greeting, or null before it. */
    public GpsdReports.Version version() {
        return version;
    }

    public boolean connected() {
        return socket != null;
    }

    public long reports() {
        return reports.get();
    }

    public long badLines() {
        return badLines.get();
    }

    @Override
    void disconnect() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing: nothing more to do with it
            }
        }
    }
}
