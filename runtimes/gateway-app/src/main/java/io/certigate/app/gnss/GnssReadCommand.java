package io.certigate.app.gnss;

import io.certigate.app.DurationConverter;
import io.certigate.gnss.GnssFix;
import io.certigate.gnss.GpsdAddress;
import io.certigate.gnss.GpsdSource;
import io.certigate.gnss.SerialGnssSource;
import io.certigate.serial.jsc.JSerialCommLink;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate gnss read}: opens a receiver's serial port (baud fixed or detected) or connects
 * to gpsd, prints one line per epoch (GNSS time, fix, position, HDOP, satellites, speed, offset of
 * this machine's clock) and the counts of bad input, and exits after N epochs or S seconds. A
 * missing port or a gpsd that refuses fails at once (exit 1) with the port or address and the reason.
 */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Print the fixes of a GNSS receiver or of gpsd, then the counts of bad sentences.")
public final class GnssReadCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--port", paramLabel = "PATH", description = "Serial port of an NMEA receiver, e.g. /dev/ttyACM0.")
        String port;

        @Option(names = "--gpsd", paramLabel = "HOST:PORT", description = "A running gpsd (port 2947 if omitted).")
        String gpsd;
    }

    static final class Stop {
        @Option(names = "--count", paramLabel = "N", description = "Epochs to print before exiting (default 10).")
        Integer count;

        @Option(names = "--seconds", paramLabel = "S", description = "Read for this many seconds, then exit.")
        Integer seconds;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Stop stop;

    @Option(names = "--baud", defaultValue = "auto", paramLabel = "auto|4800|9600|38400",
            description = "Serial speed, or auto to try 4800, 9600 and 38400 (default auto).")
    String baud;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "With --count: give up after this long (default 60s).")
    Duration timeout;

    PrintStream out = System.out;
    PrintStream err = System.err;

    private GnssFix pending;
    private int printed;

    @Override
    public Integer call() throws Exception {
        int count = stop == null || stop.count == null ? (stop != null && stop.seconds != null ? Integer.MAX_VALUE : 10) : stop.count;
        if (count < 1 || (stop != null && stop.seconds != null && stop.seconds < 1)) {
            throw new IllegalArgumentException("--count and --seconds must be at least 1");
        }
        long deadline = System.nanoTime() + (stop != null && stop.seconds != null ? Duration.ofSeconds(stop.seconds)
                : timeout).toNanos();
        BooleanSupplier more = () -> printed < count && System.nanoTime() < deadline;
        try {
            if (source.port != null) {
                return readSerial(more, count);
            }
            return readGpsd(more, count);
        } catch (IOException e) {
            err.println("gnss read: " + e.getMessage());
            return 1;
        }
    }

    private int readSerial(BooleanSupplier more, int count) throws IOException {
        int rate = switch (baud) {
            case "auto" -> 0;
            case "4800", "9600", "38400" -> Integer.parseInt(baud);
            default -> throw new IllegalArgumentException("--baud must be auto, 4800, 9600 or 38400, got '" + baud + "'");
        };
        try (SerialGnssSource s = new SerialGnssSource(JSerialCommLink.at(source.port), SerialGnssSource.Options.of(rate),
                Clock.systemUTC(), System::nanoTime, this::onFix, null)) {
            out.println("reading " + source.port + (rate == 0 ? " (detecting the baud rate among 4800, 9600, 38400)"
                    : " at " + rate + " baud"));
            s.open();
            out.println("NMEA sentences at " + s.baud() + " baud");
            s.pump(more);
            flush(count);
            out.println(s.stats().counts());
        }
        return printed > 0 ? 0 : timedOut();
    }

    private int readGpsd(BooleanSupplier more, int count) throws IOException {
        if (!"auto".equals(baud)) {
            throw new IllegalArgumentException("--baud applies to --port only");
        }
        GpsdAddress address = GpsdAddress.parse(source.gpsd, "--gpsd");
        try (GpsdSource s = new GpsdSource(address, GpsdSource.Options.DEFAULT, Clock.systemUTC(), System::nanoTime,
                this::onFix, null)) {
            out.println("reading gpsd at " + address);
            s.open();
            s.pump(more);
            flush(count);
            out.println((s.version() == null ? "" : "gpsd " + s.version().release() + ", protocol " + s.version().protoMajor()
                    + "." + s.version().protoMinor() + "; ") + s.reports() + " reports, " + s.badLines() + " bad lines");
        }
        return printed > 0 ? 0 : timedOut();
    }

    private int timedOut() {
        out.println("timeout: no epoch with a time received");
        return 1;
    }

    /** Prints an epoch once the next one starts (its sentences are then all in). */
    private void onFix(GnssFix f) {
        if (pending != null && !Objects.equals(pending.utc(), f.utc())) {
            print(pending);
        }
        pending = f;
    }

    private void flush(int count) {
        if (pending != null && printed < count) {
            print(pending);
        }
        pending = null;
    }

    private void print(GnssFix f) {
        if (f.utc() == null && !f.valid()) {
            return; // the receiver's start-up chatter, before it knows the time
        }
        printed++;
        String offset = f.clockOffsetMillis().map(ms -> String.format("%+.3f s", ms / 1000.0)).orElse("?");
        out.printf("%s  %s  %s  hdop %s  sats %s/%s  %s  clock offset %s%n", f.utc() == null ? "(no time)" : f.utc(),
                f.valid() ? "fix   " : "no fix", f.hasPosition() ? f.latitude().toPlainString() + "," + f.longitude().toPlainString()
                        : "-", f.hdop() == null ? "-" : f.hdop().toPlainString(),
                f.satellitesUsed() < 0 ? "?" : f.satellitesUsed(), f.satellitesInView() < 0 ? "?" : f.satellitesInView(),
                f.speedKmh() == null ? "- km/h" : f.speedKmh().toPlainString() + " km/h", offset);
    }
}
