package io.certigate.app.meter;

import io.certigate.app.DurationConverter;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.meter.tic.TicFrame;
import io.certigate.meter.tic.TicFrameAssembler;
import io.certigate.meter.tic.TicGroup;
import io.certigate.meter.tic.TicGroupError;
import io.certigate.meter.tic.TicMode;
import io.certigate.meter.tic.TicPortReader;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate tic read}: opens the TIC port (7E1; 1200 or 9600 baud, or detected), prints every
 * decoded group and every rejected group with its bytes and reason, and exits after N frames.
 * Exit code 0 when N frames arrived, 1 when the timeout passed first or the port cannot be opened
 * (reported at once with its path and the operating system's reason).
 */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Print the decoded groups and checksum errors of a Linky TIC line, then exit after N frames.")
public final class TicReadCommand implements Callable<Integer> {
    /** Accepted values of --mode. */
    enum ModeOption { auto, historic, standard }

    @Option(names = "--port", required = true, paramLabel = "PATH", description = "Serial port or pty, e.g. /dev/ttyUSB0.")
    String port;

    @Option(names = "--mode", defaultValue = "auto", paramLabel = "auto|historic|standard",
            description = "TIC mode: historic (1200 baud), standard (9600 baud) or auto (detect; default).")
    ModeOption mode;

    @Option(names = "--frames", defaultValue = "5", paramLabel = "N", description = "Frames to read before exiting (default 5).")
    int frames;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "Give up after this long without N frames (default 60s).")
    Duration timeout;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (frames < 1) {
            throw new IllegalArgumentException("--frames must be at least 1");
        }
        TicMode fixed = mode == ModeOption.auto ? null : TicMode.valueOf(mode.name().toUpperCase());
        CountDownLatch done = new CountDownLatch(1); // N frames, or a port that does not open
        AtomicInteger n = new AtomicInteger();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "tic-read"));
        FirstOpen opener = new FirstOpen(JSerialCommLink.at(port), done::countDown);
        TicPortReader reader = new TicPortReader(opener, TicPortReader.Options.of(fixed), f -> {
            if (n.get() < frames) {
                print(n.incrementAndGet(), f);
                if (n.get() == frames) {
                    done.countDown();
                }
            }
        }, Clock.systemUTC(), executor);
        try {
            out.println("reading " + port + " (mode " + mode + ", 7E1), " + frames + " frame(s)");
            reader.start();
            boolean all = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && n.get() >= frames;
            if (opener.failure() != null) {
                err.println("tic read: " + opener.failure().getMessage());
                return 1;
            }
            TicFrameAssembler.Stats s = reader.stats();
            out.printf("%d frame(s), %d good group(s), %d rejected group(s), %d interrupted (EOT), %d truncated, %d noise byte(s),"
                    + " speed %d baud%n", s.frames(), s.groups(), s.badGroups(), s.interruptedFrames(), s.truncatedFrames(),
                    s.noiseBytes(), reader.speed().baudRate());
            if (!all) {
                out.println("timeout: " + n.get() + " of " + frames + " frame(s) after " + DurationConverter.format(timeout)
                        + " of waiting for TIC frames on " + port + " (is the meter's TIC output wired to it?)");
                return 1;
            }
            return 0;
        } finally {
            reader.close();
            executor.shutdownNow();
        }
    }

    private void print(int index, TicFrame f) {
        synchronized (out) {
            out.printf("frame %d: %s mode, meter %s, %d group(s), %d rejected%n", index, f.mode().name().toLowerCase(),
                    f.meterId().orElse("?"), f.groups().size(), f.errors().size());
            for (TicGroup g : f.groups()) {
                out.printf("  %-9s %s%s%s%n", g.label(), g.horodate() == null ? "" : g.horodate().format() + "  ", g.data(),
                        g.known() != null && g.known().unit() != null ? " " + g.known().unit() : "");
            }
            for (TicGroupError e : f.errors()) {
                out.printf("  ! %s [%s] %s%n", e.reason(), e.raw(), e.detail());
            }
        }
    }
}
