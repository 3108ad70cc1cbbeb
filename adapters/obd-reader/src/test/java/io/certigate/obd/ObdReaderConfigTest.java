package io.certigate.obd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ObdReaderConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAndOverrides() {
        ObdReaderConfig c = ObdReaderConfig.parse(props("obd.port", "/dev/ttyUSB0"), "gw.properties");
        assertThat(c.baud()).isZero();
        assertThat(c.session().headers()).isTrue();
        assertThat(c.schedule()).isEqualTo(PollSchedule.defaults());
        ObdReaderConfig o = ObdReaderConfig.parse(props("obd.port", "tcp://192.168.0.10:35000", "obd.baud", "38400",
                "obd.poll.0D", "250", "obd.poll.fuel-level", "0", "obd.identity-every-ms", "60000", "obd.headers", "false"), "x");
        assertThat(o.schedule().pids()).containsEntry(ObdPid.SPEED, Duration.ofMillis(250)).doesNotContainKey(ObdPid.FUEL_LEVEL);
        assertThat(o.schedule().identityEvery()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.session().headers()).isFalse();
        assertThat(ObdReaderConfig.present(props("device.id", "x"))).isFalse();
    }

    @Test
    void errorsNameTheKeyAndValue() {
        assertThatThrownBy(() -> ObdReaderConfig.parse(props("obd.baud", "38400"), "gw.properties"))
                .hasMessageContaining("gw.properties").hasMessageContaining("obd.port is required");
        assertThatThrownBy(() -> ObdReaderConfig.parse(props("obd.port", "p", "obd.baud", "12345"), "f"))
                .hasMessageContaining("obd.baud = 12345");
        assertThatThrownBy(() -> ObdReaderConfig.parse(props("obd.port", "p", "obd.timeout-ms", "soon"), "f"))
                .hasMessageContaining("obd.timeout-ms = 'soon'");
        assertThatThrownBy(() -> ObdReaderConfig.parse(props("obd.port", "p", "obd.prot", "6"), "f"))
                .hasMessageContaining("unknown key obd.prot");
        assertThatThrownBy(() -> ObdReaderConfig.parse(props("obd.port", "p", "obd.poll.ZZ", "100"), "f"))
                .hasMessageContaining("obd.poll.ZZ");
        assertThatThrownBy(() -> ObdReaderConfig.parse(props("obd.port", "p", "obd.poll.A6", "100"), "f"))
                .hasMessageContaining("identity-every");
        assertThatThrownBy(() -> ObdReaderConfig.parse(props("obd.port", "p", "obd.headers", "yes"), "f"))
                .hasMessageContaining("obd.headers = 'yes'");
    }
}
