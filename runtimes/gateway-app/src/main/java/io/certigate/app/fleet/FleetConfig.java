package io.certigate.app.fleet;

import io.certigate.app.metrics.MetricsSettings;
import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.KeySuggestion;
import io.certigate.core.config.PropertiesFile;
import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Type;
import io.certigate.fleet.ingest.IngestSettings;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.store.StoreSettings;
import io.certigate.fleet.topics.TopicLayout;
import io.certigate.fleet.verify.FleetVerifySettings;
import io.certigate.fleet.verify.FleetVerifyTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration of a fleet instance ({@code certigate fleet run --config F}): one properties
 * file, the roles this instance runs and each role's settings, checked once before anything starts.
 * Every error names the file, the key and the value; an unknown key is an error with the nearest
 * known key suggested.
 *
 * @param roles            what this instance runs
 * @param bootstrapServers the Kafka cluster
 * @param topics           partitions and replication of the fleet's topics, created at start when missing
 * @param trust            the verification's trust settings ({@link FleetVerifyTrust}: consortium CA, key files,
 *                         device registry), read when the verification starts
 * @param metricsPort      port of {@code /metrics}, -1 for none
 * @param metricsAddress   address {@code /metrics} listens on
 * @param ingest           the ingest's settings, or null when this instance does not ingest
 * @param verify           the verification's settings
 * @param store            the store's options, or null when this instance does not store
 * @param membership       how this instance's Kafka consumers (the verification's stream threads, the
 *                         store's consumer) take part in their consumer groups
 */
