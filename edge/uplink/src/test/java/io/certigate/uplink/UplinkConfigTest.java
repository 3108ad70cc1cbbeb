package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class UplinkConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @TempDir
    Path dir;

    @Test
    void readsMqttAndCoapWithDefaults() throws Exception {
        Path secret = Files.writeString(dir.resolve("coap.psk"), "00112233445566778899aabbccddeeff\n");
        UplinkConfig c = UplinkConfig.parse(props("uplink.mqtt.url", "tcp://broker:1883", "uplink.mqtt.window", "8",
                "uplink.coap.url", "coaps://collector:5684", "uplink.coap.psk-secret-source", "file:" + secret),
                "gw-1", "test.properties");
        assertThat(c.mqtt().serverUri()).isEqualTo("tcp://broker:1883");
        assertThat(c.mqtt().clientId()).isEqualTo("certigate-gw-1");
        assertThat(c.mqtt().window()).isEqualTo(8);
        assertThat(c.mqtt().recordsPerBatch()).isEqualTo(100);
        assertThat(c.coap().window()).isEqualTo(1);
        var psk = (io.certigate.uplink.coap.DtlsCredentials.Psk) c.coap().credentials();
        assertThat(psk.identity()).isEqualTo("gw-1");
        assertThat(psk.secret()).isEqualTo(java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
        assertThat(UplinkConfig.parse(props(), "gw-1", "x").mqtt()).isNull();
    }

    /**
     * Issue #19: the CoAP connection a CoAP route needs carries the main stream (every record in
     * full) only when there is no MQTT uplink, or when asked.
     */
    @Test
    void theCoapUplinkCarriesTheMainStreamOnlyWithoutMqttOrWhenAsked() throws Exception {
        Path secret = Files.writeString(dir.resolve("coap.psk"), "00112233445566778899aabbccddeeff\n");
        String[] coap = {"uplink.coap.url", "coaps://collector:5684", "uplink.coap.psk-secret-source", "file:" + secret};
        String[] mqtt = {"uplink.mqtt.url", "tcp://broker:1883"};
        assertThat(UplinkConfig.parse(props(coap), "gw-1", "f").coapMain()).as("CoAP alone").isTrue();
        assertThat(UplinkConfig.parse(props(concat(mqtt, coap)), "gw-1", "f").coapMain()).as("beside MQTT").isFalse();
        assertThat(UplinkConfig.parse(props(concat(mqtt, coap, "uplink.coap.main", "true")), "gw-1", "f").coapMain())
                .as("asked for").isTrue();
        assertThatThrownBy(() -> UplinkConfig.parse(props(concat(coap, "uplink.coap.main", "false")), "gw-1", "f.properties"))
                .hasMessageContaining("f.properties: uplink.coap.main = false needs uplink.mqtt.url");
        assertThatThrownBy(() -> UplinkConfig.parse(props(concat(mqtt, "uplink.coap.main", "true")), "gw-1", "f"))
                .hasMessageContaining("uplink.coap.main is set but there is no CoAP uplink");
        assertThatThrownBy(() -> UplinkConfig.parse(props(concat(mqtt, coap, "uplink.coap.main", "yes")), "gw-1", "f"))
                .hasMessageContaining("uplink.coap.main").hasMessageContaining("must be true or false");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        return concat(concat(a, b), c);
    }

    /**
     * Issue #20: a user name and password over tcp:// to a broker elsewhere travel in clear; refused
     * (before the password is read) unless the host is loopback or the allow key is set.
     */
    @Test
    void credentialsOverPlainTcpToAnotherHostAreRefusedUnlessAllowed() throws Exception {
        Path f = Files.writeString(dir.resolve("mqtt.pass"), "s3cret\n");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://broker.example:1883",
                "uplink.mqtt.username", "gw", "uplink.mqtt.password-source", "file:" + f), "d", "gw.properties"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("gw.properties: uplink.mqtt.username is set but uplink.mqtt.url = tcp://broker.example:1883")
                .hasMessageContaining("in clear to broker.example").hasMessageContaining("ssl://")
                .hasMessageContaining("uplink.mqtt.allow-plaintext-credentials = true");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://10.0.0.5:1883", "uplink.mqtt.username", "gw"),
                "d", "f")).hasMessageContaining("in clear to 10.0.0.5");
        for (String loopback : new String[] {"tcp://127.0.0.1:1883", "tcp://localhost:1883", "tcp://[::1]:1883",
                "tcp://127.8.9.10:1883"}) {
            UplinkConfig c = UplinkConfig.parse(props("uplink.mqtt.url", loopback, "uplink.mqtt.username", "gw",
                    "uplink.mqtt.password-source", "file:" + f), "d", "f");
            assertThat(c.mqtt().username()).as(loopback).isEqualTo("gw");
        }
        UplinkConfig allowed = UplinkConfig.parse(props("uplink.mqtt.url", "tcp://broker.example:1883", "uplink.mqtt.username", "gw",
                "uplink.mqtt.password-source", "file:" + f, "uplink.mqtt.allow-plaintext-credentials", "true"), "d", "f");
        assertThat(allowed.mqtt().password()).containsExactly("s3cret".toCharArray());
        assertThat(UplinkConfig.parse(props("uplink.mqtt.url", "tcp://broker.example:1883"), "d", "f").mqtt().username())
                .as("no credentials: nothing to protect").isNull();
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://broker.example:1883", "uplink.mqtt.username",
                "gw", "uplink.mqtt.allow-plaintext-credentials", "yes"), "d", "f"))
                .hasMessageContaining("uplink.mqtt.allow-plaintext-credentials = 'yes' must be true or false");
    }

    @Test
    void thePasswordComesFromAFileOrTheEnvironmentNeverInClear() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("mqtt", ".pass");
        try {
            java.nio.file.Files.writeString(f, "s3cret\n");
            UplinkConfig c = UplinkConfig.parse(props("uplink.mqtt.url", "tcp://127.0.0.1:1", "uplink.mqtt.username", "gw",
                    "uplink.mqtt.password-source", "file:" + f), "d", "f");
            assertThat(c.mqtt().password()).containsExactly("s3cret".toCharArray());
        } finally {
            java.nio.file.Files.delete(f);
        }
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://127.0.0.1:1", "uplink.mqtt.username", "gw",
                "uplink.mqtt.password-source", "hunter2"), "d", "f"))
                .hasMessageContaining("uplink.mqtt.password-source").hasMessageContaining("neither file:PATH nor env:NAME");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.password", "x"), "d", "f"))
                .hasMessage("f: unknown key uplink.mqtt.password");
    }

    @Test
    void theMutualTlsPassphraseComesFromAFileOrTheEnvironmentNeverInClear() throws Exception {
        Path ca = io.certigate.testbed.device.TestPki.writePem(dir.resolve("ca.pem"),
                java.util.List.of(io.certigate.testbed.device.TestPki.create("test CA").caCertificate()));
        Path ks = dir.resolve("device.p12");
        io.certigate.signing.Pkcs12KeyStore.create(ks, io.certigate.signing.CoseAlgorithm.ES256, "d",
                "key store secret".toCharArray());
        Path passFile = Files.writeString(dir.resolve("pass"), "key store secret\n");
        UplinkConfig ok = UplinkConfig.parse(props("uplink.mqtt.url", "ssl://b:8883", "uplink.mqtt.tls.ca", ca.toString(),
                "uplink.mqtt.tls.client-keystore", ks.toString(), "uplink.mqtt.tls.client-passphrase-source", "file:" + passFile),
                "d", "f");
        assertThat(ok.mqtt().tls()).isNotNull();
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "ssl://b:8883", "uplink.mqtt.tls.ca", ca.toString(),
                "uplink.mqtt.tls.client-keystore", ks.toString(), "uplink.mqtt.tls.client-passphrase", "key store secret"), "d", "f"))
                .hasMessageStartingWith("f: uplink.mqtt.tls.client-passphrase puts the key store's passphrase in clear")
                .hasMessageContaining("uplink.mqtt.tls.client-passphrase-source = file:PATH")
                .hasMessageNotContaining("key store secret");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "ssl://b:8883", "uplink.mqtt.tls.ca", ca.toString(),
                "uplink.mqtt.tls.client-keystore", ks.toString()), "d", "f"))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "ssl://b:8883", "uplink.mqtt.tls.ca", ca.toString(),
                "uplink.mqtt.tls.client-keystore", ks.toString(), "uplink.mqtt.tls.client-passphrase-source", "hunter2"), "d", "f"))
                .hasMessageContaining("neither file:PATH nor env:NAME").hasMessageNotContaining("hunter2");
        Path wrong = Files.writeString(dir.resolve("wrong"), "not the passphrase\n");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "ssl://b:8883", "uplink.mqtt.tls.ca", ca.toString(),
                "uplink.mqtt.tls.client-keystore", ks.toString(), "uplink.mqtt.tls.client-passphrase-source", "file:" + wrong),
                "d", "f"))
                .hasMessageContaining("f: uplink.mqtt.tls: cannot read the client key store " + ks);
    }

    @Test
    void theCoapSecretComesFromAFileOrTheEnvironmentNeverInClear() throws Exception {
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.coap.url", "coaps://c:5684",
                "uplink.coap.psk-secret-hex", "00112233445566778899aabbccddeeff"), "d", "f"))
                .hasMessageStartingWith("f: uplink.coap.psk-secret-hex puts the DTLS secret in clear")
                .hasMessageContaining("uplink.coap.psk-secret-source = file:PATH")
                .hasMessageNotContaining("00112233445566778899aabbccddeeff");
        Path shortSecret = Files.writeString(dir.resolve("short.psk"), "0011\n");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.coap.url", "coaps://c:5684",
                "uplink.coap.psk-secret-source", "file:" + shortSecret), "d", "f"))
                .hasMessageStartingWith("f: uplink.coap.psk-secret-source = file:" + shortSecret)
                .hasMessageContaining("at least 16 bytes");
        Path notHex = Files.writeString(dir.resolve("nothex.psk"), "this is a passphrase, not hex\n");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.coap.url", "coaps://c:5684",
                "uplink.coap.psk-secret-source", "file:" + notHex), "d", "f"))
                .hasMessageStartingWith("f: uplink.coap.psk-secret-source = file:" + notHex);
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.coap.url", "coaps://c:5684",
                "uplink.coap.psk-secret-source", "00112233445566778899aabbccddeeff"), "d", "f"))
                .hasMessageContaining("uplink.coap.psk-secret-source is neither file:PATH nor env:NAME")
                .hasMessageNotContaining("00112233445566778899aabbccddeeff");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.coap.url", "coaps://c:5684",
                "uplink.coap.psk-secret-source", "env:CERTIGATE_TEST_SURELY_UNSET_PSK"), "d", "f"))
                .hasMessageContaining("uplink.coap.psk-secret-source = env:CERTIGATE_TEST_SURELY_UNSET_PSK")
                .hasMessageContaining("CERTIGATE_TEST_SURELY_UNSET_PSK");
    }

    @Test
    void errorsNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.windwo", "3"), "d", "f"))
                .hasMessage("f: unknown key uplink.mqtt.windwo (did you mean 'uplink.mqtt.window'?)");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1", "uplink.mqtt.window", "zero"), "d", "f"))
                .hasMessage("f: uplink.mqtt.window = 'zero' must be a whole number in 1..65535");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "http://b"), "d", "f"))
                .hasMessageStartingWith("f: uplink.mqtt.url = http://b:");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "ssl://b:8883"), "d", "f"))
                .hasMessageContaining("uplink.mqtt.tls.ca is required");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.coap.url", "coaps://c:5684"), "d", "f"))
                .hasMessageContaining("uplink.coap.psk-secret-source is required for coaps://c:5684");
        assertThatThrownBy(() -> UplinkConfig.parse(props("uplink.mqtt.url", "tcp://b:1",
                "uplink.mqtt.reconnect-min-ms", "5000", "uplink.mqtt.reconnect-max-ms", "100"), "d", "f"))
                .hasMessageContaining("is below");
    }
}
