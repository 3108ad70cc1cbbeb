package io.certigate.meter.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import io.certigate.meter.testing.TestChain;
import io.certigate.simulators.rfid.Rdm6300Simulator;
import io.certigate.testbed.time.ManualClock;
import io.certigate.testbed.time.ManualScheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFID reader's timing on a clock and a scheduler the test moves: a held tag stays one event
 * however many frames arrive until its window has passed on the clock (not after a sleep), and an
 * unplugged port is reopened exactly every reconnect delay. Scripted links, a real chain.
 */
@Tag("component")
class RfidReaderVirtualTimeTest {
    private static final long TAG = 0x0F00A1B2C3L;
    private static final Duration WINDOW = Duration.ofMillis(400);

    @TempDir
    Path dir;

    /** A port whose reads return the frames the test queues (nothing within the read timeout otherwise). */
    private static final class ScriptedPort implements SerialLink.Opener {
        final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

        @Override
        public SerialLink open(SerialSettings settings) {
            return new SerialLink() {
                @Override
                public int read(ByteBuffer dst, Duration timeout) throws IOException {
                    try {
                        byte[] f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        if (f == null) {
                            return 0;
                        }
                        dst.put(f);
                        return f.length;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }

                @Override
                public void write(byte[] bytes) {}

                @Override
                public String name() {
                    return "ttyRFID";
                }

                @Override
                public void configure(SerialSettings ignored) {}

                @Override
                public void close() {}
            };
        }

        void present(long tag, int frames) {
            for (int i = 0; i < frames; i++) {
                this.frames.add(Rdm6300Simulator.frame(tag));
            }
        }
    }

    @Test
    void aHeldTagIsOneEventUntilItsWindowHasPassedOnTheClock() throws Exception {
        ManualClock clock = new ManualClock();
        ScriptedPort port = new ScriptedPort();
        // the blocking read loop needs a real thread; the clock alone decides the debounce
        ScheduledExecutorService portThread = Executors.newSingleThreadScheduledExecutor();
        try (TestChain chain = new TestChain(dir, "gw-rfid-vt")) {
            RfidReaderAdapter adapter = new RfidReaderAdapter(port,
                    RfidReaderAdapter.Options.rdm6300().withDebounce(WINDOW), chain.sequencer, e -> { }, clock,
                    portThread);
            adapter.start();
            port.present(TAG, 8);
            waitUntil(() -> adapter.tagsRead() == 8);
            assertThat(adapter.tagsReported()).isEqualTo(1);

            clock.advance(WINDOW.minusMillis(1)); // every read restarts the window: still held
            port.present(TAG, 20);
            waitUntil(() -> adapter.tagsRead() == 28);
            assertThat(adapter.tagsReported()).as("a held tag: more reads, no more readings").isEqualTo(1);

            clock.advance(WINDOW); // away for a whole window, then presented again
            port.present(TAG, 3);
            waitUntil(() -> adapter.tagsRead() == 31);
            assertThat(adapter.tagsReported()).isEqualTo(2);
            adapter.close();
            waitUntil(() -> chain.sequencer.committedCount() == 2);
            assertThat(chain.readings()).extracting(Reading::observedAtMillis)
                    .containsExactly(ManualClock.DEFAULT_START.toEpochMilli(),
                            ManualClock.DEFAULT_START.plus(WINDOW.minusMillis(1)).plus(WINDOW).toEpochMilli());
        } finally {
            portThread.shutdownNow();
        }
    }

    @Test
    void anUnpluggedPortIsReopenedExactlyEveryReconnectDelay() {
        ManualScheduler scheduler = new ManualScheduler();
        AtomicInteger opens = new AtomicInteger();
        SerialLink.Opener unplugged = settings -> {
            opens.incrementAndGet();
            throw new IOException("cannot open serial port /dev/ttyUSB3: no such file");
        };
        RfidReaderAdapter.Options options = RfidReaderAdapter.Options.rdm6300(); // reconnect delay 2 s
        RfidReaderAdapter adapter = new RfidReaderAdapter(unplugged, options, null, e -> { }, scheduler.clock(),
                scheduler);
        adapter.start();
        scheduler.runDue();
        assertThat(opens).hasValue(1);
        scheduler.advance(options.reconnectDelay().minusMillis(1));
        assertThat(opens).as("no reopen before the delay").hasValue(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(opens).hasValue(2);
        scheduler.advance(options.reconnectDelay().multipliedBy(10));
        assertThat(opens).hasValue(12);
        assertThat(adapter.health().connected()).isFalse();
        assertThat(adapter.health().reconnects()).isEqualTo(12);
        adapter.close();
        scheduler.advance(options.reconnectDelay().multipliedBy(10));
        assertThat(opens).as("closed: no more attempts").hasValue(12);
        assertThat(scheduler.pending()).isZero();
    }

    private static void waitUntil(BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in time");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
