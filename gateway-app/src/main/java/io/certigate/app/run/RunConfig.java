package io.certigate.app.run;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The standalone runtime's configuration: one properties file, validated once into an immutable
 * object. Every error names the key and the bad value; unknown keys are errors too (a typo must not
 * silently fall back to a default).
 */
public record RunConfig(String deviceId, KeySource key, Path bufferFile, RecordBuffer.Options bufferOptions,
        Sequencer.Options sequencerOptions, int syntheticRate, Properties raw) {

    /** Keys this class reads; sections of other components are accepted by prefix. */
    private static final Set<String> KNOWN = Set.of("device.id", "key.type", "key.store", "key.passphrase",
            "key.pkcs11.library", "key.pkcs11.slot", "key.pkcs11.alias", "key.pkcs11.pin", "buffer.file",
            "buffer.max-records", "buffer.capacity-policy", "buffer.busy-timeout-ms", "sequencer.queue-capacity",
            "sequencer.max-group", "sources.synthetic.rate");
    private static final Set<String> COMPONENT_PREFIXES = Set.of("obd.", "tic.", "rfid.", "coap.", "uplink.",
            "anchor.", "metrics.", "provisioning.");

    public static RunConfig load(Path file) throws ConfigException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the configuration: " + e.getMessage());
        }
        return parse(p, file.toString());
    }

    public static RunConfig parse(Properties p, String origin) throws ConfigException {
        Set<String> unknown = new TreeSet<>();
        for (String k : p.stringPropertyNames()) {
            if (!KNOWN.contains(k) && COMPONENT_PREFIXES.stream().noneMatch(k::startsWith)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(origin + ": unknown key(s) " + unknown);
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
                key = new KeySource.Pkcs11(v.path("key.pkcs11.library"), v.longValue("key.pkcs11.slot", null, 0),
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
        RecordBuffer.Options buffer = new RecordBuffer.Options(device, v.longValue("buffer.max-records", 0L, 0),
                policy, Duration.ofMillis(v.longValue("buffer.busy-timeout-ms", 5000L, 1)), 0);
        Sequencer.Options seq = new Sequencer.Options((int) v.longValue("sequencer.queue-capacity", 4096L, 1),
                (int) v.longValue("sequencer.max-group", 512L, 1));
        int synthetic = (int) v.longValue("sources.synthetic.rate", 0L, 0);
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
