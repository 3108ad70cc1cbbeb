package io.certigate.meter.tic;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.model.TimeQuality;
import io.certigate.meter.rfid.RfidEvent;
import io.certigate.meter.rfid.RfidReaderAdapter;
import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the serial adapters tell an operator about their port: an unplugged device shows as not
 * connected with its reopen attempts counted; a present one as connected. Scripted links, no
 * hardware.
 */
@Tag("unit")
class SerialAdapterHealthTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** A port that is there while {@code plugged}: reads return {@code data} (or nothing), else I/O errors. */
    private static SerialLink.Opener port(AtomicBoolean plugged, byte[] data, AtomicInteger opens) {
        return settings -> {
            if (!plugged.get()) {
                throw new IOException("cannot open serial port /dev/ttyUSB7: no such file");
            }
            opens.incrementAndGet();
            return new SerialLink() {
                @Override
                public int read(ByteBuffer dst, Duration timeout) throws IOException {
                    if (!plugged.get()) {
                        throw new IOException("serial port ttyUSB7 read failed");
                    }
                    try {
                        TimeUnit.MILLISECONDS.sleep(5); // a read with a timeout, as on a real port
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                    int n = Math.min(data.length, dst.remaining());
                    dst.put(data, 0, n);
                    return n;
                }

                @Override
                public void write(byte[] bytes) {}

                @Override
                public String name() {
                    return "ttyUSB7";
                }

                @Override
                public void configure(SerialSettings ignored) {}

                @Override
                public void close() {}
            };
        };
    }

    @Test
    void aTicPortUnpluggedIsDisconnectedAndItsReopensCount() throws Exception {
        AtomicBoolean plugged = new AtomicBoolean(true);
        AtomicInteger opens = new AtomicInteger();
        List<TicFrame> frames = new CopyOnWriteArrayList<>();
        TicPortReader reader = new TicPortReader(port(plugged, TicFixtures.raw("historic-base.raw"), opens),
                new TicPortReader.Options(TicMode.HISTORIC, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(10)),
                frames::add, Clock.systemUTC(), executor);
        reader.start();
        try {
            await(() -> reader.connected() && !frames.isEmpty());
            assertThat(reader.ioErrors()).isZero();
            plugged.set(false);
            await(() -> !reader.connected() && reader.ioErrors() >= 3);
            plugged.set(true);
            await(() -> reader.connected() && opens.get() == 2);
        } finally {
            reader.close();
        }
    }

    @Test
    void anRfidReaderUnpluggedIsDisconnectedAndItsReopensCount() throws Exception {
        AtomicBoolean plugged = new AtomicBoolean(false);
        AtomicInteger opens = new AtomicInteger();
        RfidReaderAdapter.Options o = RfidReaderAdapter.Options.rdm6300();
        RfidReaderAdapter adapter = new RfidReaderAdapter(port(plugged, new byte[0], opens),
                new RfidReaderAdapter.Options(RfidEvent.Format.EM4100, 9600, o.debounce(), TimeQuality.RTC, Duration.ofMillis(50),
                        Duration.ofMillis(10)), null, e -> { }, Clock.systemUTC(), executor);
        adapter.start();
        try {
            await(() -> adapter.health().reconnects() >= 3);
            assertThat(adapter.health()).isEqualTo(new AdapterHealth(false, adapter.health().reconnects(), 0, 0));
            plugged.set(true);
            await(() -> adapter.health().connected());
        } finally {
            adapter.close();
        }
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
