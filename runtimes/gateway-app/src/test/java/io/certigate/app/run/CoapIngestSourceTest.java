package io.certigate.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.TimeQuality;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code coap.ingest.*} keys: defaults, secrets by source only, and errors that name the key and value. */
@Tag("unit")
class CoapIngestSourceTest {
    private static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f1011";

    @TempDir
    Path dir;
    Path keyFile;

    @BeforeEach
    void keyFile() throws Exception {
        keyFile = Files.writeString(dir.resolve("road-1.psk"), KEY_HEX + "\n");
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static CoapIngestSource parse(Properties p) throws RunConfig.ConfigException {
        return CoapIngestSource.parse(p, "hub.conf", TimeQuality.NTP);
    }

    @Test
    void readsTheSensorKeysAndDefaults() throws Exception {
        CoapIngestSource c = parse(props("coap.ingest.psk.road-1", "file:" + keyFile, "coap.ingest.port", "0"));
        assertThat(c.options().sensorKeys()).containsOnlyKeys("road-1");
        assertThat(c.options().sensorKeys().get("road-1")).isEqualTo(HexFormat.of().parseHex(KEY_HEX));
        assertThat(c.options().bind().getPort()).isZero();
        assertThat(c.options().bind().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(c.options().path()).isEqualTo("senml");
        assertThat(c.options().maxPayload()).isEqualTo(4096);
        assertThat(c.options().sensorClockQuality()).isEqualTo(TimeQuality.RTC);
        assertThat(c.options().gatewayClockQuality()).isEqualTo(TimeQuality.NTP);
        assertThat(c.sequencesFile()).as("marks kept in the buffer by default").isNull();
        CoapIngestSource d = parse(props("coap.ingest.psk.road-1", "file:" + keyFile, "coap.ingest.address", "127.0.0.1",
                "coap.ingest.port", "15684", "coap.ingest.path", "hub/senml", "coap.ingest.sensor-clock-quality", "gnss",
                "coap.ingest.sequences-file", dir.resolve("marks.db").toString()));
        assertThat(d.options().bind().getAddress().isLoopbackAddress()).isTrue();
        assertThat(d.options().bind().getPort()).isEqualTo(15684);
        assertThat(d.options().path()).isEqualTo("hub/senml");
        assertThat(d.options().sensorClockQuality()).isEqualTo(TimeQuality.GNSS);
        assertThat(d.sequencesFile()).isEqualTo(dir.resolve("marks.db"));
    }

    @Test
    void aSecretInClearIsRefusedAndNamed() {
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.road-1", KEY_HEX)))
                .hasMessageStartingWith("hub.conf: coap.ingest.psk.road-1 is neither file:PATH nor env:NAME")
                .hasMessageNotContaining(KEY_HEX);
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.road-1", "env:CERTIGATE_TEST_SURELY_UNSET_PSK")))
                .hasMessageContaining("coap.ingest.psk.road-1 = 'env:CERTIGATE_TEST_SURELY_UNSET_PSK'");
    }

    @Test
    void badKeysAndValuesAreNamed() throws Exception {
        Path shortKey = Files.writeString(dir.resolve("short.psk"), "00112233\n");
        Path notHex = Files.writeString(dir.resolve("word.psk"), "a passphrase\n");
        String k = "file:" + keyFile;
        assertThatThrownBy(() -> parse(props("coap.ingest.port", "5684")))
                .hasMessage("hub.conf: the CoAP ingest needs at least one sensor key, coap.ingest.psk.<sensor id> = file:PATH or env:NAME");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", "file:" + shortKey)))
                .hasMessage("hub.conf: coap.ingest.psk.s = 'file:" + shortKey + "': the key is 4 bytes, at least 16 are needed");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", "file:" + notHex)))
                .hasMessageStartingWith("hub.conf: coap.ingest.psk.s = 'file:" + notHex + "' does not hold a hex key");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", "file:" + dir.resolve("missing.psk"))))
                .hasMessageStartingWith("hub.conf: coap.ingest.psk.s = 'file:" + dir.resolve("missing.psk") + "'");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.bad id!", k)))
                .hasMessageStartingWith("hub.conf: coap.ingest.psk.<sensor>: sensor identity 'bad id!'");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.ingest.port", "70000")))
                .hasMessage("hub.conf: coap.ingest.port = '70000' must be a whole number in 0..65535");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.ingest.port", "coaps")))
                .hasMessage("hub.conf: coap.ingest.port = 'coaps' must be a whole number in 0..65535");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.ingest.address", "[::1")))
                .hasMessage("hub.conf: coap.ingest.address = '[::1' is not an address");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.ingest.path", "/senml?x")))
                .hasMessageStartingWith("hub.conf: coap.ingest.path: resource path '/senml?x'");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.ingest.sensor-clock-quality", "atomic")))
                .hasMessage("hub.conf: coap.ingest.sensor-clock-quality = 'atomic' is not gnss, ntp, rtc or none");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.ingest.max-payload-bytes", "10")))
                .hasMessage("hub.conf: coap.ingest.max-payload-bytes = '10' must be a whole number in 64..1048576");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.ingest.prot", "5684")))
                .hasMessage("hub.conf: unknown key coap.ingest.prot (did you mean 'coap.ingest.port'?)");
        assertThatThrownBy(() -> parse(props("coap.ingest.psk.s", k, "coap.port", "5684")))
                .hasMessageStartingWith("hub.conf: unknown key coap.port");
    }

    @Test
    void meterSourcesParsesTheIngestOnlyWhenConfigured() throws Exception {
        Properties none = props("device.id", "gw");
        assertThat(MeterSources.parse(new RunConfig.Values(none, "x"), none, "x").coapIngest()).isNull();
        Properties some = props("device.id", "gw", "coap.ingest.psk.s", "file:" + keyFile);
        assertThat(MeterSources.parse(new RunConfig.Values(some, "x"), some, "x").coapIngest().options().sensorKeys())
                .containsOnlyKeys("s");
    }
}
