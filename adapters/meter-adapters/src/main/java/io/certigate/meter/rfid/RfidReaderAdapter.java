package io.certigate.meter.rfid;

import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An RFID reader on a serial link (RDM6300: 9600 8N1): decoded tags pass the debouncer and become
 * {@code rfid.tag} readings (subject = tag id, value = card number, source {@code rfid:<port>}).
 * Rejected frames are counted and logged once here. The blocking read loop runs on the executor;
 * after an I/O error the port is reopened after {@code reconnectDelay}.
 */
public final class RfidReaderAdapter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RfidReaderAdapter.class.getName());
    public static final String KIND = "rfid.tag";
    /**
     * @param format         the reader's wire format
     * @param baudRate       line speed (RDM6300: 9600)
     * @param debounce       repeated reads of one tag within this window are one event
     * @param clockQuality   time quality of the gateway clock that stamps the reads
     * @param readTimeout    how long one port read waits
     * @param reconnectDelay pause before reopening a failed port
     */
    public record Options(RfidEvent.Format format, int baudRate, Duration debounce, TimeQuality clockQuality,
            Duration readTimeout, Duration reconnectDelay) {
        public static Options rdm6300() {
            return new Options(RfidEvent.Format.EM4100, 9600, Duration.ofSeconds(2), TimeQuality.RTC, Duration.ofMillis(200),
                    Duration.ofSeconds(2));
        }

        public Options withDebounce(Duration d) {
            return new Options(format, baudRate, d, clockQuality, readTimeout, reconnectDelay);
        }
    }

    private final SerialLink.Opener opener;
    private final Options options;
    private final ReadingSink sink;
    private final Consumer<RfidEvent> listener;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final RfidDecoder decoder;
    private final TagDebouncer debouncer;
    private final AtomicLong tags = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong ioErrors = new AtomicLong();
    private volatile boolean running;
    private volatile SerialLink link;

    /**
     * @param sink     where readings go; null to only decode (technician command)
     * @param listener sees every decoded event before debouncing (may be a no-op)
     */
    public RfidReaderAdapter(SerialLink.Opener opener, Options options, ReadingSink sink, Consumer<RfidEvent> listener,
            Clock clock, ScheduledExecutorService executor) {
        this.opener = opener;
        this.options = options;
        this.sink = sink;
        this.listener = listener;
        this.clock = clock;
        this.executor = executor;
        this.decoder = RfidDecoder.of(options.format());
        this.debouncer = new TagDebouncer(options.debounce());
    }

    public void start() {
        running = true;
        executor.execute(this::session);
    }

    private void session() {
        if (!running) {
            return; // closed while a reopen was scheduled, as TicPortReader does
        }
        SerialLink l = null;
        try {
            l = opener.open(SerialSettings.eightNoneOne(options.baudRate()));
            link = l;
            LOG.log(System.Logger.Level.INFO, "RFID reader on {0} open ({1}, {2})", l.name(), options.baudRate(), options.format());
            ByteBuffer buf = ByteBuffer.allocate(256);
            while (running) {
                buf.clear();
                if (l.read(buf, options.readTimeout()) > 0) {
                    buf.flip();
                    for (RfidEvent e : decoder.accept(buf)) {
                        handle(e, "rfid:" + l.name());
                    }
                }
            }
        } catch (IOException e) {
            if (running) {
                ioErrors.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "RFID port I/O error, reopening: {0}", e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
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

    private void handle(RfidEvent e, String source) throws InterruptedException {
        listener.accept(e);
        if (e instanceof RfidEvent.Rejected r) {
            rejected.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "RFID frame rejected on {0}: [{1}] {2}", source, r.raw(), r.reason());
            return;
        }
        RfidEvent.Tag t = (RfidEvent.Tag) e;
        tags.incrementAndGet();
        long now = clock.millis();
        if (!debouncer.accept(t.id(), now) || sink == null) {
            return;
        }
        Reading reading = new Reading(now, options.clockQuality(), source, KIND, t.id(), ReadingValue.of(t.number()), null);
        try {
            sink.submit(reading).whenComplete((c, err) -> {
                if (err != null) {
                    refused.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, "RFID reading refused: {0}", err.getMessage());
                }
            });
            reported.incrementAndGet();
        } catch (IllegalStateException ex) {
            refused.incrementAndGet();
        }
    }

    public long tagsRead() {
        return tags.get();
    }

    public long tagsReported() {
        return reported.get();
    }

    public long framesRejected() {
        return rejected.get();
    }

    /**
     * Connected while the port is open; reconnects are failed opens and reads (each reopened after
     * the reconnect delay); malformed are rejected frames; readings are the debounced tags reported.
     */
    public AdapterHealth health() {
        return new AdapterHealth(link != null, ioErrors.get(), rejected.get(), reported.get());
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
