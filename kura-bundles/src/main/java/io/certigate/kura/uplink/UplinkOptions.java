package io.certigate.kura.uplink;

import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import java.util.Map;

/**
 * The uplink's options, validated once. The password is kept as its source ({@code file:} or
 * {@code env:}) so that equal options compare equal; it is resolved when the uplink starts.
 */
public record UplinkOptions(String broker, String clientId, String username, String passwordSource, int recordsPerBatch,
        int window) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static UplinkOptions from(Map<String, ?> p) {
        String broker = text(p, "uplink.mqtt.url");
        if (broker.isEmpty() || !broker.startsWith("tcp://")) {
            throw new IllegalArgumentException(UplinkComponent.PID + ": uplink.mqtt.url = '" + broker + "' must be tcp://host:port");
        }
        return new UplinkOptions(broker, text(p, "uplink.mqtt.client-id"), text(p, "uplink.mqtt.username"), text(p, "uplink.mqtt.password-source"),
                atLeastOne(p, "uplink.mqtt.records-per-batch", 100), atLeastOne(p, "uplink.mqtt.window", 32));
    }

    /** The core's options for {@code device}; reads the password from its source. */
    public MqttUplinkOptions toMqtt(String device) throws SigningException {
        MqttUplinkOptions o = MqttUplinkOptions.defaults(broker, device);
        if (!clientId.isEmpty()) {
            o = new MqttUplinkOptions(broker, clientId, null, null, o.recordsPerBatch(), o.window(), o.maxPacketBytes(),
                    o.connectTimeout(), o.keepAlive(), o.reconnect(), null);
        }
        if (!username.isEmpty()) {
            o = o.withCredentials(username, passwordSource.isEmpty() ? null : Passphrase.resolve(passwordSource));
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
