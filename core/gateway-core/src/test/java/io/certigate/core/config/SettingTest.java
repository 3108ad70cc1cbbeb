package io.certigate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.spine.SpineSettings;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SettingTest {
    private final Setting queue = SpineSettings.QUEUE_CAPACITY;

    @Test
    void aValueInRangeFromTextOrATypedNumber() {
        assertThat(queue.parseInt("f", " 8192 ")).isEqualTo(8192);
        assertThat(queue.parseInt("f", 8192)).isEqualTo(8192);
        assertThat(queue.parseInt("f", 8192L)).isEqualTo(8192);
        assertThat(queue.parseInt("f", null)).isEqualTo(4096);
        assertThat(queue.parseInt("f", "  ")).isEqualTo(4096);
    }

    @Test
    void aNumberBeyondTheRangeIsRefusedNotNarrowed() {
        // (int) 99999999999L is 1215752191, and (int) 4294967297L is 1: both used to be taken silently
        assertThatThrownBy(() -> queue.parseInt("run.properties", "99999999999"))
                .hasMessage("run.properties: sequencer.queue-capacity = '99999999999' must be a whole number in 1..1048576");
        assertThatThrownBy(() -> SpineSettings.MAX_GROUP.parseInt("run.properties", "4294967297"))
                .hasMessage("run.properties: sequencer.max-group = '4294967297' must be a whole number in 1..65536");
        assertThatThrownBy(() -> queue.parseInt("io.certigate.kura.spine", 99999999999L))
                .hasMessage("io.certigate.kura.spine: sequencer.queue-capacity = '99999999999' must be a whole number in 1..1048576");
        assertThatThrownBy(() -> queue.parseInt("f", 0)).hasMessageContaining("= '0' must be a whole number in 1..1048576");
    }

    @Test
    void aNumberBeyondItsTypeOrNotWholeIsRefused() {
        assertThatThrownBy(() -> SpineSettings.MAX_RECORDS.parse("f", "9223372036854775808"))
                .hasMessage("f: buffer.max-records = '9223372036854775808' must be a whole number in 0..9223372036854775807");
        assertThatThrownBy(() -> queue.parse("f", 12.5)).hasMessageContaining("= '12.5' must be a whole number");
        assertThatThrownBy(() -> queue.parse("f", "4k")).hasMessageContaining("= '4k' must be a whole number");
    }

    @Test
    void aFormerKeyIsReadWithAWarningWhenTheKeyIsAbsent() {
        ConfigValues old = ConfigValues.withFormerKeys("pid", Map.of("sequencer.queue.capacity", 100), SpineSettings.ALL);
        assertThat(old.wholeInt(queue)).isEqualTo(100);
        assertThat(old.formerKeyWarnings()).containsExactly("pid: sequencer.queue.capacity is the former name of"
                + " sequencer.queue-capacity: its value is read as sequencer.queue-capacity; rename it");
        assertThatThrownBy(() -> ConfigValues.withFormerKeys("pid", Map.of("sequencer.queue.capacity", 2_000_000),
                SpineSettings.ALL).wholeInt(queue))
                .hasMessage("pid: sequencer.queue-capacity = '2000000' must be a whole number in 1..1048576");
        ConfigValues both = ConfigValues.withFormerKeys("pid", Map.of("sequencer.queue.capacity", 100,
                "sequencer.queue-capacity", 200), SpineSettings.ALL);
        assertThat(both.wholeInt(queue)).isEqualTo(200);
        assertThat(both.formerKeyWarnings()).singleElement().asString().contains("is ignored");
        assertThat(new ConfigValues("pid", Map.of()).wholeInt(queue)).isEqualTo(4096);
    }

    @Test
    void aChoiceIsOneOfItsValues() {
        assertThat(SpineSettings.CAPACITY_POLICY.parseChoice("f", " PURGE ")).isEqualTo("purge");
        assertThat(SpineSettings.CAPACITY_POLICY.parseChoice("f", null)).isEqualTo("reject");
        assertThatThrownBy(() -> SpineSettings.CAPACITY_POLICY.parseChoice("f", "drop"))
                .hasMessage("f: buffer.capacity-policy = 'drop' is not reject or purge");
    }

    @Test
    void aFamilyMatchesItsMembers() {
        Setting poll = Setting.whole("obd.poll.<PID>", 0, 0, 10, "ms", "");
        assertThat(poll.matches("obd.poll.speed")).isTrue();
        assertThat(poll.matches("obd.poll.")).isFalse();
        assertThat(poll.prefix()).isEqualTo("obd.poll.");
    }

    @Test
    void aDefaultOutsideItsRangeIsADefinitionError() {
        assertThatThrownBy(() -> Setting.ofInt("x", 0, 1, 10, "")).hasMessage("x: default 0 outside 1..10");
        assertThatThrownBy(() -> SpineSettings.MAX_RECORDS.parseInt("f", "1")).isInstanceOf(IllegalStateException.class);
    }
}
