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
 * @param caFile           consortium CA certificates (PEM) that device certificates must chain to (verify)
 * @param registry         the device registry on the ledger, or null (verify)
 * @param metricsPort      port of {@code /metrics}, -1 for none
 * @param metricsAddress   address {@code /metrics} listens on
 * @param ingest           the ingest's settings, or null when this instance does not ingest
 * @param verify           the verification's settings
 * @param store            the store's options, or null when this instance does not store
 */
public record FleetConfig(Set<Role> roles, String bootstrapServers, TopicLayout topics, Path caFile, Registry registry, int metricsPort,
        String metricsAddress, IngestSettings ingest, FleetVerifySettings verify, StoreOptions store) {

    /** The stages one instance can run; any subset, all three by default. */
    public enum Role {
        INGEST, VERIFY, STORE;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The ledger's device registry, checked for every key learned from a status (ACTIVE only). */
    public record Registry(String rpc, String address, long chainId) {}

    public static final Setting ROLES = Setting.of("fleet.roles", Type.TEXT, "ingest,verify,store",
            "the stages this instance runs, comma-separated: ingest, verify, store");
    public static final Setting BOOTSTRAP_SERVERS = Setting.of("fleet.kafka.bootstrap-servers", Type.TEXT, null,
            "the Kafka cluster, host:port[,host:port...]; required");
    public static final Setting PARTITIONS = Setting.whole("fleet.kafka.partitions", 12, 1, 100_000, "partitions",
            "partitions of each fleet topic when it is created (the most instances of one stage that can share work)");
    public static final Setting REPLICATION = Setting.whole("fleet.kafka.replication-factor", 3, 1, 32, "brokers",
            "copies of each fleet topic when it is created; min.insync.replicas is one less");
    public static final Setting TRUST_CA = Setting.of("fleet.trust.ca", Type.PATH, null,
            "consortium CA certificates (PEM) that device certificates must chain to; required with the verify role");
    public static final Setting REGISTRY = Setting.of("fleet.trust.registry", Type.TEXT, null,
            "address of the device registry contract; with fleet.trust.rpc and fleet.trust.chain-id");
    public static final Setting RPC = Setting.of("fleet.trust.rpc", Type.TEXT, null, "ledger JSON-RPC URL of the registry");
    public static final Setting CHAIN_ID = Setting.whole("fleet.trust.chain-id", 0, 0, Long.MAX_VALUE, "",
            "the ledger's chain id (checked at start)");

    /** Keys of this class; the roles' own keys come from their settings classes. */
    public static final List<Setting> OWN = List.of(ROLES, BOOTSTRAP_SERVERS, PARTITIONS, REPLICATION, TRUST_CA, REGISTRY, RPC, CHAIN_ID,
            MetricsSettings.PORT, MetricsSettings.ADDRESS);

    /** Every setting a fleet configuration may hold. */
    public static final List<Setting> ALL = all();

    private static List<Setting> all() {
        List<Setting> all = new ArrayList<>(OWN);
        all.addAll(IngestSettings.ALL);
        all.addAll(FleetVerifySettings.ALL);
        all.addAll(StoreSettings.ALL);
        return List.copyOf(all);
    }

    /** Reads and checks {@code file}; an {@link IllegalArgumentException} names what is wrong. */
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
        Path ca = null;
        String caText = v.text(TRUST_CA);
        if (!caText.isEmpty()) {
            ca = Path.of(caText);
        } else if (roles.contains(Role.VERIFY)) {
            throw new IllegalArgumentException(origin + ": " + TRUST_CA.key() + " is required with the verify role:"
                    + " device keys are trusted only through a certificate chain to the consortium CA");
        }
        Registry registry = null;
        String reg = v.text(REGISTRY);
        String rpc = v.text(RPC);
        long chainId = v.whole(CHAIN_ID);
        if (!reg.isEmpty() || !rpc.isEmpty() || chainId != 0) {
            if (reg.isEmpty() || rpc.isEmpty() || chainId == 0) {
                throw new IllegalArgumentException(origin + ": " + REGISTRY.key() + ", " + RPC.key() + " and "
                        + CHAIN_ID.key() + " go together");
            }
            registry = new Registry(rpc, reg, chainId);
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
        return new FleetConfig(roles, bootstrap, topics, ca, registry, metricsPort, metricsAddress, ingest, verify, store);
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
                        + "' is not a role (ingest, verify, store)", e);
            }
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + ROLES.key() + " names no role (ingest, verify, store)");
        }
        return roles;
    }
}
