package io.certigate.app.run;

import io.certigate.anchor.AnchorSettings;
import io.certigate.app.metrics.MetricsSettings;
import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.config.KeySuggestion;
import io.certigate.core.config.PropertiesFile;
import io.certigate.core.config.Setting;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import io.certigate.core.spine.SpineSettings;
import io.certigate.meter.coap.CoapIngestSettings;
import io.certigate.meter.rfid.RfidSettings;
import io.certigate.meter.tic.TicSettings;
import io.certigate.motion.MotionSettings;
import io.certigate.obd.ObdSettings;
import io.certigate.provisioning.enrol.ProvisioningSettings;
import io.certigate.uplink.UplinkConfig;
import io.certigate.uplink.UplinkSettings;
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
    public static final Setting SYNTHETIC_RATE = Setting.whole("sources.synthetic.rate", 0, 0, 100_000, "readings/s",
            "readings per second of a synthetic source, for testing a deployment (0: none)").only(Setting.Scope.STANDALONE);

    /** Every setting {@code run} reads, by capability: what the file may hold. */
    public static final List<Setting> SETTINGS = settings();
    /** Every key {@code run} knows: what an unknown key's suggestion is chosen from. */
    public static final Set<String> KNOWN = known();
    /** Families of keys whose last part is a name the operator chooses. */
    private static final List<String> OPEN_PREFIXES = SETTINGS.stream().filter(Setting::isFamily).map(Setting::prefix).toList();

    private static List<Setting> settings() {
        List<Setting> all = new java.util.ArrayList<>();
        for (List<Setting> capability : List.of(SpineSettings.ALL, List.of(SYNTHETIC_RATE), ObdSettings.ALL, TicSettings.ALL,
                RfidSettings.ALL, CoapIngestSettings.ALL, UplinkSettings.ALL, io.certigate.uplink.RouteSettings.ALL, AnchorSettings.RUN, MetricsSettings.ALL,
                ProvisioningSettings.ALL, io.certigate.gnss.GnssSettings.ALL, MotionSettings.ALL)) {
            capability.stream().filter(s -> s.scope().standalone()).forEach(all::add);
        }
        return List.copyOf(all);
    }

    private static Set<String> known() {
        Set<String> all = new TreeSet<>();
        SETTINGS.stream().filter(s -> !s.isFamily()).forEach(s -> all.add(s.key()));
        all.addAll(UplinkConfig.KEYS); // with the former clear-text keys, refused with what to use instead
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
        String device = v.required(SpineSettings.DEVICE_ID.key());
        String keyType = v.get(SpineSettings.KEY_TYPE.key(), SpineSettings.KEY_TYPE.defaultValue());
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
            policy = CapacityPolicy.parse(v.get(SpineSettings.CAPACITY_POLICY.key(), SpineSettings.CAPACITY_POLICY.defaultValue()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": buffer.capacity-policy: " + e.getMessage());
        }
        RecordBuffer.Options buffer = new RecordBuffer.Options(device, v.whole(SpineSettings.MAX_RECORDS),
                policy, Duration.ofMillis(v.whole(SpineSettings.BUSY_TIMEOUT_MS)), 0);
        Sequencer.Options seq = new Sequencer.Options(v.wholeInt(SpineSettings.QUEUE_CAPACITY),
                v.wholeInt(SpineSettings.MAX_GROUP));
        int synthetic = v.wholeInt(SYNTHETIC_RATE);
        // read later by the anchoring, the metrics endpoint and provisioning: checked here, before anything starts
        v.whole(AnchorSettings.BATCH_SIZE);
        v.whole(AnchorSettings.BATCH_AGE_S);
        v.whole(MetricsSettings.PORT);
        v.whole(ProvisioningSettings.TIMEOUT_S);
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

        /** What errors name first: the file. */
        public String origin() {
            return origin;
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
        public long whole(Setting setting) throws ConfigException {
            try {
                return setting.parse(origin, p.getProperty(setting.key()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }

        /** The value of an int {@code setting}, within its range; its default when absent. */
        public int wholeInt(Setting setting) throws ConfigException {
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
