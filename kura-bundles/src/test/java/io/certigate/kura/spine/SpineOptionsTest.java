package io.certigate.kura.spine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.spine.KeySource;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SpineOptionsTest {

    @Test
    void buildsTheOptionsAndComparesThemByValue() {
        SpineOptions a = SpineOptions.from(config(Map.of()));
        assertThat(a.deviceId()).isEqualTo("dev-1");
        assertThat(a.key()).isEqualTo(new KeySource.Pkcs12(Path.of("/k.p12"), "env:PASS"));
        assertThat(a.buffer().policy()).isEqualTo(CapacityPolicy.REJECT);
        assertThat(a.sequencer().queueCapacity()).isEqualTo(4096);
        assertThat(SpineOptions.from(config(Map.of()))).isEqualTo(a);
        assertThat(SpineOptions.from(config(Map.of("key_store", "/other.p12")))).isNotEqualTo(a);
        assertThat(SpineOptions.from(config(Map.of("buffer_capacity_policy", "purge"))).buffer().policy())
                .isEqualTo(CapacityPolicy.PURGE_DELIVERED_AND_ANCHORED);
    }

    @Test
    void namesTheKeyAndTheBadValue() {
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("device_id", " "))))
                .hasMessage("device.id is required");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("key_type", "tpm"))))
                .hasMessage("key.type = 'tpm' is not pkcs12 or pkcs11");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("sequencer_queue_capacity", 0))))
                .hasMessage("sequencer.queue.capacity = 0 is below 1");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("buffer_capacity_policy", "drop"))))
                .hasMessageStartingWith("buffer.capacity.policy: unknown capacity policy 'drop'");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("key_type", "pkcs11"))))
                .hasMessage("key.pkcs11.library is required");
    }

    /** The configuration as SCR hands it over: the annotation's defaults, then the given values. */
    static SpineConfig config(Map<String, Object> overrides) {
        Map<String, Object> v = new HashMap<>();
        v.put("device_id", "dev-1");
        v.put("key_store", "/k.p12");
        v.put("key_passphrase", "env:PASS");
        v.put("buffer_file", "/var/lib/certigate/buffer.db");
        v.putAll(overrides);
        return (SpineConfig) java.lang.reflect.Proxy.newProxyInstance(SpineConfig.class.getClassLoader(),
                new Class<?>[] {SpineConfig.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class || method.getDeclaringClass() == Annotation.class) {
                        return method.getName().equals("toString") ? "SpineConfig" : null;
                    }
                    return v.containsKey(method.getName()) ? v.get(method.getName()) : method.getDefaultValue();
                });
    }
}
