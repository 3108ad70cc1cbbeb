package io.certigate.uplink;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.Setting;
import io.certigate.uplink.coap.CoapEndpoints;
import io.certigate.uplink.coap.CoapUplink;
import io.certigate.uplink.coap.DtlsCredentials;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;

/**
 * The uplink's settings for {@code certigate run}, read once from the {@code uplink.*} keys of a
 * properties configuration and validated in one place. Every error names the key and the value;
 * an unknown {@code uplink.} key is an error.
 *
 * <p>The keys, defaults and ranges are defined in {@link UplinkSettings}.
 *
 * @param mqtt the MQTT uplink's options, or null when {@code uplink.mqtt.url} is absent
 * @param coap the CoAP uplink's options, or null when {@code uplink.coap.url} is absent
 * @param coapMain whether the CoAP uplink carries the main stream ({@code uplink.coap.main}; default: when
 *                 there is no MQTT uplink); false: it carries the forwarding routes only
 */
public record UplinkConfig(MqttUplinkOptions mqtt, CoapUplink.Options coap, boolean coapMain) {
    public static final String PREFIX = "uplink.";
    /** The former clear-text key, still recognised so that its error says what to use instead. */
    private static final String CLEAR_PSK = "uplink.coap.psk-secret-hex";
    /** Likewise for the mutual-TLS key store's passphrase. */
    private static final String CLEAR_TLS_PASS = "uplink.mqtt.tls.client-passphrase";
    /** Every key of the uplink section. */
    public static final Set<String> KEYS = keys();

    private static Set<String> keys() {
        Set<String> all = new java.util.HashSet<>(Set.of(CLEAR_TLS_PASS, CLEAR_PSK));
        UplinkSettings.ALL.forEach(s -> all.add(s.key()));
        return Set.copyOf(all);
    }

    /** Whether the configuration has an uplink section at all. */
    public static boolean present(Properties p) {
        return p.stringPropertyNames().stream().anyMatch(k -> k.startsWith(PREFIX));
    }

