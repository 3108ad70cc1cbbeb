package io.certigate.kura;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.TimeQuality;
import io.certigate.kura.obd.ObdOptions;
import io.certigate.kura.rfid.RfidOptions;
import io.certigate.kura.tic.TicOptions;
import io.certigate.kura.uplink.UplinkOptions;
import io.certigate.meter.rfid.RfidEvent;
import io.certigate.meter.tic.TicMode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The adapters' options as their components build them from a ConfigAdmin property map. */
@Tag("unit")
class ComponentOptionsTest {

    @Test
    void obdOptionsUseTheReadersOwnParserAndCompareByValue() {
        Map<String, Object> p = map("obd.port", "/dev/ttyUSB0", "obd.timeout-ms", 500, "time.quality", "gnss",
                "component.name", "io.certigate.kura.obd.ObdComponent");
        ObdOptions o = ObdOptions.from(p);
        assertThat(o.reader().port()).isEqualTo("/dev/ttyUSB0");
        assertThat(o.timeQuality()).isEqualTo(TimeQuality.GNSS);
        assertThat(ObdOptions.from(p)).isEqualTo(o);
        assertThat(ObdOptions.from(with(p, "time.quality", "rtc"))).isNotEqualTo(o);
        assertThatThrownBy(() -> ObdOptions.from(with(p, "obd.timeout-ms", 5))).hasMessageContaining("obd.timeout-ms = '5'");
        assertThatThrownBy(() -> ObdOptions.from(with(p, "time.quality", "sundial")))
                .hasMessageContaining("time.quality = 'sundial'");
    }

    @Test
    void ticOptions() {
        Map<String, Object> p = map("tic.port", "/dev/ttyAMA0", "tic.mode", "historic", "tic.index-period-s", 60);
        TicOptions o = TicOptions.from(p);
        assertThat(o.reader().mode()).isEqualTo(TicMode.HISTORIC);
        assertThat(o.readings().indexPeriod()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.readings().gatewayClockQuality()).isEqualTo(TimeQuality.RTC);
        assertThat(TicOptions.from(p)).isEqualTo(o);
        assertThat(TicOptions.from(with(p, "tic.mode", "auto")).reader().mode()).isNull();
        assertThatThrownBy(() -> TicOptions.from(with(p, "tic.mode", "fast"))).hasMessageContaining("tic.mode = 'fast'");
        assertThatThrownBy(() -> TicOptions.from(with(p, "tic.index-period-s", -1)))
                .hasMessageContaining("tic.index-period-s = '-1'");
        assertThatThrownBy(() -> TicOptions.from(map("tic.mode", "auto"))).hasMessageContaining("tic.port is required");
    }

    @Test
    void rfidOptions() {
        Map<String, Object> p = map("rfid.port", "/dev/ttyS1", "rfid.format", "wiegand26", "rfid.debounce-ms", 0);
        RfidOptions o = RfidOptions.from(p);
        assertThat(o.adapter().format()).isEqualTo(RfidEvent.Format.WIEGAND26);
        assertThat(o.adapter().debounce()).isZero();
        assertThat(RfidOptions.from(p)).isEqualTo(o);
        assertThatThrownBy(() -> RfidOptions.from(with(p, "rfid.format", "mifare"))).hasMessageContaining("rfid.format = 'mifare'");
        assertThatThrownBy(() -> RfidOptions.from(with(p, "rfid.debounce-ms", "soon")))
                .hasMessageContaining("rfid.debounce-ms = 'soon'");
    }

