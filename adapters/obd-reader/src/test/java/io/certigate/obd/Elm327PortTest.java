package io.certigate.obd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Baud-rate probing against a scripted adapter line that answers ATI at one rate only. */
@Tag("unit")
class Elm327PortTest {

    /** An adapter strapped to {@code answersAt}: at any other rate its replies are lost. */
    private static final class ScriptedLine implements SerialLink {
        final int answersAt;
        final List<SerialSettings> opened = new ArrayList<>();
        final List<Integer> rates = new ArrayList<>();
        int rate;
        boolean closed;
        ByteBuffer pending = ByteBuffer.allocate(0);

        ScriptedLine(int answersAt) {
            this.answersAt = answersAt;
        }

        SerialLink.Opener opener() {
            return settings -> {
                opened.add(settings);
                rate = settings.baudRate();
                return this;
            };
        }

        @Override
        public String name() {
            return "ttyScripted";
        }

        @Override
        public int read(ByteBuffer dst, Duration timeout) {
            int n = Math.min(pending.remaining(), dst.remaining());
            for (int i = 0; i < n; i++) {
                dst.put(pending.get());
            }
            return n;
        }

        @Override
        public void write(byte[] data) {
            String text = new String(data, StandardCharsets.US_ASCII);
            if (rate == answersAt && text.contains("ATI")) {
                pending = ByteBuffer.wrap("ELM327 v1.5\r\r>".getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void configure(SerialSettings settings) {
            assertThat(settings.dataBits()).isEqualTo(8);
            assertThat(settings.parity()).isEqualTo(SerialSettings.Parity.NONE);
            rate = settings.baudRate();
            rates.add(rate);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void probingWalksTheRatesInOrderUntilThePrompt() throws IOException {
        ScriptedLine line = new ScriptedLine(115200);
        Elm327Port port = new Elm327Port("/dev/ttyUSB0", line.opener(), Elm327Port.PROBE_RATES, Duration.ofMillis(30));
        SerialLink link = port.open();
        assertThat(link).isSameAs(line);
        assertThat(line.opened).containsExactly(SerialSettings.eightNoneOne(38400));
        assertThat(line.rates).containsExactly(38400, 9600, 115200);
        assertThat(port.baudRate()).isEqualTo(115200);
        assertThat(line.closed).isFalse();
    }

    @Test
    void aConfiguredRateIsUsedWithoutProbing() throws IOException {
        ScriptedLine line = new ScriptedLine(9600);
        Elm327Port port = new Elm327Port("/dev/ttyUSB0", line.opener(), List.of(9600), Duration.ofMillis(30));
        port.open();
        assertThat(line.opened).containsExactly(SerialSettings.eightNoneOne(9600));
        assertThat(line.rates).isEmpty();
        assertThat(port.baudRate()).isEqualTo(9600);
    }

    @Test
    void noPromptAtAnyRateClosesThePortAndNamesTheRates() {
        ScriptedLine line = new ScriptedLine(1200);
        Elm327Port port = new Elm327Port("/dev/rfcomm0", line.opener(), List.of(38400, 9600), Duration.ofMillis(20));
        assertThatThrownBy(port::open).isInstanceOf(IOException.class)
                .hasMessage("/dev/rfcomm0: no ELM327 prompt at any of [38400, 9600] baud (waited 20 ms at each)");
        assertThat(line.closed).isTrue();
    }

    @Test
    void aWifiAdapterIsNotProbedAndABadAddressIsRefused() {
        assertThat(Elm327Port.forPort("tcp://192.168.0.10:35000", 0, Duration.ofSeconds(1)).name())
                .isEqualTo("tcp://192.168.0.10:35000");
        assertThatThrownBy(() -> Elm327Port.forPort("tcp://:35000", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tcp://:35000");
    }
}
