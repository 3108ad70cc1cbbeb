package io.certigate.kura.spine;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import java.nio.file.Path;
import java.time.Duration;

/** The spine's options, validated once from its configuration; equal options mean nothing to restart. */
public record SpineOptions(KeySource key, Path bufferFile, RecordBuffer.Options buffer, Sequencer.Options sequencer) {

    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

    public static SpineOptions from(SpineConfig c) {
        String device = required("device.id", c.device_id());
        return new SpineOptions(key(c), Path.of(required("buffer.file", c.buffer_file())),
                new RecordBuffer.Options(device, atLeast("buffer.max.records", c.buffer_max_records(), 0),
                        policy(c.buffer_capacity_policy()), BUSY_TIMEOUT, 0),
                new Sequencer.Options((int) atLeast("sequencer.queue.capacity", c.sequencer_queue_capacity(), 1),
                        (int) atLeast("sequencer.max.group", c.sequencer_max_group(), 1)));
    }

    public String deviceId() {
        return buffer.deviceId();
    }

    private static KeySource key(SpineConfig c) {
        String type = c.key_type() == null ? "pkcs12" : c.key_type().trim();
        switch (type) {
            case "pkcs12":
                return new KeySource.Pkcs12(Path.of(required("key.store", c.key_store())),
                        required("key.passphrase", c.key_passphrase()));
            case "pkcs11":
                return new KeySource.Pkcs11(Path.of(required("key.pkcs11.library", c.key_pkcs11_library())),
                        atLeast("key.pkcs11.slot", c.key_pkcs11_slot(), 0),
                        required("key.pkcs11.alias", c.key_pkcs11_alias()),
                        required("key.pkcs11.pin", c.key_pkcs11_pin()));
            default:
                throw new IllegalArgumentException("key.type = '" + type + "' is not pkcs12 or pkcs11");
        }
    }

    private static CapacityPolicy policy(String value) {
        try {
            return CapacityPolicy.parse(value == null ? "reject" : value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("buffer.capacity.policy: " + e.getMessage(), e);
        }
    }

    static String required(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value.trim();
    }

    static long atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " = " + value + " is below " + min);
        }
        return value;
    }
}
