package io.certigate.gnss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import io.certigate.testbed.time.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Baud-rate detection against a scripted receiver: at the rate it really sends at, the bytes are
 * its sentences; at any other rate a UART sees framing garbage. Reads take virtual time.
 */
@Tag("unit")
class SerialGnssSourceTest {

    /** A receiver sending one epoch per read at {@code rate}; each read advances the clock by the timeout. */
    static final class ScriptedReceiver implements SerialLink {
        final int rate;
        final ManualClock clock;
        final List<Integer> configured = new ArrayList<>();
        int current;
        int epoch;

        ScriptedReceiver(int rate, ManualClock clock) {
            this.rate = rate;
            this.clock = clock;
        }

        @Override
        public String name() {
            return "ttyScripted";
        }

        @Override
        public int read(ByteBuffer dst, Duration timeout) {
            clock.advance(timeout);
            byte[] bytes;
            if (current == rate) {
                bytes = NmeaParserTest.sentence(String.format("GPGGA,1200%02d.00,4851.39120,N,00221.04870,E,1,05,1.2,0,M,0,M,,",
                        epoch++ % 60)).getBytes(StandardCharsets.US_ASCII);
            } else {
                bytes = new byte[] {(byte) 0xF8, 0x00, (byte) 0x80, 0x78, (byte) 0xE0, 0x1C, 0x06};
            }
            int n = Math.min(bytes.length, dst.remaining());
            dst.put(bytes, 0, n);
            return n;
        }

        @Override
        public void write(byte[] data) {
        }

        @Override
        public void configure(SerialSettings settings) {
            current = settings.baudRate();
            configured.add(current);
        }

        @Override
        public void close() {
        }
    }

    private static SerialGnssSource source(ScriptedReceiver r, ManualClock clock, int baud) {
        return new SerialGnssSource(settings -> {
            r.configure(settings);
            return r;
        }, SerialGnssSource.Options.of(baud), clock, clock::nanoTime, f -> { }, null);
    }

    @Test
    void theRateWithChecksummedSentencesIsKept() throws IOException {
        ManualClock clock = new ManualClock();
        ScriptedReceiver r = new ScriptedReceiver(38400, clock);
        SerialGnssSource s = source(r, clock, 0);
        s.open();
        assertThat(s.baud()).isEqualTo(38400);
        assertThat(r.configured).containsExactly(4800, 9600, 38400);
        assertThat(s.stats().counts().garbage()).isPositive();
        assertThat(s.stats().counts().sentences()).isEqualTo(2);
    }

    @Test
    void aReceiverAtNoKnownRateFailsNamingThePortAndRates() {
        ManualClock clock = new ManualClock();
        ScriptedReceiver r = new ScriptedReceiver(115200, clock);
        assertThatThrownBy(() -> source(r, clock, 0).open()).isInstanceOf(IOException.class)
                .hasMessageContaining("ttyScripted").hasMessageContaining("4800, 9600, 38400 baud");
        assertThatThrownBy(() -> source(new ScriptedReceiver(9600, clock), clock, 4800).open())
                .hasMessageContaining("at 4800 baud");
    }
}
