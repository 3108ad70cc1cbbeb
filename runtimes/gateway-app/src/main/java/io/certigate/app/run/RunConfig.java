package io.certigate.app.run;

import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.config.KeySuggestion;
import io.certigate.core.config.PropertiesFile;
import io.certigate.core.config.WholeSetting;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import io.certigate.core.spine.SpineSettings;
import io.certigate.obd.ObdReaderConfig;
import io.certigate.uplink.UplinkConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The standalone runtime's configuration: one properties file, validated once into an immutable
 * object. Every error names the key and the bad value (a number outside its range names the range);
 * unknown keys are errors too, with the nearest known key suggested (a typo must not silently fall
 * back to a default), and so is a key given twice.
 */
public record RunConfig(String deviceId, KeySource key, Path bufferFile, RecordBuffer.Options bufferOptions,
        Sequencer.Options sequencerOptions, int syntheticRate, Properties raw) {

    /** Readings per second of the synthetic source; 0 for none. */
    public static final WholeSetting SYNTHETIC_RATE = WholeSetting.ofInt("sources.synthetic.rate", 0, 0, 100_000,
            "readings per second of a synthetic source (0: none)");
    /** Largest readings per anchored batch, the batch's age before it closes. */
    public static final WholeSetting ANCHOR_BATCH_SIZE = AnchorBatcher.BATCH_SIZE;
    public static final WholeSetting ANCHOR_BATCH_AGE_S = AnchorBatcher.BATCH_AGE_S;
    /** The metrics endpoint's TCP port; -1 (absent) for none, 0 for any free port. */
    public static final WholeSetting METRICS_PORT = WholeSetting.ofInt("metrics.port", -1, -1, 65_535,
            "TCP port of the metrics endpoint (0: any free port; absent: no endpoint)");
    public static final WholeSetting PROVISIONING_TIMEOUT_S = WholeSetting.ofInt("provisioning.timeout-s", 30, 1, 3600,
            "DTLS handshake, exchange and test-reading commit bound, seconds");

    /** Keys this class and the runtime's other parts read outside the components' own sections. */
    private static final Set<String> OWN = Set.of("device.id", "key.type", "key.store", "key.passphrase",
            "key.pkcs11.library", "key.pkcs11.slot", "key.pkcs11.alias", "key.pkcs11.pin", "buffer.file",
            "buffer.max-records", "buffer.capacity-policy", "buffer.busy-timeout-ms", "sequencer.queue-capacity",
            "sequencer.max-group", "sources.synthetic.rate", "anchor.ledger", "anchor.batch-size", "anchor.batch-age-s",
            "metrics.port", "metrics.address", "provisioning.mode", "provisioning.state-dir", "provisioning.listen",
            "provisioning.serial", "provisioning.model", "provisioning.subject", "provisioning.algorithm",
            "provisioning.ledger-passphrase", "provisioning.timeout-s", "provisioning.trust-root");
    /** Every key {@code run} knows: what an unknown key's suggestion is chosen from. */
    public static final Set<String> KNOWN = known();
    /** Families of keys whose last part is a name the operator chooses. */
    private static final List<String> OPEN_PREFIXES = List.of("obd.poll.", CoapIngestSource.PREFIX + "psk.");

    private static Set<String> known() {
        Set<String> all = new TreeSet<>(OWN);
        all.addAll(ObdReaderConfig.KEYS);
        all.addAll(MeterSources.KEYS);
        all.addAll(CoapIngestSource.KEYS);
        all.addAll(UplinkConfig.KEYS);
        return java.util.Collections.unmodifiableSet(all);
    }

    /**
     * Reads {@code file} (a key given twice is an error) and checks it.
     *
     * @throws ConfigException naming the file, the key and the bad value
     */
    public static RunConfig load(Path file) throws ConfigException {
        Properties p;
        try {
            p = PropertiesFile.load(file);
        } catch (IOException e) {
            String m = e.getMessage();
            throw new ConfigException(m != null && m.startsWith(file.toString()) ? m
                    : file + ": cannot read the configuration: " + e);
        }
        return parse(p, file.toString());
    }

    public static RunConfig parse(Properties p, String origin) throws ConfigException {
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            if (!KNOWN.contains(k) && OPEN_PREFIXES.stream().noneMatch(k::startsWith)) {
                throw new ConfigException(origin + ": " + KeySuggestion.unknownKey(k, KNOWN));
            }
        }
        Values v = new Values(p, origin);
        String device = v.required("device.id");
        String keyType = v.get("key.type", "pkcs12");
        KeySource key;
        switch (keyType) {
            case "pkcs12":
                key = new KeySource.Pkcs12(v.path("key.store"), v.required("key.passphrase"));
                break;
            case "pkcs11":
                v.required(SpineSettings.PKCS11_SLOT.key());
                key = new KeySource.Pkcs11(v.path("key.pkcs11.library"), v.whole(SpineSettings.PKCS11_SLOT),
                        v.get("key.pkcs11.alias", "device"), v.required("key.pkcs11.pin"));
                break;
            default:
                throw new ConfigException(origin + ": key.type = '" + keyType + "' is not pkcs12 or pkcs11");
        }
        CapacityPolicy policy;
        try {
            policy = CapacityPolicy.parse(v.get("buffer.capacity-policy", "reject"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": buffer.capacity-policy: " + e.getMessage());
        }
        RecordBuffer.Options buffer = new RecordBuffer.Options(device, v.whole(SpineSettings.MAX_RECORDS),
                policy, Duration.ofMillis(v.whole(SpineSettings.BUSY_TIMEOUT_MS)), 0);
        Sequencer.Options seq = new Sequencer.Options(v.wholeInt(SpineSettings.QUEUE_CAPACITY),
                v.wholeInt(SpineSettings.MAX_GROUP));
        int synthetic = v.wholeInt(SYNTHETIC_RATE);
        // read later by the anchoring, the metrics endpoint and provisioning: checked here, before anything starts
        v.whole(ANCHOR_BATCH_SIZE);
        v.whole(ANCHOR_BATCH_AGE_S);
        v.whole(METRICS_PORT);
        v.whole(PROVISIONING_TIMEOUT_S);
        return new RunConfig(device, key, v.path("buffer.file"), buffer, seq, synthetic, p);
    }

    /** Typed access that names the key and value in every error. */
    public static final class Values {
        private final Properties p;
        private final String origin;

        public Values(Properties p, String origin) {
            this.p = p;
            this.origin = origin;
        }

        public String get(String key, String dflt) {
            String s = p.getProperty(key);
            return s == null || s.isBlank() ? dflt : s.trim();
        }

        public String required(String key) throws ConfigException {
            String s = get(key, null);
            if (s == null) {
                throw new ConfigException(origin + ": " + key + " is required");
            }
            return s;
        }

        public Path path(String key) throws ConfigException {
            return Path.of(required(key));
        }

        /** The value of {@code setting}, within its range; its default when absent. */
        public long whole(WholeSetting setting) throws ConfigException {
            try {
                return setting.parse(origin, p.getProperty(setting.key()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }

        /** The value of an int {@code setting}, within its range; its default when absent. */
        public int wholeInt(WholeSetting setting) throws ConfigException {
            try {
                return setting.parseInt(origin, p.getProperty(setting.key()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }

        public long longValue(String key, Long dflt, long min) throws ConfigException {
            String s = get(key, null);
            if (s == null) {
                if (dflt == null) {
                    throw new ConfigException(origin + ": " + key + " is required");
                }
                return dflt;
            }
            try {
                long n = Long.parseLong(s);
                if (n < min) {
                    throw new ConfigException(origin + ": " + key + " = '" + s + "' must be >= " + min);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(origin + ": " + key + " = '" + s + "' is not a whole number");
            }
        }
    }

    /** A configuration error; the message names the file, the key and the bad value. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }
    }
}