    /** @throws IllegalArgumentException naming the key and value that are wrong */
    public static UplinkConfig parse(Properties p, String device, String origin) {
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k)) {
                throw new IllegalArgumentException(origin + ": " + io.certigate.core.config.KeySuggestion.unknownKey(k, KEYS));
            }
        }
        MqttUplinkOptions mqtt = mqtt(p, device, origin);
        CoapUplink.Options coap = coap(p, device, origin);
        String main = p.getProperty(UplinkSettings.COAP_MAIN.key(), "").trim();
        boolean coapMain = main.isEmpty() ? mqtt == null : ConfigValues.of(origin, p).bool(UplinkSettings.COAP_MAIN);
        if (!main.isEmpty() && coap == null) {
            throw new IllegalArgumentException(origin + ": " + UplinkSettings.COAP_MAIN.key()
                    + " is set but there is no CoAP uplink (uplink.coap.url)");
        }
        if (coap != null && !coapMain && mqtt == null) {
            throw new IllegalArgumentException(origin + ": " + UplinkSettings.COAP_MAIN.key() + " = false needs"
                    + " uplink.mqtt.url: the main stream (every record, which the buffer keeps until it is delivered)"
                    + " must go to one uplink");
        }
        return new UplinkConfig(mqtt, coap, coapMain);
    }

    private static MqttUplinkOptions mqtt(Properties p, String device, String origin) {
        String url = p.getProperty("uplink.mqtt.url", "").trim();
        if (url.isEmpty()) {
            return null;
        }
        MqttUplinkOptions o;
        try {
            o = MqttUplinkOptions.defaults(url, device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": uplink.mqtt.url = " + url + ": " + e.getMessage());
        }
        String id = p.getProperty("uplink.mqtt.client-id", "").trim();
        if (!id.isEmpty()) {
            o = o.withClientId(id);
        }
        String user = p.getProperty("uplink.mqtt.username", "").trim();
        // before the password is read: credentials over tcp:// to another host would travel in clear
        UplinkSettings.checkCredentialsTransport(origin, url, !user.isEmpty(),
                ConfigValues.of(origin, p).bool(UplinkSettings.MQTT_ALLOW_PLAINTEXT_CREDENTIALS));
        if (!user.isEmpty()) {
            String source = p.getProperty("uplink.mqtt.password-source", "").trim();
            char[] password = new char[0];
            if (!source.isEmpty()) {
                try {
                    password = io.certigate.signing.Passphrase.resolve(source);
                } catch (io.certigate.signing.SigningException e) {
                    throw new IllegalArgumentException(origin + ": uplink.mqtt.password-source: " + e.getMessage());
                }
            }
            o = o.withCredentials(user, password);
        }
        o = o.withBatching(number(p, origin, UplinkSettings.MQTT_RECORDS_PER_BATCH), number(p, origin, UplinkSettings.MQTT_WINDOW),
                number(p, origin, UplinkSettings.MQTT_MAX_PACKET_BYTES));
        o = o.withReconnect(backoff(p, origin, UplinkSettings.MQTT_RECONNECT_MIN_MS, UplinkSettings.MQTT_RECONNECT_MAX_MS));
        String ca = p.getProperty("uplink.mqtt.tls.ca", "").trim();
        if (url.startsWith("ssl://") && ca.isEmpty()) {
            throw new IllegalArgumentException(origin + ": uplink.mqtt.tls.ca is required for " + url);
        }
        if (!ca.isEmpty()) {
            if (p.getProperty(CLEAR_TLS_PASS) != null) {
                throw new IllegalArgumentException(origin + ": " + CLEAR_TLS_PASS + " puts the key store's passphrase in"
                        + " clear in the configuration and is no longer accepted: set"
                        + " uplink.mqtt.tls.client-passphrase-source = file:PATH (or env:NAME)");
            }
            String ks = p.getProperty("uplink.mqtt.tls.client-keystore", "").trim();
            String passSource = p.getProperty("uplink.mqtt.tls.client-passphrase-source", "").trim();
            if (ks.isEmpty() != passSource.isEmpty()) {
                throw new IllegalArgumentException(origin + ": uplink.mqtt.tls.client-keystore and"
                        + " uplink.mqtt.tls.client-passphrase-source go together (mutual TLS)");
            }
            char[] pass = new char[0];
            if (!passSource.isEmpty()) {
                if (!passSource.startsWith("file:") && !passSource.startsWith("env:")) {
                    throw new IllegalArgumentException(origin + ": uplink.mqtt.tls.client-passphrase-source is neither"
                            + " file:PATH nor env:NAME (the passphrase itself is never put in the configuration)");
                }
                try {
                    pass = io.certigate.signing.Passphrase.resolve(passSource);
                } catch (io.certigate.signing.SigningException e) {
                    throw new IllegalArgumentException(origin + ": uplink.mqtt.tls.client-passphrase-source = " + passSource
                            + ": " + e.getMessage());
                }
            }
            try {
                o = o.withTls(TlsSettings.fromFiles(Path.of(ca), ks.isEmpty() ? null : Path.of(ks), pass));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": uplink.mqtt.tls: " + e.getMessage());
            } // the key store keeps the passphrase for its key manager: not wiped here
        }
        return o;
    }

    private static CoapUplink.Options coap(Properties p, String device, String origin) {
        String url = p.getProperty("uplink.coap.url", "").trim();
        if (url.isEmpty()) {
            return null;
        }
        if (p.getProperty(CLEAR_PSK) != null) {
            throw new IllegalArgumentException(origin + ": " + CLEAR_PSK + " puts the DTLS secret in clear in the configuration"
                    + " and is no longer accepted: write the hex secret to a file readable only by the gateway (or an"
                    + " environment variable) and set uplink.coap.psk-secret-source = file:PATH (or env:NAME)");
        }
        String source = p.getProperty("uplink.coap.psk-secret-source", "").trim();
        if (source.isEmpty()) {
            throw new IllegalArgumentException(origin + ": uplink.coap.psk-secret-source is required for " + url
                    + " (file:PATH or env:NAME holding the hex secret)");
        }
        if (!source.startsWith("file:") && !source.startsWith("env:")) {
            // perhaps the secret itself: not repeated in the error, which may end up in a log
            throw new IllegalArgumentException(origin + ": uplink.coap.psk-secret-source is neither file:PATH nor env:NAME"
                    + " (value not shown: the secret is never written in the configuration)");
        }
        DtlsCredentials.Psk psk;
        try {
            char[] hex = io.certigate.signing.Passphrase.resolve(source);
            psk = new DtlsCredentials.Psk(p.getProperty("uplink.coap.psk-identity", device).trim(),
                    HexFormat.of().parseHex(new String(hex).strip()));
            java.util.Arrays.fill(hex, '\0');
        } catch (io.certigate.signing.SigningException | IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": uplink.coap.psk-secret-source = " + source + ": " + e.getMessage()
                    + " (hex, at least 16 bytes)");
        }
        try {
            return CoapUplink.Options.defaults(URI.create(url), psk).with(
                    number(p, origin, UplinkSettings.COAP_RECORDS_PER_BATCH), number(p, origin, UplinkSettings.COAP_WINDOW),
                    number(p, origin, UplinkSettings.COAP_MAX_BODY_BYTES),
                    CoapEndpoints.Timing.DEFAULT, backoff(p, origin, UplinkSettings.COAP_RETRY_MIN_MS, UplinkSettings.COAP_RETRY_MAX_MS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": uplink.coap.url = " + url + ": " + e.getMessage());
        }
    }

    private static Backoff backoff(Properties p, String origin, Setting min, Setting max) {
        long lo = number(p, origin, min);
        long hi = number(p, origin, max);
        if (hi < lo) {
            throw new IllegalArgumentException(origin + ": " + max.key() + " " + hi + " is below " + min.key() + " " + lo);
        }
        return new Backoff(Duration.ofMillis(lo), Duration.ofMillis(hi));
    }

    private static int number(Properties p, String origin, Setting setting) {
        return setting.parseInt(origin, p.getProperty(setting.key()));
    }
}
