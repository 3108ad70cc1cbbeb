package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class UplinkConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void readsMqttAndCoapWithDefaults() {
        UplinkConfig c = UplinkConfig.parse(props("uplink.mqtt.url", "tcp://broker:1883", "uplink.mqtt.window", "8",
                "uplink.coap.url", "coaps://collector:5684", "uplink.coap.psk-secret-hex", "00112233445566778899aabbccddeeff"),
                "gw-1", "test.properties");
        assertThat(c.mqtt().serverUri()).isEqualTo("tcp://broker:1883");
        assertThat(c.mqtt().clientId()).isEqualTo("certigate-gw-1");
        assertThat(c.mqtt().window()).isEqualTo(8);
        assertThat(c.mqtt().recordsPerBatch()).isEqualTo(100);
        assertThat(c.coap().window()).isEqualTo(1);
        assertThat(((io.certigate.uplink.coap.DtlsCredentials.Psk) c.coap().credentials()).identity()).isEqualTo("gw-1");
        assertThat(UplinkConfig.parse(props(), "gw-1", "x").mqtt()).isNull();
    }

    @Test
    void thePasswordComesFromAFileOrTheEnvironmentNeverInClear() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("mqtt", ".pass");
        try {
            java.nio.file.Files.writeString(f, "s3cret\n");
            UplinkConfig c = UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.username", "gw",
                    "uplink.mqtt.password-source", "file:" + f), "d", "f");
            assertThat(c.mqtt().password()).containsExactly("s3cret".toCharArray());
        } finally {
            java.nio.file.Files.delete(f);
        }
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.username", "gw",
                "uplink.mqtt.password-source", "hunter2"), "d", "f"))
                .hasMessageContaining("uplink.mqtt.password-source").hasMessageContaining("neither file:PATH nor env:NAME");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.password", "x"), "d", "f"))
                .hasMessage("f: unknown key uplink.mqtt.password");
    }

    @Test
    void errorsNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.windwo", "3"), "d", "f"))
                .hasMessage("f: unknown key uplink.mqtt.windwo");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.window", "zero"), "d", "f"))
                .hasMessage("f: uplink.mqtt.window = zero is not a whole number");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "http://b"), "d", "f"))
                .hasMessageStartingWith("f: uplink.mqtt.url = http://b:");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "ssl://b:8883"), "d", "f"))
                .hasMessageContaining("uplink.mqtt.tls.ca is required");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.coap.url", "coaps://c:5684",
                "uplink.coap.psk-secret-hex", "0011"), "d", "f")).hasMessageContaining("uplink.coap.psk-secret-hex");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1",
                "uplink.mqtt.reconnect-min-ms", "5000", "uplink.mqtt.reconnect-max-ms", "100"), "d", "f"))
                .hasMessageContaining("is below");
    }
}