public record FleetConfig(Set<Role> roles, String bootstrapServers, TopicLayout topics, ConfigValues trust, int metricsPort,
        String metricsAddress, IngestSettings ingest, FleetVerifySettings verify, StoreOptions store,
        GroupMembership membership, AnchorOptions anchor, ConsumerOptions consumer) {

    /** The configuration without the consumer API (the constructor the other roles' code uses). */
    public FleetConfig(Set<Role> roles, String bootstrapServers, TopicLayout topics, ConfigValues trust, int metricsPort,
            String metricsAddress, IngestSettings ingest, FleetVerifySettings verify, StoreOptions store,
            GroupMembership membership, AnchorOptions anchor) {
        this(roles, bootstrapServers, topics, trust, metricsPort, metricsAddress, ingest, verify, store, membership,
                anchor, null);
    }

    /**
     * The consumer role's settings (the consumer API of issue #19, {@code io.certigate.fleet.consumer}).
     *
     * @param port             HTTPS port, 0 for any free port
     * @param address          address it listens on
     * @param keyStore         PKCS#12 key store of the server's TLS key and certificate
     * @param passphraseSource where its passphrase is read from (file:PATH or env:NAME)
     * @param ca               PEM file of the consortium CA certificates client certificates must chain to
     * @param rpcUrl           JSON-RPC endpoint of a ledger node
     * @param chainId          the chain id the node must report
     * @param consentRegistry  the ConsentRegistry contract's address (its DeviceRegistry is read from it)
     * @param threads          requests handled at once
     * @param store            the PostgreSQL database (the store's {@code fleet.store.*} keys)
     * @param anchorContract   the CertigateAnchor contract gateways anchor their batches in (direct
     *                         anchoring), for the proof bundles; null: none are served
     * @param copyKeyPollMs    how often the copy-key watcher looks for new blocks (revocations, expiries)
     */
    public record ConsumerOptions(int port, String address, Path keyStore, String passphraseSource, Path ca,
            String rpcUrl, long chainId, String consentRegistry, int threads, StoreOptions store,
            String anchorContract, long copyKeyPollMs) {
        /** With no anchor contract and the default watcher period. */
        public ConsumerOptions(int port, String address, Path keyStore, String passphraseSource, Path ca,
                String rpcUrl, long chainId, String consentRegistry, int threads, StoreOptions store) {
            this(port, address, keyStore, passphraseSource, ca, rpcUrl, chainId, consentRegistry, threads, store,
                    null, 1_000);
        }
    }

    /**
     * The anchor role's settings (aggregated anchoring, issue #17).
     *
     * @param intervalMs         how often a fleet root is anchored (at most one ledger transaction per interval)
     * @param fleetId            the fleet's id on the ledger (registered in the device registry like a device)
     * @param keyStore           PKCS#12 key store of the fleet's receipt-signing key
     * @param passphraseSource   where its passphrase is read from (file:PATH or env:NAME)
     * @param ledger             ledger settings file (the format of {@code anchor.ledger}: node, chain id,
     *                           contract, the fleet's account key file and its passphrase source)
     * @param httpPort           port of {@code GET /devices/<id>/statements}, -1 for none, 0 for any free port
     * @param httpAddress        address it listens on
     * @param group              the statement consumer's Kafka group
     * @param store              the PostgreSQL database (the store's {@code fleet.store.*} keys)
     * @param broker             the MQTT broker receipts are sent through (the ingest's {@code fleet.ingest.mqtt.*} keys)
     */
    public record AnchorOptions(long intervalMs, String fleetId, Path keyStore, String passphraseSource, Path ledger,
            int httpPort, String httpAddress, String group, StoreOptions store,
            io.certigate.fleet.mqtt.BrokerOptions broker) {}

    /**
     * The consumer group settings of an instance's Kafka consumers (classic group protocol).
     *
     * @param instanceId       static membership: the {@code group.instance.id} of the store's consumer,
     *                         and the prefix of the verification's stream threads' ones (Kafka Streams
     *                         appends the thread's index); null for dynamic membership
     * @param sessionTimeoutMs how long the group waits for a member that stopped heartbeating before its
     *                         partitions move to the others
     * @param heartbeatMs      how often a member heartbeats
     */
    public record GroupMembership(String instanceId, int sessionTimeoutMs, int heartbeatMs) {
        public GroupMembership {
            if (heartbeatMs >= sessionTimeoutMs) {
                throw new IllegalArgumentException(HEARTBEAT_INTERVAL_MS.key() + " (" + heartbeatMs
                        + ") must be below " + SESSION_TIMEOUT_MS.key() + " (" + sessionTimeoutMs + ")");
            }
        }

        /** {@code group.instance.id} (when static), {@code session.timeout.ms}, {@code heartbeat.interval.ms}. */
        public Map<String, Object> consumerProperties() {
            Map<String, Object> p = new HashMap<>();
            if (instanceId != null) {
                p.put("group.instance.id", instanceId);
            }
            p.put("session.timeout.ms", sessionTimeoutMs);
            p.put("heartbeat.interval.ms", heartbeatMs);
            return p;
        }
    }

    /** The stages one instance can run; any subset, ingest, verify and store by default. */
    public enum Role {
        INGEST, VERIFY, STORE, ANCHOR, CONSUMER;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Setting ROLES = Setting.of("fleet.roles", Type.TEXT, "ingest,verify,store",
            "the stages this instance runs, comma-separated: ingest, verify, store, anchor, consumer");
    public static final Setting BOOTSTRAP_SERVERS = Setting.of("fleet.kafka.bootstrap-servers", Type.TEXT, null,
            "the Kafka cluster, host:port[,host:port...]; required");
    public static final Setting PARTITIONS = Setting.whole("fleet.kafka.partitions", 12, 1, 100_000, "partitions",
            "partitions of each fleet topic when it is created (the most instances of one stage that can share work)");
    public static final Setting REPLICATION = Setting.whole("fleet.kafka.replication-factor", 3, 1, 32, "brokers",
            "copies of each fleet topic when it is created; min.insync.replicas is one less");

    public static final Setting GROUP_INSTANCE_ID = Setting.of("fleet.kafka.group-instance-id", Type.TEXT, null,
            "static membership: this instance's id in the verification's and the store's consumer groups, unique"
                    + " per instance and kept across its restarts (a restarted instance takes its partitions back at"
                    + " once, without a rebalance); absent: dynamic membership");
    public static final Setting SESSION_TIMEOUT_MS = Setting.whole("fleet.kafka.session-timeout-ms", 10_000, 1_000,
            1_800_000, "ms", "how long the consumer groups wait for an instance that stopped heartbeating (killed,"
                    + " hung, cut off) before its partitions move to the others; within the brokers'"
                    + " group.min.session.timeout.ms (6 s) and group.max.session.timeout.ms (30 min)");
    public static final Setting HEARTBEAT_INTERVAL_MS = Setting.whole("fleet.kafka.heartbeat-interval-ms", 3_000, 100,
            600_000, "ms", "how often the instance's consumers heartbeat to their group (below a third of the"
                    + " session timeout)");

    public static final Setting ANCHOR_INTERVAL_MS = Setting.whole("fleet.anchor.interval-ms", 60_000, 100,
            86_400_000, "ms", "anchor role: how often the statements accepted meanwhile are anchored as one fleet root"
                    + " (one ledger transaction per interval at most)");
    public static final Setting ANCHOR_FLEET_ID = Setting.of("fleet.anchor.fleet-id", Type.TEXT, null,
            "anchor role: the fleet's id on the ledger, registered in the device registry like a device; required");
    public static final Setting ANCHOR_KEY_STORE = Setting.of("fleet.anchor.key-store", Type.PATH, null,
            "anchor role: PKCS#12 key store of the fleet's receipt-signing key (gateways hold its public key);"
                    + " required");
    public static final Setting ANCHOR_PASSPHRASE = Setting.of("fleet.anchor.passphrase-source", Type.SECRET_SOURCE,
            null, "anchor role: where the key store's passphrase is read from; required");
    public static final Setting ANCHOR_LEDGER = Setting.of("fleet.anchor.ledger", Type.PATH, null,
            "anchor role: ledger settings file, the format of anchor.ledger (anchor.rpc, anchor.chain-id,"
                    + " anchor.contract, anchor.account-key of the fleet's account, anchor.account-pass); required");
    public static final Setting ANCHOR_HTTP_PORT = Setting.whole("fleet.anchor.http.port", -1, -1, 65_535, "",
            "anchor role: port of GET /devices/<id>/statements (a device's statement chain and receipts),"
                    + " -1 for none, 0 for any free port");
    public static final Setting ANCHOR_HTTP_ADDRESS = Setting.of("fleet.anchor.http.address", Type.TEXT, "127.0.0.1",
            "anchor role: address the statement chain is served on");
    public static final Setting ANCHOR_GROUP = Setting.of("fleet.anchor.group", Type.TEXT, "certigate-fleet-anchor",
            "anchor role: Kafka consumer group of the statement consumer (offsets kept in PostgreSQL)");

    public static final Setting CONSUMER_PORT = Setting.whole("fleet.consumer.port", 8443, 0, 65_535, "",
            "consumer role: HTTPS port of the consumer API (client certificates of the consortium CA required),"
                    + " 0 for any free port");
    public static final Setting CONSUMER_ADDRESS = Setting.of("fleet.consumer.address", Type.TEXT, "127.0.0.1",
            "consumer role: address the consumer API listens on");
    public static final Setting CONSUMER_KEY_STORE = Setting.of("fleet.consumer.key-store", Type.PATH, null,
            "consumer role: PKCS#12 key store of the API's TLS key and server certificate; required");
    public static final Setting CONSUMER_PASSPHRASE = Setting.of("fleet.consumer.passphrase-source",
            Type.SECRET_SOURCE, null, "consumer role: where the key store's passphrase is read from; required");
    public static final Setting CONSUMER_CA = Setting.of("fleet.consumer.ca", Type.PATH, null,
            "consumer role: PEM file of the consortium CA certificates that client certificates must chain to;"
                    + " default fleet.verify.ca");
    public static final Setting CONSUMER_RPC = Setting.of("fleet.consumer.ledger.rpc-url", Type.TEXT, null,
            "consumer role: JSON-RPC endpoint (http or https) of a ledger node, for the consent and device"
                    + " registries; required");
    public static final Setting CONSUMER_CHAIN_ID = Setting.wholeWithoutDefault("fleet.consumer.ledger.chain-id", 1,
            Long.MAX_VALUE, "", "consumer role: chain id the ledger node must report; required");
    public static final Setting CONSUMER_CONSENT_REGISTRY = Setting.of("fleet.consumer.consent-registry", Type.TEXT,
            null, "consumer role: address of the ConsentRegistry contract (the DeviceRegistry that maps client"
                    + " certificates to accounts is the one it is bound to); required");
    public static final Setting CONSUMER_ANCHOR_CONTRACT = Setting.of("fleet.consumer.anchor-contract", Type.TEXT,
            null, "consumer role: address of the CertigateAnchor contract the gateways anchor their batches in"
                    + " (direct anchoring), on the ledger of fleet.consumer.ledger.rpc-url; without it no proof"
                    + " bundles are served");
    public static final Setting CONSUMER_THREADS = Setting.whole("fleet.consumer.threads", 4, 1, 256, "threads",
            "consumer role: requests handled at once");
    public static final Setting CONSUMER_COPY_KEY_POLL_MS = Setting.whole("fleet.consumer.copy-key-poll-ms", 1_000, 100,
            3_600_000, "ms", "consumer role: how often the copy keys of the sealed copies are checked against the"
                    + " ledger's new blocks (revoked consents by their events, ended ones by the block's time): keep it"
                    + " below the chain's block time so that a revocation takes effect at the next block");

    /** Keys of this class; the roles' own keys come from their settings classes. */
    public static final List<Setting> OWN = List.of(ROLES, BOOTSTRAP_SERVERS, PARTITIONS, REPLICATION,
            GROUP_INSTANCE_ID, SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, MetricsSettings.PORT, MetricsSettings.ADDRESS,
            ANCHOR_INTERVAL_MS, ANCHOR_FLEET_ID, ANCHOR_KEY_STORE, ANCHOR_PASSPHRASE, ANCHOR_LEDGER, ANCHOR_HTTP_PORT,
            ANCHOR_HTTP_ADDRESS, ANCHOR_GROUP, CONSUMER_PORT, CONSUMER_ADDRESS, CONSUMER_KEY_STORE,
            CONSUMER_PASSPHRASE, CONSUMER_CA, CONSUMER_RPC, CONSUMER_CHAIN_ID, CONSUMER_CONSENT_REGISTRY,
            CONSUMER_THREADS, CONSUMER_ANCHOR_CONTRACT, CONSUMER_COPY_KEY_POLL_MS);

    /** Every setting a fleet configuration may hold. */
    public static final List<Setting> ALL = all();

    private static List<Setting> all() {
        List<Setting> all = new ArrayList<>(OWN);
        all.addAll(IngestSettings.ALL);
        all.addAll(FleetVerifySettings.ALL);
        all.addAll(FleetVerifyTrust.ALL);
        all.addAll(StoreSettings.ALL);
        return List.copyOf(all);
    }

    /** Reads and checks {@code file}; an {@link IllegalArgumentException} names what is wrong. */
    /**
     * The store settings of the configuration in {@code file}: the store role's, or, for an instance
     * without that role, the {@code fleet.store.*} keys read on their own (commands that read or erase
     * the store: {@code fleet road-map}, {@code fleet erase-subject}).
     */
    public static StoreOptions storeOptions(Path file) throws IOException {
        FleetConfig cfg = load(file);
        return cfg.store() != null ? cfg.store() : StoreOptions.of(file.toString(), cfg.trust().asMap());
    }

    public static FleetConfig load(Path file) throws IOException {
        return parse(PropertiesFile.load(file), file.toString());
    }

    /** Checks {@code p}; errors start with {@code origin}. */
    public static FleetConfig parse(Properties p, String origin) {
        Set<String> known = new TreeSet<>();
        ALL.stream().filter(s -> !s.isFamily()).forEach(s -> known.add(s.key()));
        Map<String, Object> values = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (ALL.stream().noneMatch(s -> s.matches(k))) {
                throw new IllegalArgumentException(origin + ": " + KeySuggestion.unknownKey(k, known));
            }
            values.put(k, p.getProperty(k).trim());
        }
        ConfigValues v = new ConfigValues(origin, values);
        Set<Role> roles = roles(origin, v.text(ROLES));
        String bootstrap = v.required(BOOTSTRAP_SERVERS.key());
        TopicLayout topics = new TopicLayout(v.wholeInt(PARTITIONS), v.wholeInt(REPLICATION));
        if ((roles.contains(Role.VERIFY) || roles.contains(Role.ANCHOR)) && v.text(FleetVerifyTrust.CA).isEmpty() && v.text(FleetVerifyTrust.KEY_FILES).isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + FleetVerifyTrust.CA.key() + " (or " + FleetVerifyTrust.KEY_FILES.key()
                    + ") is required with the verify and anchor roles: device keys are trusted only through a certificate chain to"
                    + " the consortium CA, or as configured");
        }
        int metricsPort = v.wholeInt(MetricsSettings.PORT);
        String metricsAddress = v.text(MetricsSettings.ADDRESS);
        IngestSettings ingest = null;
        if (roles.contains(Role.INGEST)) {
            Map<String, Object> ingestValues = new HashMap<>(values);
            ingestValues.putIfAbsent(IngestSettings.KAFKA_BOOTSTRAP_SERVERS.key(), bootstrap);
            ingest = IngestSettings.parse(origin, ingestValues);
        }
        FleetVerifySettings verify = FleetVerifySettings.from(v);
        StoreOptions store = roles.contains(Role.STORE) ? StoreOptions.of(origin, values) : null;
        if (store != null && store.masterKeySource().isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + StoreSettings.MASTER_KEY_SOURCE.key()
                    + " is required with the store role: payloads are stored encrypted under data keys wrapped by"
                    + " this master key (file:PATH or env:NAME holding 32 bytes as 64 hex digits or base64)");
        }
        String instanceId = v.text(GROUP_INSTANCE_ID);
        GroupMembership membership;
        try {
            membership = new GroupMembership(instanceId.isBlank() ? null : instanceId,
                    v.wholeInt(SESSION_TIMEOUT_MS), v.wholeInt(HEARTBEAT_INTERVAL_MS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
        AnchorOptions anchor = null;
        if (roles.contains(Role.ANCHOR)) {
            Map<String, Object> brokerValues = new HashMap<>(values);
            brokerValues.putIfAbsent(IngestSettings.KAFKA_BOOTSTRAP_SERVERS.key(), bootstrap);
            if (v.text(IngestSettings.MQTT_URL).isEmpty()) {
                throw new IllegalArgumentException(origin + ": " + IngestSettings.MQTT_URL.key()
                        + " is required with the anchor role: receipts go back to the gateways through that broker");
            }
            if (v.text(StoreSettings.JDBC_URL).isEmpty()) {
                throw new IllegalArgumentException(origin + ": " + StoreSettings.JDBC_URL.key()
                        + " is required with the anchor role: the aggregator keeps its state next to the store's records");
            }
            IngestSettings mqtt = IngestSettings.parse(origin, brokerValues);
            anchor = new AnchorOptions(v.whole(ANCHOR_INTERVAL_MS), v.required(ANCHOR_FLEET_ID.key()),
                    Path.of(v.required(ANCHOR_KEY_STORE.key())), v.secretSource(ANCHOR_PASSPHRASE.key(), true),
                    Path.of(v.required(ANCHOR_LEDGER.key())), v.wholeInt(ANCHOR_HTTP_PORT), v.text(ANCHOR_HTTP_ADDRESS),
                    v.text(ANCHOR_GROUP), StoreOptions.of(origin, values),
                    mqtt.broker().withClientId(mqtt.broker().clientId() + "-anchor"));
        }
        ConsumerOptions consumer = null;
        if (roles.contains(Role.CONSUMER)) {
            if (v.text(StoreSettings.JDBC_URL).isEmpty()) {
                throw new IllegalArgumentException(origin + ": " + StoreSettings.JDBC_URL.key()
                        + " is required with the consumer role: it serves the store's records and logs accesses there");
            }
            if (v.text(StoreSettings.MASTER_KEY_SOURCE).isEmpty()) {
                throw new IllegalArgumentException(origin + ": " + StoreSettings.MASTER_KEY_SOURCE.key()
                        + " is required with the consumer role: the store's payloads are encrypted under data keys"
                        + " wrapped by this master key");
            }
            String ca = v.text(CONSUMER_CA).isEmpty() ? v.text(FleetVerifyTrust.CA) : v.text(CONSUMER_CA);
            if (ca.isEmpty()) {
                throw new IllegalArgumentException(origin + ": " + CONSUMER_CA.key() + " (or " + FleetVerifyTrust.CA.key()
                        + ") is required with the consumer role: client certificates must chain to the consortium CA");
            }
            String rpc = v.required(CONSUMER_RPC.key());
            String registry = v.required(CONSUMER_CONSENT_REGISTRY.key());
            String anchorContract = v.text(CONSUMER_ANCHOR_CONTRACT).isEmpty() ? null : v.text(CONSUMER_ANCHOR_CONTRACT);
            try {
                io.certigate.verifier.ledger.LedgerReader.checkRpcUrl(rpc);
                io.certigate.verifier.ledger.LedgerReader.checkAddress(registry);
                if (anchorContract != null) {
                    io.certigate.verifier.ledger.LedgerReader.checkAddress(anchorContract);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
            }
            consumer = new ConsumerOptions(v.wholeInt(CONSUMER_PORT), v.text(CONSUMER_ADDRESS),
                    Path.of(v.required(CONSUMER_KEY_STORE.key())), v.secretSource(CONSUMER_PASSPHRASE.key(), true),
                    Path.of(ca), rpc, v.requiredWhole(CONSUMER_CHAIN_ID.key(), 1), registry, v.wholeInt(CONSUMER_THREADS),
                    StoreOptions.of(origin, values), anchorContract, v.wholeInt(CONSUMER_COPY_KEY_POLL_MS));
        }
        return new FleetConfig(roles, bootstrap, topics, v, metricsPort, metricsAddress, ingest, verify, store,
                membership, anchor, consumer);
    }

    private static Set<Role> roles(String origin, String text) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : text.split(",")) {
            String r = part.trim();
            if (r.isEmpty()) {
                continue;
            }
            try {
                roles.add(Role.valueOf(r.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": " + ROLES.key() + " = '" + text + "': '" + r
                        + "' is not a role (ingest, verify, store, anchor, consumer)", e);
            }
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + ROLES.key() + " names no role (ingest, verify, store, anchor, consumer)");
        }
        return roles;
    }
}
