package io.certigate.fleet.ingest;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.KeySuggestion;
import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.UplinkSettings;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The fleet ingest's settings ({@code fleet.ingest.*}), defined once as {@link Setting}s and read
 * into one immutable, validated object: every error names the key and the value (never a secret).
 *
 * @param broker           the broker, the instance's client id, its login and TLS, the reconnect back-off
 * @param group            the shared subscription's group ({@code $share/<group>/...})
 * @param bootstrapServers Kafka's bootstrap servers
 * @param kafkaClient      Kafka producer properties passed through ({@code fleet.ingest.kafka.client.<NAME>})
 * @param maxPayloadBytes  largest MQTT payload forwarded; larger ones become an OVERSIZED finding
 * @param maxInFlight      MQTT messages received and not yet acknowledged at most
 */
public record IngestSettings(BrokerOptions broker, String group, String bootstrapServers, Map<String, String> kafkaClient,
        int maxPayloadBytes, int maxInFlight) {
    public static final String PREFIX = "fleet.ingest.";

    public static final Setting MQTT_URL = standalone(Setting.of("fleet.ingest.mqtt.url", Type.TEXT, null,
            "the broker the gateways publish to, tcp://host:port or ssl://host:port (needs fleet.ingest.mqtt.tls.ca);"
                    + " required"));
    public static final Setting MQTT_GROUP = standalone(Setting.of("fleet.ingest.mqtt.group", Type.TEXT,
            "certigate-ingest", "shared subscription group: the instances of one group split the messages"));
    public static final Setting MQTT_CLIENT_ID = standalone(Setting.of("fleet.ingest.mqtt.client-id", Type.TEXT, null,
            "this instance's client id, unique per instance and kept across restarts (the broker keeps the"
                    + " instance's unacknowledged messages under it); required"));
    public static final Setting MQTT_USERNAME = standalone(Setting.of("fleet.ingest.mqtt.username", Type.TEXT, null,
            "user name; absent: none"));
    public static final Setting MQTT_PASSWORD_SOURCE = standalone(Setting.of("fleet.ingest.mqtt.password-source",
            Type.SECRET_SOURCE, null, "where the password is read from (file:PATH or env:NAME)"));
    public static final Setting MQTT_ALLOW_PLAINTEXT_CREDENTIALS = standalone(Setting.of(
            "fleet.ingest.mqtt.allow-plaintext-credentials", Type.BOOLEAN, "false",
            "accept a user name and password over tcp:// to a host that is not loopback (they travel in clear)"));
    public static final Setting MQTT_TLS_CA = standalone(Setting.of("fleet.ingest.mqtt.tls.ca", Type.PATH, null,
            "PEM file of the CA certificates trusted for the broker; required for ssl://"));
    public static final Setting MQTT_TLS_CLIENT_KEYSTORE = standalone(Setting.of("fleet.ingest.mqtt.tls.client-keystore",
            Type.PATH, null, "mutual TLS: PKCS#12 key store with the instance's client key and chain"));
    public static final Setting MQTT_TLS_CLIENT_PASSPHRASE_SOURCE = standalone(Setting.of(
            "fleet.ingest.mqtt.tls.client-passphrase-source", Type.SECRET_SOURCE, null,
            "where the client key store's passphrase is read from"));
    public static final Setting MQTT_RECONNECT_MIN_MS = standalone(Setting.whole("fleet.ingest.mqtt.reconnect-min-ms", 250,
            1, 3_600_000, "ms", "reconnect back-off, first delay (jittered, doubling)"));
    public static final Setting MQTT_RECONNECT_MAX_MS = standalone(Setting.whole("fleet.ingest.mqtt.reconnect-max-ms",
            30_000, 1, 3_600_000, "ms", "reconnect back-off, longest delay"));
    public static final Setting KAFKA_BOOTSTRAP_SERVERS = standalone(Setting.of("fleet.ingest.kafka.bootstrap-servers",
            Type.TEXT, null, "Kafka's bootstrap servers, host:port[,host:port...]; required"));
    /** A family: {@code fleet.ingest.kafka.client.linger.ms = 10} sets the producer's {@code linger.ms}. */
    public static final Setting KAFKA_CLIENT = standalone(Setting.of("fleet.ingest.kafka.client.<NAME>", Type.TEXT, null,
            "a Kafka producer property passed through (not acks, enable.idempotence, serializers or"
                    + " bootstrap.servers, which the ingest sets)"));
    public static final Setting MAX_PAYLOAD_BYTES = standalone(Setting.whole("fleet.ingest.max-payload-bytes", 256 * 1024,
            1, 8 << 20, "bytes", "largest MQTT payload forwarded to Kafka; larger ones are reported as oversized"));
    public static final Setting MAX_IN_FLIGHT = standalone(Setting.whole("fleet.ingest.max-in-flight", 1000, 1, 65_535,
            "messages", "MQTT messages received and not yet acknowledged at most (received while Kafka has not"
                    + " acknowledged them); beyond it the ingest stops reading from the broker"));

    public static final List<Setting> ALL = List.of(MQTT_URL, MQTT_GROUP, MQTT_CLIENT_ID, MQTT_USERNAME, MQTT_PASSWORD_SOURCE,
            MQTT_ALLOW_PLAINTEXT_CREDENTIALS, MQTT_TLS_CA, MQTT_TLS_CLIENT_KEYSTORE, MQTT_TLS_CLIENT_PASSPHRASE_SOURCE,
            MQTT_RECONNECT_MIN_MS, MQTT_RECONNECT_MAX_MS, KAFKA_BOOTSTRAP_SERVERS, KAFKA_CLIENT, MAX_PAYLOAD_BYTES,
            MAX_IN_FLIGHT);

    /** Producer properties the ingest sets itself, for its guarantees; refused as pass-through. */
    static final Set<String> FIXED_PRODUCER_PROPERTIES = Set.of(ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    /** Room left in a Kafka request beside the payload: key (at most 128 bytes), headers, record and batch overhead. */
    static final int REQUEST_OVERHEAD_BYTES = 1024;
    private static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    public IngestSettings {
        kafkaClient = Map.copyOf(kafkaClient);
        checkGroup(group);
        for (String k : kafkaClient.keySet()) {
            if (FIXED_PRODUCER_PROPERTIES.contains(k)) {
                throw new IllegalArgumentException(KAFKA_CLIENT.prefix() + k + " cannot be set: the ingest sets " + k
                        + " itself (acks=all, idempotent, byte arrays)");
            }
        }
        long maxRequest = kafkaClient.containsKey(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)
                ? Long.parseLong(kafkaClient.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG).trim())
                : KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        if (maxPayloadBytes + (long) REQUEST_OVERHEAD_BYTES > maxRequest) {
            throw new IllegalArgumentException(MAX_PAYLOAD_BYTES.key() + " = " + maxPayloadBytes + " does not fit in a Kafka"
                    + " request of " + maxRequest + " bytes (max.request.size) with " + REQUEST_OVERHEAD_BYTES
                    + " bytes of key and headers: raise " + KAFKA_CLIENT.prefix() + "max.request.size (and the"
                    + " brokers' message.max.bytes) or lower " + MAX_PAYLOAD_BYTES.key());
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException(MAX_IN_FLIGHT.key() + " must be at least 1");
        }
    }

    private static Setting standalone(Setting s) {
        return s.only(Scope.STANDALONE);
    }

    /** Settings for tests and embedding: the given broker and Kafka, the defaults otherwise. */
    public static IngestSettings of(BrokerOptions broker, String bootstrapServers) {
        return new IngestSettings(broker, MQTT_GROUP.defaultValue(), bootstrapServers, Map.of(),
                (int) MAX_PAYLOAD_BYTES.defaultValueAsLong(), (int) MAX_IN_FLIGHT.defaultValueAsLong());
    }

    public IngestSettings withGroup(String g) {
        return new IngestSettings(broker, g, bootstrapServers, kafkaClient, maxPayloadBytes, maxInFlight);
    }

    public IngestSettings withBroker(BrokerOptions b) {
        return new IngestSettings(b, group, bootstrapServers, kafkaClient, maxPayloadBytes, maxInFlight);
    }

    public IngestSettings withKafkaClient(Map<String, String> properties) {
        return new IngestSettings(broker, group, bootstrapServers, properties, maxPayloadBytes, maxInFlight);
    }

    public IngestSettings withLimits(int payloadBytes, int inFlight) {
        return new IngestSettings(broker, group, bootstrapServers, kafkaClient, payloadBytes, inFlight);
    }

    /**
     * The settings under {@code fleet.ingest.} in {@code values}; an unknown {@code fleet.ingest.} key is an error.
     *
     * @param origin what errors name first (the configuration file)
     * @throws IllegalArgumentException naming the key and the value that are wrong (never a secret)
     */
    public static IngestSettings parse(String origin, Map<String, ?> values) {
        Map<String, String> client = new TreeMap<>();
        for (String k : values.keySet()) {
            if (!k.startsWith(PREFIX)) {
                continue;
            }
            if (KAFKA_CLIENT.matches(k)) {
                client.put(k.substring(KAFKA_CLIENT.prefix().length()), String.valueOf(values.get(k)).trim());
            } else if (ALL.stream().noneMatch(s -> s.matches(k))) {
                throw new IllegalArgumentException(origin + ": " + KeySuggestion.unknownKey(k,
                        ALL.stream().map(Setting::key).collect(java.util.stream.Collectors.toSet())));
            }
        }
        ConfigValues v = new ConfigValues(origin, values);
        String url = v.required(MQTT_URL.key());
        String clientId = v.required(MQTT_CLIENT_ID.key());
        long minMs = v.whole(MQTT_RECONNECT_MIN_MS);
        long maxMs = v.whole(MQTT_RECONNECT_MAX_MS);
        Backoff backoff;
        try {
            backoff = new Backoff(Duration.ofMillis(minMs), Duration.ofMillis(maxMs));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + MQTT_RECONNECT_MIN_MS.key() + " = " + minMs + " must not be"
                    + " above " + MQTT_RECONNECT_MAX_MS.key() + " = " + maxMs, e);
        }
        BrokerOptions broker;
        try {
            broker = new BrokerOptions(url, clientId, null, null, null, backoff);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + MQTT_URL.key() + ": " + e.getMessage(), e);
        }
        broker = login(origin, v, url, broker);
        try {
            return new IngestSettings(broker, v.text(MQTT_GROUP), v.required(KAFKA_BOOTSTRAP_SERVERS.key()), client,
                    v.wholeInt(MAX_PAYLOAD_BYTES), v.wholeInt(MAX_IN_FLIGHT));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(origin + ": " + KAFKA_CLIENT.prefix() + ProducerConfig.MAX_REQUEST_SIZE_CONFIG
                    + " must be a whole number", e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(origin)) {
                throw e;
            }
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    /** The user name and password, TLS and client key store, read the way {@code certigate collect} reads them. */
    private static BrokerOptions login(String origin, ConfigValues v, String url, BrokerOptions broker) {
        String user = v.text(MQTT_USERNAME);
        String passwordSource = v.secretSource(MQTT_PASSWORD_SOURCE.key(), false);
        if (!passwordSource.isEmpty() && user.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + MQTT_PASSWORD_SOURCE.key() + " needs " + MQTT_USERNAME.key());
        }
        // before the password is read: over tcp:// to another host it would travel in clear
        UplinkSettings.checkCredentialsTransport(origin, url, !user.isEmpty(), v.bool(MQTT_ALLOW_PLAINTEXT_CREDENTIALS),
                MQTT_URL, MQTT_USERNAME, MQTT_TLS_CA, MQTT_ALLOW_PLAINTEXT_CREDENTIALS);
        if (!user.isEmpty()) {
            broker = broker.withCredentials(user, passwordSource.isEmpty() ? null
                    : secret(origin, MQTT_PASSWORD_SOURCE, passwordSource));
        }
        String ca = v.text(MQTT_TLS_CA);
        String keyStore = v.text(MQTT_TLS_CLIENT_KEYSTORE);
        String passSource = v.secretSource(MQTT_TLS_CLIENT_PASSPHRASE_SOURCE.key(), false);
        if (keyStore.isEmpty() != passSource.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + MQTT_TLS_CLIENT_KEYSTORE.key() + " and "
                    + MQTT_TLS_CLIENT_PASSPHRASE_SOURCE.key() + " go together (mutual TLS)");
        }
        if (url.startsWith("ssl://") != !ca.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + MQTT_TLS_CA.key() + (ca.isEmpty() ? " is required for "
                    : " applies to ssl:// brokers only, not ") + url);
        }
        if (!keyStore.isEmpty() && ca.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + MQTT_TLS_CLIENT_KEYSTORE.key() + " needs an ssl:// broker and "
                    + MQTT_TLS_CA.key());
        }
        if (!ca.isEmpty()) {
            char[] pass = keyStore.isEmpty() ? null : secret(origin, MQTT_TLS_CLIENT_PASSPHRASE_SOURCE, passSource);
            try {
                // the key store keeps the passphrase for its key manager: not wiped here
                broker = broker.withTls(TlsSettings.fromFiles(Path.of(ca), keyStore.isEmpty() ? null : Path.of(keyStore),
                        pass));
            } catch (IOException e) {
                throw new IllegalArgumentException(origin + ": " + MQTT_TLS_CA.key() + ": " + e.getMessage(), e);
            }
        }
        return broker;
    }

    private static char[] secret(String origin, Setting key, String source) {
        try {
            return Passphrase.resolve(key.key(), source);
        } catch (SigningException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    /** A shared subscription's group name: one topic level, no wildcard (MQTT 5 §4.8.2, Mosquitto for 3.1.1 too). */
    static void checkGroup(String group) {
        if (group == null || group.isEmpty() || group.chars().anyMatch(c -> c == '/' || c == '+' || c == '#' || c < 0x20)) {
            throw new IllegalArgumentException(MQTT_GROUP.key() + " = '" + group
                    + "' must be a non-empty name without '/', '+', '#' or control characters");
        }
    }

    /** The Kafka producer's configuration: the pass-through properties, then what the ingest's guarantees need. */
    public Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000); // send() waits this long at most for metadata or buffer
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "certigate-ingest-" + broker.clientId());
        p.putAll(kafkaClient);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    @Override
    public String toString() { // the broker options never show the password
        return "IngestSettings[" + broker + ", group " + group + ", kafka " + bootstrapServers + ", " + kafkaClient.keySet()
                + ", max payload " + maxPayloadBytes + " B, max in flight " + maxInFlight + "]";
    }
}
