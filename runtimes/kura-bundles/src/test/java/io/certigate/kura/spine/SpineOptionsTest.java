package io.certigate.kura.spine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.spine.KeySource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SpineOptionsTest {
    private static final String PID = "io.certigate.kura.spine";

    @Test
    void buildsTheOptionsAndComparesThemByValue() {
        SpineOptions a = SpineOptions.from(config(Map.of()));
        assertThat(a.deviceId()).isEqualTo("dev-1");
        assertThat(a.key()).isEqualTo(new KeySource.Pkcs12(Path.of("/k.p12"), "env:PASS"));
        assertThat(a.buffer().policy()).isEqualTo(CapacityPolicy.REJECT);
        assertThat(a.sequencer().queueCapacity()).isEqualTo(4096);
        assertThat(a.sequencer().maxGroup()).isEqualTo(512);
        assertThat(SpineOptions.from(config(Map.of()))).isEqualTo(a);
        assertThat(SpineOptions.from(config(Map.of("key.store", "/other.p12")))).isNotEqualTo(a);
        assertThat(SpineOptions.from(config(Map.of("buffer.capacity-policy", "purge"))).buffer().policy())
                .isEqualTo(CapacityPolicy.PURGE_DELIVERED_AND_ANCHORED);
        // ConfigurationAdmin hands typed values: an Integer from the metatype, a Long set by other means
        assertThat(SpineOptions.from(config(Map.of("sequencer.queue-capacity", 8192))).sequencer().queueCapacity())
                .isEqualTo(8192);
        assertThat(SpineOptions.from(config(Map.of("sequencer.max-group", 64L))).sequencer().maxGroup()).isEqualTo(64);
        assertThat(SpineOptions.from(config(Map.of("key.type", "pkcs11", "key.pkcs11.library", "/lib.so",
                "key.pkcs11.pin", "env:PIN", "key.pkcs11.slot", 3L))).key())
                .isEqualTo(new KeySource.Pkcs11(Path.of("/lib.so"), 3, "device", "env:PIN"));
    }

    @Test
    void namesThePidTheKeyAndTheBadValue() {
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("device.id", " "))))
                .hasMessage(PID + ": device.id is required");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("key.type", "tpm"))))
                .hasMessage(PID + ": key.type = 'tpm' is not pkcs12 or pkcs11");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("buffer.capacity-policy", "drop"))))
                .hasMessageStartingWith(PID + ": buffer.capacity-policy = 'drop' is not reject or purge");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("key.type", "pkcs11"))))
                .hasMessage(PID + ": key.pkcs11.library is required");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("key.passphrase", "hunter2"))))
                .hasMessageContaining("key.passphrase must be file:PATH or env:NAME").hasMessageNotContaining("hunter2");
    }

    @Test
    void aNumberOutsideItsRangeIsRefusedNotNarrowed() {
        // through the typed SpineConfig, SCR turned 99999999999L into the int 1215752191 and 4294967297L into 1
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("sequencer.queue-capacity", 99_999_999_999L))))
                .hasMessage(PID + ": sequencer.queue-capacity = '99999999999' must be a whole number in 1..1048576");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("sequencer.max-group", 4_294_967_297L))))
                .hasMessage(PID + ": sequencer.max-group = '4294967297' must be a whole number in 1..65536");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("sequencer.queue-capacity", 0))))
                .hasMessage(PID + ": sequencer.queue-capacity = '0' must be a whole number in 1..1048576");
        assertThatThrownBy(() -> SpineOptions.from(config(Map.of("buffer.max-records", -1L))))
                .hasMessageStartingWith(PID + ": buffer.max-records = '-1' must be a whole number in 0..");
    }

    /** The properties as ConfigurationAdmin hands them to the component. */
    static Map<String, Object> config(Map<String, Object> overrides) {
        Map<String, Object> v = new HashMap<>();
        v.put("service.pid", PID);
        v.put("device.id", "dev-1");
        v.put("key.store", "/k.p12");
        v.put("key.passphrase", "env:PASS");
        v.put("buffer.file", "/var/lib/certigate/buffer.db");
        v.putAll(overrides);
        return v;
    }

    @Test
    void aConfigurationStoredUnderTheFormerIdsIsReadTheSame() {
        // the ids of the spine's metatype before they were the standalone keys
        SpineOptions old = SpineOptions.from(config(Map.of("buffer.max.records", 1000L, "buffer.capacity.policy", "purge",
                "sequencer.queue.capacity", 128, "sequencer.max.group", 16)));
        SpineOptions current = SpineOptions.from(config(Map.of("buffer.max-records", 1000L, "buffer.capacity-policy", "purge",
                "sequencer.queue-capacity", 128, "sequencer.max-group", 16)));
        assertThat(old).isEqualTo(current);
        assertThat(old.buffer().maxRecords()).isEqualTo(1000);
        assertThat(old.sequencer().maxGroup()).isEqualTo(16);
        assertThat(io.certigate.core.config.ConfigValues.withFormerKeys(PID, Map.of("buffer.max.records", 1000L),
                io.certigate.core.spine.SpineSettings.ALL).formerKeyWarnings())
                .containsExactly(PID + ": buffer.max.records is the former name of buffer.max-records: its value is read as"
                        + " buffer.max-records; rename it");
    }
}
