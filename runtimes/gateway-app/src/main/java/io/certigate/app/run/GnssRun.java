package io.certigate.app.run;

import io.certigate.app.metrics.AdapterMetrics;
import io.certigate.app.metrics.GnssMetrics;
import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.gnss.GnssConfig;
import io.certigate.gnss.GnssService;
import io.certigate.gnss.GpsdSource;
import io.certigate.gnss.SerialGnssSource;
import io.certigate.serial.jsc.JSerialCommLink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

/**
 * The GNSS receiver of {@code certigate run} ({@code gnss.*} keys): its source (a serial receiver
 * or gpsd) on a thread of its own, the {@link GnssService}, and the service's stamp as the
 * sequencer's reading step. Started before the other sources, so that their readings get GNSS
 * time from the first fix on.
 */
final class GnssRun {
    private GnssRun() {}

    /** A started receiver: its service (the fix other sources read, such as the road-event detector) and its stop. */
    record Running(GnssService service, AutoCloseable stop) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            stop.close();
        }
    }

    /** @throws IOException when the configured serial device does not exist */
    static Running start(GnssConfig cfg, Sequencer sequencer, String deviceId, Metrics metrics, PrintStream out)
            throws IOException {
        if (cfg.port() != null && !Files.exists(Path.of(cfg.port()))) {
            throw new IOException("gnss.port " + cfg.port() + ": no such device");
        }
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gnss"));
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gnss-check"));
        GnssService service = new GnssService(Clock.systemUTC(), System::nanoTime, checks,
                cfg.serviceOptions(deviceId), sequencer).start();
        AutoCloseable source;
        java.util.function.Supplier<AdapterHealth> health;
        if (cfg.port() != null) {
            SerialGnssSource s = new SerialGnssSource(JSerialCommLink.at(cfg.port()), SerialGnssSource.Options.of(cfg.baud()),
                    Clock.systemUTC(), System::nanoTime, service::update, thread).start();
            source = s;
            health = () -> new AdapterHealth(s.connected(), s.ioErrors(), s.stats().counts().bad(), service.alertsRaised());
            out.println("certigate run: GNSS receiver on " + cfg.port() + " (" + (cfg.baud() == 0 ? "baud detected" : cfg.baud()
                    + " baud") + ")");
        } else {
            GpsdSource s = new GpsdSource(cfg.gpsd(), GpsdSource.Options.DEFAULT, Clock.systemUTC(), System::nanoTime,
                    service::update, thread).start();
            source = s;
            health = () -> new AdapterHealth(s.connected(), s.ioErrors(), s.badLines(), service.alertsRaised());
            out.println("certigate run: GNSS from gpsd at " + cfg.gpsd());
        }
        sequencer.stampWith(service.stamp());
        AdapterMetrics.register(metrics, GnssService.SOURCE, health);
        GnssMetrics.register(metrics, service);
        out.println("certigate run: GNSS time for readings while the fix is valid and under " + cfg.maxFixAge().toMillis()
                + " ms old; position on " + (cfg.positionKinds().isEmpty() ? "no reading" : String.join(", ",
                new java.util.TreeSet<>(cfg.positionKinds()))));
        return new Running(service, () -> {
            sequencer.stampWith(UnaryOperator.identity());
            source.close();
            service.close();
            thread.shutdownNow();
            checks.shutdownNow();
        });
    }
}
