package io.certigate.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.collector.CollectorReport;
import io.certigate.uplink.testing.TestDevice;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo path: embedded Moquette broker, uplinks of two devices, collector; nothing installed. */
@Tag("component")
class DemoUplinkTest {
    @TempDir
    Path dir;

    @Test
    void embeddedBrokerCarriesTwoDevicesToTheCollector() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (TestDevice car = TestDevice.create(dir, "car-1");
                TestDevice meter = TestDevice.create(dir, "meter-1");
                DemoUplink up = DemoUplink.start(null, dir, Clock.systemUTC(), scheduler)) {
            assertThat(up.embedded()).isTrue();
            assertThat(up.brokerUrl()).startsWith("tcp://127.0.0.1:");
            up.attach(car.buffer(), car.sequencer(), car.key());
            up.attach(meter.buffer(), meter.sequencer(), meter.key());
            car.produce(300);
            meter.produce(120);
            assertThat(up.awaitDrained(Duration.ofSeconds(30))).isTrue();
            CollectorReport r = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && (r = up.report()).unique() < 420) {
                Thread.sleep(50);
            }
            assertThat(r.unique()).isEqualTo(420);
            assertThat(r.missing()).isZero();
            assertThat(r.badSignature()).isZero();
            assertThat(r.devices()).isEqualTo(2);
            List<String> summary = up.summary();
            assertThat(summary).hasSize(3);
            assertThat(summary.get(2)).startsWith("received=");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
