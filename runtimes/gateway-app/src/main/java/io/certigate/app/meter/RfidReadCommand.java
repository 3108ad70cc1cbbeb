package io.certigate.app.meter;

import io.certigate.app.DurationConverter;
import io.certigate.meter.rfid.RfidEvent;
import io.certigate.meter.rfid.RfidReaderAdapter;
import io.certigate.serial.jsc.JSerialCommLink;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate rfid read}: prints every tag read (and every rejected frame) from an RFID reader
 * until {@code --count} tags were read, {@code --timeout} passed (60 s unless given), or the command
 * is interrupted. A port that cannot be opened is reported at once with its path and the operating
 * system's reason, exit code 1; so is a timeout before {@code --count} tags.
 */
@Command(name = "read", mixinStandardHelpOptions = true, description = "Print the tags an RFID reader reports.")
public final class RfidReadCommand implements Callable<Integer> {
    /** Accepted values of --format. */
    enum FormatOption { em4100, wiegand26 }

    @Option(names = "--port", required = true, paramLabel = "PATH", description = "Serial port or pty, e.g. /dev/ttyUSB0.")
    String port;

    @Option(names = "--format", defaultValue = "em4100",
            description = "em4100 (RDM6300 frames, default) or wiegand26 (lines of 26 bits from a bridge board).")
    FormatOption format;

    @Option(names = "--baud", defaultValue = "9600", description = "Line speed, 8N1 (default 9600).")
    int baud;

    @Option(names = "--count", defaultValue = "0", description = "Exit after this many tag reads (default 0: no limit).")
    int count;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "Exit after this long (default 60s).")
    Duration timeout;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        CountDownLatch enough = new CountDownLatch(count > 0 ? count : 1);
        FirstOpen opener = new FirstOpen(JSerialCommLink.at(port), () -> {
            while (enough.getCount() > 0) {
                enough.countDown();
            }
        });
        AtomicInteger tags = new AtomicInteger();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rfid-read"));
        RfidReaderAdapter.Options o = RfidReaderAdapter.Options.rdm6300();
        o = new RfidReaderAdapter.Options(format == FormatOption.em4100 ? RfidEvent.Format.EM4100 : RfidEvent.Format.WIEGAND26, baud,
                Duration.ZERO, o.clockQuality(), o.readTimeout(), o.reconnectDelay());
        RfidReaderAdapter reader = new RfidReaderAdapter(opener, o, null, e -> {
            synchronized (out) {
                if (e instanceof RfidEvent.Tag t) {
                    out.printf("%s  tag %s  card %d  (%s)%n", Instant.now(), t.id(), t.number(), t.format().name().toLowerCase());
                    tags.incrementAndGet();
                    if (count > 0) {
                        enough.countDown();
                    }
                } else if (e instanceof RfidEvent.Rejected r) {
                    out.printf("%s  ! rejected [%s] %s%n", Instant.now(), r.raw(), r.reason());
                }
            }
        }, Clock.systemUTC(), executor);
        try {
            out.println("reading " + port + " (" + format + ", " + baud + " 8N1)" + (count > 0 ? ", " + count + " tag(s)" : "")
                    + "; Ctrl-C to stop");
            reader.start();
            enough.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (opener.failure() != null) {
                err.println("rfid read: " + opener.failure().getMessage());
                return 1;
            }
            out.printf("%d tag read(s), %d rejected frame(s)%n", tags.get(), reader.framesRejected());
            if (count > 0 && tags.get() < count) {
                out.println("timeout: " + tags.get() + " of " + count + " tag read(s) after " + DurationConverter.format(timeout)
                        + " of waiting for tags on " + port);
                return 1;
            }
            if (count == 0) {
                out.println("stopped after " + DurationConverter.format(timeout) + " of waiting for tags on " + port);
            }
            return 0;
        } finally {
            reader.close();
            executor.shutdownNow();
        }
    }
}
