package io.certigate.kura.spine;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.WholeSetting;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import io.certigate.core.spine.SpineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The spine's options, validated once from its configuration; equal options mean nothing to restart.
 * Read from the raw ConfigurationAdmin properties rather than through {@link SpineConfig}'s typed
 * methods: a component property type narrows a Long to an int silently, where the ranges shared with
 * the standalone runtime ({@link SpineSettings}) refuse it with the PID, the key, the value and the range.
 */
public record SpineOptions(KeySource key, Path bufferFile, RecordBuffer.Options buffer, Sequencer.Options sequencer) {

    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);
    /** The shared settings under this component's metatype ids. */
    static final WholeSetting MAX_RECORDS = SpineSettings.MAX_RECORDS.withKey("buffer.max.records");
    static final WholeSetting QUEUE_CAPACITY = SpineSettings.QUEUE_CAPACITY.withKey("sequencer.queue.capacity");
    static final WholeSetting MAX_GROUP = SpineSettings.MAX_GROUP.withKey("sequencer.max.group");

    /** @throws IllegalArgumentException {@code PID: key = 'value' ...}, naming the range of a number */
    public static SpineOptions from(Map<String, ?> properties) {
        ConfigValues v = new ConfigValues(SpineComponent.PID, properties);
        String device = v.required("device.id");
        return new SpineOptions(key(v), Path.of(v.required("buffer.file")),
                new RecordBuffer.Options(device, v.whole(MAX_RECORDS), policy(v), BUSY_TIMEOUT, 0),
                new Sequencer.Options(v.wholeInt(QUEUE_CAPACITY), v.wholeInt(MAX_GROUP)));
    }

    public String deviceId() {
        return buffer.deviceId();
    }

    private static KeySource key(ConfigValues v) {
        String type = v.text("key.type", "pkcs12");
        switch (type) {
            case "pkcs12":
                return new KeySource.Pkcs12(Path.of(v.required("key.store")), v.secretSource("key.passphrase", true));
            case "pkcs11":
                return new KeySource.Pkcs11(Path.of(v.required("key.pkcs11.library")), v.whole(SpineSettings.PKCS11_SLOT),
                        v.text("key.pkcs11.alias", "device"), v.secretSource("key.pkcs11.pin", true));
            default:
                throw v.bad("key.type", type, "is not pkcs12 or pkcs11");
        }
    }

    private static CapacityPolicy policy(ConfigValues v) {
        String value = v.text("buffer.capacity.policy", "reject");
        try {
            return CapacityPolicy.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SpineComponent.PID + ": buffer.capacity.policy: " + e.getMessage(), e);
        }
    }
}
