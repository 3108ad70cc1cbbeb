package io.certigate.kura.spine;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.config.ConfigValues;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.KeySource;
import io.certigate.core.spine.SpineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The spine's options, validated once from its configuration; equal options mean nothing to restart.
 * Read from the raw ConfigurationAdmin properties rather than through {@link SpineConfig}'s typed
 * methods: a component property type narrows a Long to an int silently, where the definitions shared
 * with the standalone runtime ({@link SpineSettings}) refuse it with the PID, the key, the value and
 * the range.
 */
public record SpineOptions(KeySource key, Path bufferFile, RecordBuffer.Options buffer, Sequencer.Options sequencer) {

    /**
     * Reads the keys of {@link SpineSettings}; a former id ({@code buffer.max.records}, ...) is read
     * when its key is absent, with a warning naming the key.
     *
     * @throws IllegalArgumentException {@code PID: key = 'value' ...}, naming the range of a number
     */
    public static SpineOptions from(Map<String, ?> properties) {
        ConfigValues v = ConfigValues.withFormerKeys(SpineComponent.PID, properties, SpineSettings.ALL);
        String device = v.required(SpineSettings.DEVICE_ID.key());
        return new SpineOptions(key(v), Path.of(v.required(SpineSettings.BUFFER_FILE.key())),
                new RecordBuffer.Options(device, v.whole(SpineSettings.MAX_RECORDS), policy(v),
                        Duration.ofMillis(v.whole(SpineSettings.BUSY_TIMEOUT_MS)), 0),
                new Sequencer.Options(v.wholeInt(SpineSettings.QUEUE_CAPACITY), v.wholeInt(SpineSettings.MAX_GROUP)));
    }

    public String deviceId() {
        return buffer.deviceId();
    }

    private static KeySource key(ConfigValues v) {
        String type = v.choice(SpineSettings.KEY_TYPE);
        switch (type) {
            case "pkcs12":
                return new KeySource.Pkcs12(Path.of(v.required("key.store")), v.secretSource("key.passphrase", true));
            case "pkcs11":
                return new KeySource.Pkcs11(Path.of(v.required("key.pkcs11.library")), v.whole(SpineSettings.PKCS11_SLOT),
                        v.text(SpineSettings.PKCS11_ALIAS), v.secretSource("key.pkcs11.pin", true));
            default:
                throw v.bad("key.type", type, "is not pkcs12 or pkcs11");
        }
    }

    private static CapacityPolicy policy(ConfigValues v) {
        return CapacityPolicy.parse(v.choice(SpineSettings.CAPACITY_POLICY));
    }
}
