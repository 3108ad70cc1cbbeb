package io.certigate.kura.uplink;

import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The uplink's options, validated once. The password and the client key store's passphrase are
 * kept as their sources ({@code file:} or {@code env:}) so that equal options compare equal; they
 * are resolved when the uplink starts. {@code ssl://} needs the CA file trusted for the broker
 * ({@code tlsCa}); a client key store (the device's PKCS#12 with its CA-issued chain) adds mutual TLS.
 */
public record UplinkOptions(String broker, String clientId, String username, String passwordSource, int recordsPerBatch,
        int window, String tlsCa, String tlsClientKeystore, String tlsClientPassphraseSource) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static UplinkOptions from(Map<String, ?> p) {
        String broker = text(p, "uplink.mqtt.url");
        if (broker.isEmpty() || !(broker.startsWith("tcp://") || broker.startsWith("ssl://"))) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": uplink.mqtt.url = '" + broker
                    + "' must be tcp://host:port or ssl://host:port");
        }
        String ca = text(p, "uplink.mqtt.tls.ca");
        String keystore = text(p, "uplink.mqtt.tls.client-keystore");
        String keystorePass = text(p, "uplink.mqtt.tls.client-passphrase-source");
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
        if (!keystorePass.isEmpty() && !keystorePass.startsWith("file:") && !keystorePass.startsWith("env:")) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": uplink.mqtt.tls.client-passphrase-source must be"
                    + " file:PATH or env:NAME (the passphrase itself is never put in the configuration)");
        }
        return new UplinkOptions(broker, text(p, "uplink.mqtt.client-id"), text(p, "uplink.mqtt.username"), text(p, "uplink.mqtt.password-source"),
                atLeastOne(p, "uplink.mqtt.records-per-batch", 100), atLeastOne(p, "uplink.mqtt.window", 32), ca, keystore,
                keystorePass);
    }

    /** The core's options for {@code device}; reads the password, the CA file and the client key store. */
    public MqttUplinkOptions toMqtt(String device) throws SigningException, IOException {
        MqttUplinkOptions o = MqttUplinkOptions.defaults(broker, device);
        if (!clientId.isEmpty()) {
            o = new MqttUplinkOptions(broker, clientId, null, null, o.recordsPerBatch(), o.window(), o.maxPacketBytes(),
                    o.connectTimeout(), o.keepAlive(), o.reconnect(), null);
        }
        if (!username.isEmpty()) {
            o = o.withCredentials(username, passwordSource.isEmpty() ? null : Passphrase.resolve(passwordSource));
        }
        if (!tlsCa.isEmpty()) {
            char[] pass = tlsClientKeystore.isEmpty() ? null : Passphrase.resolve(tlsClientPassphraseSource);
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
        return o.withBatching(recordsPerBatch, window, o.maxPacketBytes());
    }

    private static String text(Map<String, ?> p, String key) {
        Object v = p.get(key);
        return v == null ? "" : v.toString().trim();
    }

    private static int atLeastOne(Map<String, ?> p, String key, int dflt) {
        Object v = p.get(key);
        int n;
        try {
            n = v == null ? dflt : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": " + key + " = '" + v + "' must be a whole number >= 1");
        }
        return n;
    }
}