    @Test
    void uplinkOptionsKeepThePasswordSourceNotTheSecret() throws Exception {
        Map<String, Object> p = map("uplink.mqtt.url", "tcp://127.0.0.1:1883", "uplink.mqtt.window", 4);
        UplinkOptions o = UplinkOptions.from(p);
        assertThat(o.toMqtt("dev-1").clientId()).isEqualTo("certigate-dev-1");
        assertThat(o.toMqtt("dev-1").window()).isEqualTo(4);
        assertThat(UplinkOptions.from(p)).isEqualTo(o);
        assertThat(UplinkOptions.from(with(p, "uplink.mqtt.client-id", "gw-7")).toMqtt("dev-1").clientId()).isEqualTo("gw-7");
        assertThatThrownBy(() -> UplinkOptions.from(with(p, "uplink.mqtt.url", "mqtt.example:1883")))
                .hasMessageContaining("uplink.mqtt.url = 'mqtt.example:1883'");
        assertThatThrownBy(() -> UplinkOptions.from(with(p, "uplink.mqtt.window", 0)))
                .hasMessageContaining("uplink.mqtt.window = '0'");
        // the packet size and the back-off, as the standalone runtime sets them
        assertThat(o.toMqtt("dev-1").maxPacketBytes()).isEqualTo(262_144);
        assertThat(o.toMqtt("dev-1").reconnect()).isEqualTo(new io.certigate.uplink.Backoff(java.time.Duration.ofMillis(250),
                java.time.Duration.ofSeconds(30)));
        UplinkOptions tuned = UplinkOptions.from(with(with(with(p, "uplink.mqtt.max-packet-bytes", 4096),
                "uplink.mqtt.reconnect-min-ms", 100L), "uplink.mqtt.reconnect-max-ms", 5000L));
        assertThat(tuned.toMqtt("dev-1").maxPacketBytes()).isEqualTo(4096);
        assertThat(tuned.toMqtt("dev-1").reconnect().max()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(tuned).isNotEqualTo(o);
        assertThatThrownBy(() -> UplinkOptions.from(with(with(p, "uplink.mqtt.reconnect-min-ms", 1000L),
                "uplink.mqtt.reconnect-max-ms", 500L))).hasMessageContaining("uplink.mqtt.reconnect-max-ms = '500'");
    }

    @Test
    void typedNumbersOutsideTheSharedRangesAreRefusedNotNarrowed() {
        Map<String, Object> tic = map("tic.port", "/dev/ttyUSB0");
        assertThatThrownBy(() -> TicOptions.from(with(tic, "tic.index-period-s", 99_999_999_999L)))
                .hasMessage("io.certigate.kura.tic: tic.index-period-s = '99999999999' must be a whole number in 0..86400");
        assertThatThrownBy(() -> RfidOptions.from(with(map("rfid.port", "/dev/ttyUSB1"), "rfid.debounce-ms", Long.MAX_VALUE)))
                .hasMessageContaining("rfid.debounce-ms = '9223372036854775807' must be a whole number in 0..3600000");
        // the same range as the standalone uplink.mqtt.window (once 1..2147483647 here, 1..65535 there)
        assertThatThrownBy(() -> UplinkOptions.from(map("uplink.mqtt.url", "tcp://127.0.0.1:1883", "uplink.mqtt.window", 100_000)))
                .hasMessage("io.certigate.kura.uplink: uplink.mqtt.window = '100000' must be a whole number in 1..65535");
    }

    /** Issue #20: the Kura uplink refuses credentials over tcp:// to another host like the standalone one. */
    @Test
    void uplinkCredentialsOverPlainTcpToAnotherHostAreRefusedUnlessAllowed() throws Exception {
        Map<String, Object> p = map("uplink.mqtt.url", "tcp://broker.example:1883", "uplink.mqtt.username", "gw",
                "uplink.mqtt.password-source", "env:CERTIGATE_TEST_SURELY_UNSET_PASSWORD");
        assertThatThrownBy(() -> UplinkOptions.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("io.certigate.kura.uplink: uplink.mqtt.username is set but uplink.mqtt.url ="
                        + " tcp://broker.example:1883")
                .hasMessageContaining("in clear to broker.example").hasMessageContaining("ssl://")
                .hasMessageContaining("uplink.mqtt.allow-plaintext-credentials = true");
        assertThat(UplinkOptions.from(with(p, "uplink.mqtt.allow-plaintext-credentials", Boolean.TRUE)).username())
                .isEqualTo("gw");
        assertThat(UplinkOptions.from(with(p, "uplink.mqtt.url", "tcp://localhost:1883")).username()).isEqualTo("gw");
        assertThat(UplinkOptions.from(with(p, "uplink.mqtt.username", "")).broker()).isEqualTo("tcp://broker.example:1883");
    }

    @Test
    void aSecretSourceErrorNamesItsKey() throws Exception {
        UplinkOptions o = UplinkOptions.from(map("uplink.mqtt.url", "tcp://127.0.0.1:1883", "uplink.mqtt.username", "gw",
                "uplink.mqtt.password-source", "env:CERTIGATE_TEST_SURELY_UNSET_PASSWORD"));
        assertThatThrownBy(() -> o.toMqtt("dev-1")).hasMessageStartingWith("uplink.mqtt.password-source: environment variable"
                + " CERTIGATE_TEST_SURELY_UNSET_PASSWORD");
    }

    @Test
    void uplinkTlsOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ca = io.certigate.testbed.device.TestPki.writePem(dir.resolve("ca.pem"),
                java.util.List.of(io.certigate.testbed.device.TestPki.create("test CA").caCertificate()));
        Map<String, Object> p = map("uplink.mqtt.url", "ssl://broker.example:8883", "uplink.mqtt.tls.ca", ca.toString());
        UplinkOptions o = UplinkOptions.from(p);
        assertThat(o.toMqtt("dev-1").tls().trustAnchors()).hasSize(1);
        assertThat(o.toMqtt("dev-1").tls().clientKeys()).isNull();
        assertThat(UplinkOptions.from(p)).isEqualTo(o);
        assertThatThrownBy(() -> UplinkOptions.from(map("uplink.mqtt.url", "ssl://broker.example:8883")))
                .hasMessageContaining("uplink.mqtt.tls.ca is required for ssl://broker.example:8883");
        assertThatThrownBy(() -> UplinkOptions.from(with(p, "uplink.mqtt.url", "tcp://broker.example:1883")))
                .hasMessageContaining("is not ssl://");
        assertThatThrownBy(() -> UplinkOptions.from(with(p, "uplink.mqtt.tls.client-keystore", "/etc/certigate/device.p12")))
                .hasMessageContaining("go together");
        Map<String, Object> clear = with(with(p, "uplink.mqtt.tls.client-keystore", "/etc/certigate/device.p12"),
                "uplink.mqtt.tls.client-passphrase-source", "hunter2");
        assertThatThrownBy(() -> UplinkOptions.from(clear)).hasMessageContaining("must be file:PATH or env:NAME")
                .hasMessageNotContaining("hunter2");
        java.nio.file.Path notPem = java.nio.file.Files.writeString(dir.resolve("not.pem"), "not a certificate");
        assertThatThrownBy(() -> UplinkOptions.from(with(p, "uplink.mqtt.tls.ca", notPem.toString())).toMqtt("dev-1"))
                .hasMessageContaining("uplink.mqtt.tls").hasMessageContaining(notPem.toString());
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> m, String k, Object v) {
        Map<String, Object> c = new HashMap<>(m);
        c.put(k, v);
        return c;
    }
}
