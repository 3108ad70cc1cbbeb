package io.certigate.meter;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.meter.rfid.RfidReaderAdapter;
import io.certigate.meter.tic.TicFrame;
import io.certigate.meter.tic.TicMode;
import io.certigate.meter.tic.TicPortReader;
import io.certigate.serial.jsc.JSerialCommLink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TIC and RFID readers on jSerialComm with a device node that is not there (an unplugged USB
 * adapter): each failed open is an I/O error and the reader tries again, it does not die.
 */
@Tag("component")
class MissingPortComponentTest {
    @TempDir
    Path dir;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aTicReaderOnAMissingPortKeepsRetrying() throws Exception {
        TicPortReader reader = new TicPortReader(JSerialCommLink.at(dir.resolve("ttyUSB0").toString()),
                new TicPortReader.Options(TicMode.HISTORIC, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(10)),
                (TicFrame f) -> { }, Clock.systemUTC(), executor);
        try {
            reader.start();
            awaitAtLeast(3, reader::ioErrors);
            assertThat(reader.connected()).isFalse();
        } finally {
            reader.close();
        }
    }

    @Test
    void anRfidReaderOnAMissingPortKeepsRetrying() throws Exception {
        RfidReaderAdapter.Options o = RfidReaderAdapter.Options.rdm6300();
        RfidReaderAdapter adapter = new RfidReaderAdapter(JSerialCommLink.at(dir.resolve("ttyACM0").toString()),
                new RfidReaderAdapter.Options(o.format(), o.baudRate(), o.debounce(), o.clockQuality(), Duration.ofMillis(50),
                        Duration.ofMillis(10)), null, e -> { }, Clock.systemUTC(), executor);
        try {
            adapter.start();
            awaitAtLeast(3, () -> adapter.health().reconnects());
            assertThat(adapter.health().connected()).isFalse();
        } finally {
            adapter.close();
        }
    }

    private static void awaitAtLeast(long n, LongSupplier count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsLong() < n && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(count.getAsLong()).as("reopen attempts").isGreaterThanOrEqualTo(n);
    }
}
