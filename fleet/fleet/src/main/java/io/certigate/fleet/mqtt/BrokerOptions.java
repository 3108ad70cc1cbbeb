package io.certigate.fleet.mqtt;

import io.certigate.uplink.Backoff;
import io.certigate.uplink.mqtt.TlsSettings;
import java.time.Duration;

/**
 * How a fleet subscriber (the reference collector, the fleet ingest) reaches the broker and logs
 * in: the broker URI, the persistent session's client id, a user name and password and/or TLS with
 * an optional client key store (mutual TLS), and the reconnect back-off. {@link #toString()} never
 * shows the password.
 *
 * @param serverUri  {@code tcp://} or {@code ssl://} broker URI
 * @param clientId   the persistent session's client id
 * @param username   MQTT user name, or null for none
 * @param password   MQTT password (with a user name), or null
 * @param tls        TLS settings for {@code ssl://} (with a client key store for mutual TLS), or null
 * @param reconnect  delay between connect attempts
 */
public record BrokerOptions(String serverUri, String clientId, String username, char[] password, TlsSettings tls,
        Backoff reconnect) {
    public BrokerOptions {
        if (serverUri == null || !(serverUri.startsWith("tcp://") || serverUri.startsWith("ssl://"))) {
            throw new IllegalArgumentException("MQTT server URI must be tcp://host:port or ssl://host:port, got "
                    + serverUri);
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("an MQTT password needs a user name");
        }
        password = password == null ? null : password.clone();
    }

    /** The reference collector's defaults: client id {@code certigate-collector}, reconnect 200 ms .. 2 s. */
    public static BrokerOptions defaults(String serverUri) {
        return new BrokerOptions(serverUri, "certigate-collector", null, null, null,
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)));
    }

    public BrokerOptions withClientId(String id) {
        return new BrokerOptions(serverUri, id, username, password, tls, reconnect);
    }

    public BrokerOptions withTls(TlsSettings t) {
        return new BrokerOptions(serverUri, clientId, username, password, t, reconnect);
    }

    /** A user name and its password (empty for none). */
    public BrokerOptions withCredentials(String user, char[] pass) {
        return new BrokerOptions(serverUri, clientId, user, pass, tls, reconnect);
    }

    public BrokerOptions withReconnect(Backoff b) {
        return new BrokerOptions(serverUri, clientId, username, password, tls, b);
    }

    @Override
    public char[] password() {
        return password == null ? null : password.clone();
    }

    /** What the login consists of, for an error message: {@code no user name} or {@code user U}, with a client certificate. */
    public String loginText() {
        return (username == null ? "no user name" : "user " + username)
                + (tls != null && tls.clientKeys() != null ? ", client certificate" : "");
    }

    @Override
    public String toString() { // never the password
        return "BrokerOptions[" + serverUri + ", client " + clientId + (username == null ? "" : ", user " + username)
                + (tls == null ? "" : tls.clientKeys() == null ? ", TLS" : ", mutual TLS") + "]";
    }
}
