package io.certigate.uplink;

import io.certigate.core.config.LoopbackHost;
import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/**
 * The uplink's settings ({@code uplink.mqtt.*}, {@code uplink.coap.*}), defined once for the
 * standalone configuration file ({@link UplinkConfig}) and the Kura MQTT uplink component (which has
 * no CoAP uplink).
 */
public final class UplinkSettings {
    private UplinkSettings() {}

    /**
     * Refuses a user name (and password) over plain TCP to a host that is not loopback unless
     * {@code allowed} ({@link #MQTT_ALLOW_PLAINTEXT_CREDENTIALS}): the error names the key, the
     * host and what to do.
     *
     * @param origin what the error starts with (the configuration file or the component)
     * @throws IllegalArgumentException as above
     */
    public static void checkCredentialsTransport(String origin, String url, boolean credentials, boolean allowed) {
        checkCredentialsTransport(origin, url, credentials, allowed, MQTT_URL, MQTT_USERNAME, MQTT_TLS_CA,
                MQTT_ALLOW_PLAINTEXT_CREDENTIALS);
    }

    /**
     * {@link #checkCredentialsTransport(String, String, boolean, boolean)} for another component's
     * MQTT settings (the fleet ingest's): the error names {@code urlKey}, {@code usernameKey},
     * {@code caKey} and {@code allowKey}.
     */
    public static void checkCredentialsTransport(String origin, String url, boolean credentials, boolean allowed,
            Setting urlKey, Setting usernameKey, Setting caKey, Setting allowKey) {
        if (!credentials || allowed || !url.startsWith("tcp://")) {
            return;
        }
        String host;
        try {
            host = java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        if (LoopbackHost.is(host)) {
            return;
        }
        throw new IllegalArgumentException(origin + ": " + usernameKey.key() + " is set but " + urlKey.key() + " = " + url
                + " would send the user name and password in clear to " + (host == null ? "its host" : host)
                + ", which is not a loopback address: use ssl://" + (host == null ? "host" : host) + ":port (with "
                + caKey.key() + "), or set " + allowKey.key() + " = true on a network you trust");
    }

    public static final Setting MQTT_URL = Setting.of("uplink.mqtt.url", Type.TEXT, null,
            "tcp://host:port or ssl://host:port (TLS; needs uplink.mqtt.tls.ca); enables the MQTT uplink");
    public static final Setting MQTT_CLIENT_ID = Setting.of("uplink.mqtt.client-id", Type.TEXT, null,
            "MQTT client id; absent: certigate-<device>");
    public static final Setting MQTT_USERNAME = Setting.of("uplink.mqtt.username", Type.TEXT, null, "user name; absent: none");
    public static final Setting MQTT_PASSWORD_SOURCE = Setting.of("uplink.mqtt.password-source", Type.SECRET_SOURCE, null,
            "where the password is read from");
    /**
     * Issue #20: a user name and password sent over {@code tcp://} to a host that is not loopback
     * travel in clear; refused unless this is set.
     */
    public static final Setting MQTT_ALLOW_PLAINTEXT_CREDENTIALS = Setting.of("uplink.mqtt.allow-plaintext-credentials",
            Type.BOOLEAN, "false", "accept uplink.mqtt.username/password over tcp:// to a host that is not loopback"
                    + " (they travel in clear; use ssl:// instead)");
    /** Records per published batch at most. */
    public static final Setting MQTT_RECORDS_PER_BATCH = Setting.whole("uplink.mqtt.records-per-batch", 100, 1, 65_535,
            "records", "records per published message at most");
    /** Batches published and not yet acknowledged at most (the QoS 1 in-flight window). */
    public static final Setting MQTT_WINDOW = Setting.whole("uplink.mqtt.window", 32, 1, 65_535, "messages",
            "messages published and not yet acknowledged at most (QoS 1 in flight)");
    public static final Setting MQTT_MAX_PACKET_BYTES = Setting.whole("uplink.mqtt.max-packet-bytes", 256 * 1024, 512,
            268_435_455, "bytes", "the broker's maximum packet size; batches are cut to fit");
    public static final Setting MQTT_RECONNECT_MIN_MS = Setting.whole("uplink.mqtt.reconnect-min-ms", 250, 1, 3_600_000, "ms",
            "reconnect back-off, first delay (jittered, doubling)");
    public static final Setting MQTT_RECONNECT_MAX_MS = Setting.whole("uplink.mqtt.reconnect-max-ms", 30_000, 1, 3_600_000,
            "ms", "reconnect back-off, longest delay");
    public static final Setting MQTT_TLS_CA = Setting.of("uplink.mqtt.tls.ca", Type.PATH, null,
            "PEM file of the CA certificates trusted for the broker; required for ssl://");
    public static final Setting MQTT_TLS_CLIENT_KEYSTORE = Setting.of("uplink.mqtt.tls.client-keystore", Type.PATH, null,
            "mutual TLS: the device's PKCS#12 key store with its CA-issued chain; absent: server-only TLS");
    public static final Setting MQTT_TLS_CLIENT_PASSPHRASE_SOURCE = Setting.of("uplink.mqtt.tls.client-passphrase-source",
            Type.SECRET_SOURCE, null, "where the client key store's passphrase is read from");

    public static final Setting COAP_URL = Setting.of("uplink.coap.url", Type.TEXT, null,
            "coaps://host:port; enables the CoAP uplink").only(Scope.STANDALONE);
    /**
     * Issue #19: a CoAP route needs the CoAP connection, which must not carry the main stream (every
     * record in full) to the route's server unless asked.
     */
    public static final Setting COAP_MAIN = Setting.of("uplink.coap.main", Type.BOOLEAN, null,
            "whether the CoAP uplink also carries the main stream (every record in full, to"
                    + " <url>/certigate/v1/<device>/readings); default: true without uplink.mqtt.url, false with it"
                    + " (the CoAP connection then carries only the routes' paths)").only(Scope.STANDALONE);
    public static final Setting COAP_PSK_IDENTITY = Setting.of("uplink.coap.psk-identity", Type.TEXT, null,
            "DTLS PSK identity; absent: the device id").only(Scope.STANDALONE);
    public static final Setting COAP_PSK_SECRET_SOURCE = Setting.of("uplink.coap.psk-secret-source", Type.SECRET_SOURCE, null,
            "where the DTLS pre-shared key is read from (hex, 16 bytes at least); required for CoAP").only(Scope.STANDALONE);
    public static final Setting COAP_RECORDS_PER_BATCH = Setting.whole("uplink.coap.records-per-batch", 100, 1, 65_535,
            "records", "records per POST at most").only(Scope.STANDALONE);
    public static final Setting COAP_WINDOW = Setting.whole("uplink.coap.window", 1, 1, 64, "requests",
            "POSTs sent and not yet answered at most").only(Scope.STANDALONE);
    public static final Setting COAP_MAX_BODY_BYTES = Setting.whole("uplink.coap.max-body-bytes", 64 * 1024, 64, 4 << 20,
            "bytes", "largest POST body (blockwise transfer above 1024 bytes)").only(Scope.STANDALONE);
    public static final Setting COAP_RETRY_MIN_MS = Setting.whole("uplink.coap.retry-min-ms", 500, 1, 3_600_000, "ms",
            "retry back-off, first delay").only(Scope.STANDALONE);
    public static final Setting COAP_RETRY_MAX_MS = Setting.whole("uplink.coap.retry-max-ms", 60_000, 1, 3_600_000, "ms",
            "retry back-off, longest delay").only(Scope.STANDALONE);

    public static final List<Setting> ALL = List.of(MQTT_URL, MQTT_CLIENT_ID, MQTT_USERNAME, MQTT_PASSWORD_SOURCE,
            MQTT_ALLOW_PLAINTEXT_CREDENTIALS, MQTT_RECORDS_PER_BATCH, MQTT_WINDOW, MQTT_MAX_PACKET_BYTES, MQTT_RECONNECT_MIN_MS, MQTT_RECONNECT_MAX_MS, MQTT_TLS_CA,
            MQTT_TLS_CLIENT_KEYSTORE, MQTT_TLS_CLIENT_PASSPHRASE_SOURCE, COAP_URL, COAP_MAIN, COAP_PSK_IDENTITY, COAP_PSK_SECRET_SOURCE,
            COAP_RECORDS_PER_BATCH, COAP_WINDOW, COAP_MAX_BODY_BYTES, COAP_RETRY_MIN_MS, COAP_RETRY_MAX_MS);
}
