package io.certigate.uplink.mqtt;

import io.certigate.uplink.Backoff;
import java.time.Duration;

/**
 * Settings of the MQTT uplink, validated in one place.
 *
 * @param serverUri       {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId        MQTT client id; default {@code certigate-<device>}
 * @param username        user name, or null
 * @param password        password, or null
 * @param recordsPerBatch records per message at most
 * @param window          unacknowledged messages at most (QoS 1 in-flight window)
 * @param maxPacketBytes  the broker's maximum MQTT packet size; batches are cut to fit
 * @param connectTimeout  how long a connect attempt may take
 * @param keepAlive       MQTT keep-alive interval
 * @param reconnect       delay between connect attempts (jittered, exponential)
 * @param tls             TLS settings for {@code ssl://} URIs, or null
 */
public record MqttUplinkOptions(String serverUri, String clientId, String username, char[] password,
        int recordsPerBatch, int window, int maxPacketBytes, Duration connectTimeout, Duration keepAlive,
        Backoff reconnect, TlsSettings tls) {

    /** Mosquitto's and MQTT 3.1.1's ceiling: 256 MiB. */
    public static final int MQTT_MAX_PACKET = 268_435_455;

    public MqttUplinkOptions {
        if (serverUri == null || !(serverUri.startsWith("tcp://") || serverUri.startsWith("ssl://"))) {
            throw new IllegalArgumentException("MQTT server URI must be tcp://host:port or ssl://host:port, got " + serverUri);
        }
        if (recordsPerBatch < 1 || window < 1) {
            throw new IllegalArgumentException("records per batch and window must be >= 1");
        }
        if (maxPacketBytes < 512 || maxPacketBytes > MQTT_MAX_PACKET) {
            throw new IllegalArgumentException("maximum packet size must be 512.." + MQTT_MAX_PACKET + " bytes");
        }
        password = password == null ? null : password.clone();
    }

    public static MqttUplinkOptions defaults(String serverUri, String device) {
        return new MqttUplinkOptions(serverUri, "certigate-" + device, null, null, 100, 32, 256 * 1024,
                Duration.ofSeconds(10), Duration.ofSeconds(30),
                new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30)), null);
    }

    public MqttUplinkOptions withBatching(int records, int inFlight, int maxPacket) {
        return new MqttUplinkOptions(serverUri, clientId, username, password, records, inFlight, maxPacket,
                connectTimeout, keepAlive, reconnect, tls);
    }

    public MqttUplinkOptions withReconnect(Backoff backoff) {
        return new MqttUplinkOptions(serverUri, clientId, username, password, recordsPerBatch, window, maxPacketBytes,
                connectTimeout, keepAlive, backoff, tls);
    }

    public MqttUplinkOptions withCredentials(String user, char[] pass) {
        return new MqttUplinkOptions(serverUri, clientId, user, pass, recordsPerBatch, window, maxPacketBytes,
                connectTimeout, keepAlive, reconnect, tls);
    }

    public MqttUplinkOptions withTls(TlsSettings settings) {
        return new MqttUplinkOptions(serverUri, clientId, username, password, recordsPerBatch, window, maxPacketBytes,
                connectTimeout, keepAlive, reconnect, settings);
    }

    public MqttUplinkOptions withClientId(String id) {
        return new MqttUplinkOptions(serverUri, id, username, password, recordsPerBatch, window, maxPacketBytes,
                connectTimeout, keepAlive, reconnect, tls);
    }

    @Override
    public char[] password() {
        return password == null ? null : password.clone();
    }
}
