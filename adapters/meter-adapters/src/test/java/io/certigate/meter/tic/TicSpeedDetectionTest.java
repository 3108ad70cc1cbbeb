package io.certigate.meter.tic;

import static io.certigate.meter.tic.TicFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Speed detection in automatic mode. A pty ignores the baud rate, so this scripted line plays what
 * a real one does: at the wrong speed a UART delivers garbage, at the right one the frames.
 */
@Tag("unit")
class TicSpeedDetectionTest {

    /** A clock that advances 500 ms each time the line is read. */
    static final class SteppingClock extends Clock {
        final AtomicLong ms = new AtomicLong(Instant.parse("2026-11-24T12:00:00Z").toEpochMilli());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(ms.get());
        }
    }

    @Test
    void automaticModeMovesTo1200BaudWhenNothingDecodesAt9600() throws Exception {
        SteppingClock clock = new SteppingClock();
        List<Integer> opened = new CopyOnWriteArrayList<>();
        byte[] frame = raw("historic-base.raw");
        SerialLink.Opener line = settings -> {
            opened.add(settings.baudRate());
            assertThat(settings.dataBits()).isEqualTo(7);
            return new SerialLink() {
                @Override
                public int read(ByteBuffer dst, Duration timeout) {
                    clock.ms.addAndGet(500);
                    byte[] chunk = settings.baudRate() == 1200 ? frame : new byte[] {0x7f, 0x0a, 0x66, 0x0d, 0x02, 0x19};
                    dst.put(chunk);
                    return chunk.length;
                }

                @Override
                public void write(byte[] data) throws IOException {
                    throw new IOException("read-only line");
                }

                @Override
                public String name() {
                    return "scripted";
                }

                @Override
                public void configure(SerialSettings ignored) {}

                @Override
                public void close() {}
            };
        };
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        List<TicFrame> frames = new CopyOnWriteArrayList<>();
        TicPortReader reader = new TicPortReader(line, new TicPortReader.Options(null, Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofMillis(10)), frames::add, clock, executor);
        try {
            reader.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (frames.size() < 3 && System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } finally {
            reader.close();
            executor.shutdownNow();
        }
        assertThat(frames).hasSizeGreaterThanOrEqualTo(3).allSatisfy(f -> assertThat(f.meterId()).contains("031762120154"));
        assertThat(opened).startsWith(9600, 1200);
        assertThat(reader.speed()).isEqualTo(TicMode.HISTORIC);
        assertThat(reader.stats().noiseBytes()).isPositive();
    }
}
