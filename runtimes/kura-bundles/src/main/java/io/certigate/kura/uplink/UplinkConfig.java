package io.certigate.kura.uplink;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of the MQTT uplink: the {@code uplink.mqtt.*} keys of the standalone configuration;
 * {@code $_$} in a name stands for '-'. The password and the client key store's passphrase are
 * given by their source.
 */
@ObjectClassDefinition(id = UplinkComponent.PID, name = "certigate MQTT uplink",
        description = "Forwards the spine's signed records to an MQTT broker (QoS 1) and marks them delivered on PUBACK.")
public @interface UplinkConfig {

    @AttributeDefinition(name = "Broker", description = "tcp://host:port, or ssl://host:port (TLS; needs the CA file)")
    String uplink_mqtt_url();

    @AttributeDefinition(name = "Client id", required = false, description = "Empty: certigate-<device>.")
    String uplink_mqtt_client$_$id() default "";

    @AttributeDefinition(name = "User name", required = false)
    String uplink_mqtt_username() default "";

    @AttributeDefinition(name = "Password", required = false,
            description = "Where the password is read from: file:PATH or env:NAME (never the secret itself).")
    String uplink_mqtt_password$_$source() default "";

    @AttributeDefinition(name = "Allow credentials in clear", required = false,
            description = "Accept the user name and password over tcp:// to a broker that is not loopback (they travel"
                    + " in clear); use ssl:// instead.")
    boolean uplink_mqtt_allow$_$plaintext$_$credentials() default false;

    @AttributeDefinition(name = "Records per message", min = "1", max = "65535")
    int uplink_mqtt_records$_$per$_$batch() default 100;

    @AttributeDefinition(name = "Messages in flight", min = "1", max = "65535")
    int uplink_mqtt_window() default 32;

    @AttributeDefinition(name = "Largest message (bytes)", min = "512", max = "268435455",
            description = "The broker's maximum packet size; batches are cut to fit.")
    int uplink_mqtt_max$_$packet$_$bytes() default 262_144;

    @AttributeDefinition(name = "Reconnect back-off, first delay (ms)", min = "1", max = "3600000")
    long uplink_mqtt_reconnect$_$min$_$ms() default 250;

    @AttributeDefinition(name = "Reconnect back-off, longest delay (ms)", min = "1", max = "3600000")
    long uplink_mqtt_reconnect$_$max$_$ms() default 30_000;

    @AttributeDefinition(name = "TLS: trusted CA", required = false,
            description = "PEM file of the CA certificates that may sign the broker's certificate (required for ssl://).")
    String uplink_mqtt_tls_ca() default "";

    @AttributeDefinition(name = "TLS: client key store", required = false,
            description = "Mutual TLS: the device's PKCS#12 key store holding its CA-issued certificate chain; empty: server-only TLS.")
    String uplink_mqtt_tls_client$_$keystore() default "";

    @AttributeDefinition(name = "TLS: client key store passphrase", required = false,
            description = "Where its passphrase is read from: file:PATH or env:NAME (never the secret itself).")
    String uplink_mqtt_tls_client$_$passphrase$_$source() default "";

    @AttributeDefinition(name = "Spine", description = "Filter selecting the spine whose records are forwarded.")
    String spine_target() default "(device.id=*)";
}
