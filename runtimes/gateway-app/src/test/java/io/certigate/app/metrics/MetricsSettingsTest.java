package io.certigate.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue #20, wide binds accepted silently: a {@code metrics.address} that is not loopback is logged
 * as a clear warning (captured here through a JUL handler on the logger {@code certigate run} uses);
 * a loopback one logs nothing.
 */
@Tag("unit")
class MetricsSettingsTest {
    private static List<LogRecord> warningsFor(String address) {
        Logger logger = Logger.getLogger(MetricsSettings.class.getName());
        List<LogRecord> seen = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    seen.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(h);
        try {
            MetricsSettings.warnOnWideBind(address);
        } finally {
            logger.removeHandler(h);
        }
        return seen;
    }

    @Test
    void aNonLoopbackMetricsBindIsLoggedOnceAsAWarning() {
        for (String wide : new String[] {"0.0.0.0", "::", "192.168.1.20", "gateway.lan"}) {
            List<LogRecord> w = warningsFor(wide);
            assertThat(w).as(wide).hasSize(1);
            assertThat(w.get(0).getMessage()).as(wide).startsWith("metrics.address = " + wide + " serves /metrics without"
                    + " authentication").contains("keep 127.0.0.1");
        }
    }

    @Test
    void aLoopbackMetricsBindLogsNothing() {
        for (String loopback : new String[] {"127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"}) {
            assertThat(warningsFor(loopback)).as(loopback).isEmpty();
            assertThat(MetricsSettings.bindWarning(loopback)).as(loopback).isEmpty();
        }
    }
}
