package io.certigate.meter.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.meter.testing.TestChain;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.simulators.rfid.Rdm6300Simulator;
import io.certigate.testbed.pty.PtyPair;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulated RDM6300 on a socat pty; the adapter reads it through jSerialComm into a real chain. */
@Tag("component")
@Tag("realtime")
class RfidPtyComponentTest {
    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void heldTagsAreDebouncedAndBadFramesDropped() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty")); TestChain chain = new TestChain(dir, "gw-rfid-1");
                Rdm6300Simulator sim = Rdm6300Simulator.onPty(pty.deviceSide(), 0, 1)) {
            List<RfidEvent> events = new CopyOnWriteArrayList<>();
            RfidReaderAdapter adapter = new RfidReaderAdapter(JSerialCommLink.at(pty.gatewaySide().toString()),
                    RfidReaderAdapter.Options.rdm6300().withDebounce(Duration.ofMillis(400)), chain.sequencer, events::add,
                    Clock.systemUTC(), scheduler);
            adapter.start();
            TimeUnit.MILLISECONDS.sleep(300); // let the reader open the port before the first tag
            sim.present(0x0F00A1B2C3L, 8);    // one presentation, 8 repeated frames
            sim.present(0x1A0045F3E2L, 5);
            waitUntil(() -> events.size() >= 13);
            TimeUnit.MILLISECONDS.sleep(600);   // beyond the debounce window
            sim.present(0x0F00A1B2C3L, 3);      // presented again
            try (var out = java.nio.file.Files.newOutputStream(pty.deviceSide(), java.nio.file.StandardOpenOption.WRITE)) {
                byte[] bad = Rdm6300Simulator.frame(0x1A0045F3E2L);
                bad[11] = 'F';
                out.write(bad);
            }
            waitUntil(() -> events.size() >= 17);
            waitUntil(() -> chain.sequencer.committedCount() >= 3);
            assertThat(adapter.health()).isEqualTo(new io.certigate.core.metrics.AdapterHealth(true, 0, 1, 3));
            adapter.close();

            assertThat(adapter.tagsRead()).isEqualTo(16);
            assertThat(adapter.framesRejected()).isEqualTo(1);
            List<Reading> stored = chain.readings();
            assertThat(stored).extracting(Reading::subject).containsExactly("0F00A1B2C3", "1A0045F3E2", "0F00A1B2C3");
            assertThat(stored).allSatisfy(r -> {
                assertThat(r.kind()).isEqualTo("rfid.tag");
                assertThat(r.source()).isEqualTo("rfid:ttyGW");
            });
            assertThat(stored.get(0).value()).isEqualTo(ReadingValue.of(0x00A1B2C3L));
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in time");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
