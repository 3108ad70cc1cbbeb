package io.certigate.meter.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.meter.tic.TicFrame;
import io.certigate.meter.tic.TicMode;
import io.certigate.meter.tic.TicPortReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jSerialComm on a device node that is not there (an unplugged USB adapter). */
@Tag("component")
class JSerialCommLinkTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDeviceNodeIsAnIoErrorNamingThePath() {
        String path = dir.resolve("ttyUSB0").toString();
        assertThatThrownBy(() -> JSerialCommLink.open(path, SerialSettings.sevenEvenOne(1200, Duration.ofMillis(100))))
                .isInstanceOf(IOException.class).hasMessageContaining(path).hasMessageContaining("no such file or directory");
    }

    @Test
    void aTicReaderOnAMissingPortKeepsRetrying() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        TicPortReader reader = new TicPortReader(JSerialCommLink.at(dir.resolve("ttyUSB0").toString()),
                new TicPortReader.Options(TicMode.HISTORIC, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(10)),
                (TicFrame f) -> { }, Clock.systemUTC(), executor);
        try {
            reader.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reader.ioErrors() < 3 && System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(reader.ioErrors()).as("reopen attempts").isGreaterThanOrEqualTo(3);
            assertThat(reader.connected()).isFalse();
        } finally {
            reader.close();
            executor.shutdownNow();
        }
    }
}
