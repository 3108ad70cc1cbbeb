package io.certigate.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class SerialSettingsTest {

    @Test
    void theTicAndRfidLinesReadAsTechniciansWriteThem() {
        assertThat(SerialSettings.sevenEvenOne(1200)).hasToString("1200 7E1");
        assertThat(SerialSettings.eightNoneOne(9600)).hasToString("9600 8N1");
        assertThat(new SerialSettings(19200, 8, SerialSettings.Parity.ODD, 2)).hasToString("19200 8O2");
    }

    @Test
    void anotherSpeedKeepsTheFraming() {
        assertThat(SerialSettings.sevenEvenOne(1200).withBaudRate(9600)).isEqualTo(SerialSettings.sevenEvenOne(9600));
    }

    @ParameterizedTest
    @CsvSource({ "0, 8, 1", "9600, 6, 1", "9600, 9, 1", "9600, 8, 0", "9600, 8, 3" })
    void unsupportedFramingIsRefusedWithTheValues(int baud, int dataBits, int stopBits) {
        assertThatThrownBy(() -> new SerialSettings(baud, dataBits, SerialSettings.Parity.NONE, stopBits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baud " + baud).hasMessageContaining("data bits " + dataBits)
                .hasMessageContaining("stop bits " + stopBits);
    }
}
