package io.certigate.kura.uplink;

import io.certigate.core.config.ConfigValues;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.UplinkSettings;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The uplink's options, validated once. The password and the client key store's passphrase are
 * kept as their sources ({@code file:} or {@code env:}) so that equal options compare equal; they
 * are resolved when the uplink starts. {@code ssl://} needs the CA file trusted for the broker
 * ({@code tlsCa}); a client key store (the device's PKCS#12 with its CA-issued chain) adds mutual TLS. A
 * user name over {@code tcp://} to a host that is not loopback is refused unless
 * {@code uplink.mqtt.allow-plaintext-credentials} is set (issue #20).
 */
public record UplinkOptions(String broker, String clientId, String username, String passwordSource, int recordsPerBatch,
        int window, int maxPacketBytes, Backoff reconnect, String tlsCa, String tlsClientKeystore,
        String tlsClientPassphraseSource) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static UplinkOptions from(Map<String, ?> p) {
        ConfigValues v = new ConfigValues(UplinkComponent.PID, p);
        String broker = v.text("uplink.mqtt.url");
        if (broker.isEmpty() || !(broker.startsWith("tcp://") || broker.startsWith("ssl://"))) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": uplink.mqtt.url = '" + broker
                    + "' must be tcp://host:port or ssl://host:port");
        }
        String ca = v.text("uplink.mqtt.tls.ca");
        String keystore = v.text("uplink.mqtt.tls.client-keystore");
        String keystorePass = v.secretSource("uplink.mqtt.tls.client-passphrase-source", false);
        if (broker.startsWith("ssl://") && ca.isEmpty()) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": uplink.mqtt.tls.ca is required for " + broker);
        }
        if (broker.startsWith("tcp://") && !(ca + keystore + keystorePass).isEmpty()) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": uplink.mqtt.tls.* is set but uplink.mqtt.url = '" + broker
                    + "' is not ssl://");
        }
        if (keystore.isEmpty() != keystorePass.isEmpty()) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": uplink.mqtt.tls.client-keystore and"
                    + " uplink.mqtt.tls.client-passphrase-source go together (mutual TLS)");
        }
        UplinkSettings.checkCredentialsTransport(UplinkComponent.PID, broker, !v.text(UplinkSettings.MQTT_USERNAME).isEmpty(),
                v.bool(UplinkSettings.MQTT_ALLOW_PLAINTEXT_CREDENTIALS));
        long reconnectMin = v.whole(UplinkSettings.MQTT_RECONNECT_MIN_MS);
        long reconnectMax = v.whole(UplinkSettings.MQTT_RECONNECT_MAX_MS);
        if (reconnectMax < reconnectMin) {
            throw v.bad(UplinkSettings.MQTT_RECONNECT_MAX_MS.key(), Long.toString(reconnectMax),
                    "must be at least " + UplinkSettings.MQTT_RECONNECT_MIN_MS.key() + " (" + reconnectMin + ")");
        }
        return new UplinkOptions(broker, v.text(UplinkSettings.MQTT_CLIENT_ID), v.text(UplinkSettings.MQTT_USERNAME),
                v.secretSource(UplinkSettings.MQTT_PASSWORD_SOURCE.key(), false), v.wholeInt(UplinkSettings.MQTT_RECORDS_PER_BATCH),
                v.wholeInt(UplinkSettings.MQTT_WINDOW), v.wholeInt(UplinkSettings.MQTT_MAX_PACKET_BYTES),
                new Backoff(Duration.ofMillis(reconnectMin), Duration.ofMillis(reconnectMax)), ca, keystore, keystorePass);
    }

    /** The core's options for {@code device}; reads the password, the CA file and the client key store. */
    public MqttUplinkOptions toMqtt(String device) throws SigningException, IOException {
        MqttUplinkOptions o = MqttUplinkOptions.defaults(broker, device);
        if (!clientId.isEmpty()) {
            o = new MqttUplinkOptions(broker, clientId, null, null, o.recordsPerBatch(), o.window(), o.maxPacketBytes(),
                    o.connectTimeout(), o.keepAlive(), o.reconnect(), null);
        }
        if (!username.isEmpty()) {
            o = o.withCredentials(username, passwordSource.isEmpty() ? null : Passphrase.resolve("uplink.mqtt.password-source", passwordSource));
        }
        if (!tlsCa.isEmpty()) {
            char[] pass = tlsClientKeystore.isEmpty() ? null : Passphrase.resolve("uplink.mqtt.tls.client-passphrase-source",
                    tlsClientPassphraseSource);
            try {
                o = o.withTls(TlsSettings.fromFiles(Path.of(tlsCa), tlsClientKeystore.isEmpty() ? null : Path.of(tlsClientKeystore),
                        pass));
            } catch (IOException e) {
                throw new IOException(UplinkComponent.PID + ": uplink.mqtt.tls: " + e.getMessage(), e);
            } finally {
                if (pass != null) {
                    java.util.Arrays.fill(pass, '\0');
                }
            }
        }
        return o.withBatching(recordsPerBatch, window, maxPacketBytes).withReconnect(reconnect);
    }
}
