package io.certigate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.TimeQuality;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ConfigValuesTest {
    private final ConfigValues v = new ConfigValues("io.certigate.test", Map.of("name", "  hub-1 ", "empty", " ",
            "n", "42", "neg", "-3", "word", "many", "tq", "gnss", "tq-bad", "sundial", "file", "file:/run/pass",
            "env", "env:PASS", "clear", "hunter2"));

    @Test
    void textIsTrimmedAndAnEmptyValueCountsAsAbsent() {
        assertThat(v.text("name")).isEqualTo("hub-1");
        assertThat(v.text("empty")).isEmpty();
        assertThat(v.text("missing", "dflt")).isEqualTo("dflt");
        assertThat(v.text("empty", "dflt")).isEqualTo("dflt");
        assertThat(v.required("name")).isEqualTo("hub-1");
        assertThatThrownBy(() -> v.required("empty")).hasMessage("io.certigate.test: empty is required");
    }

    @Test
    void wholeNumbersAreCheckedAgainstTheirMinimumAndNamed() {
        assertThat(v.whole("n", 7, 1)).isEqualTo(42);
        assertThat(v.whole("missing", 7, 1)).isEqualTo(7);
        assertThat(v.requiredWhole("n", 42)).isEqualTo(42);
        assertThatThrownBy(() -> v.whole("neg", 7, 0))
                .hasMessage("io.certigate.test: neg = '-3' must be a whole number >= 0");
        assertThatThrownBy(() -> v.whole("word", 7, 0))
                .hasMessage("io.certigate.test: word = 'many' must be a whole number >= 0");
        assertThatThrownBy(() -> v.requiredWhole("missing", 1)).hasMessage("io.certigate.test: missing is required");
        assertThat(v.whole("n", 7, 1, 42)).isEqualTo(42);
        assertThatThrownBy(() -> v.whole("n", 7, 1, 41))
                .hasMessage("io.certigate.test: n = '42' must be a whole number in 1..41");
    }

    @Test
    void timeQualityByItsCode() {
        assertThat(v.timeQuality("tq", "ntp")).isEqualTo(TimeQuality.GNSS);
        assertThat(v.timeQuality("missing", "rtc")).isEqualTo(TimeQuality.RTC);
        assertThatThrownBy(() -> v.timeQuality("tq-bad", "ntp")).hasMessageContaining("tq-bad = 'sundial' must be gnss");
    }

    @Test
    void aSecretIsOnlyItsSourceAndAClearOneIsNotEchoed() {
        assertThat(v.secretSource("file", true)).isEqualTo("file:/run/pass");
        assertThat(v.secretSource("env", false)).isEqualTo("env:PASS");
        assertThat(v.secretSource("missing", false)).isEmpty();
        assertThatThrownBy(() -> v.secretSource("missing", true))
                .hasMessage("io.certigate.test: missing is required (file:PATH or env:NAME)");
        assertThatThrownBy(() -> v.secretSource("clear", false)).hasMessageContaining("clear must be file:PATH or env:NAME")
                .hasMessageNotContaining("hunter2");
    }
}
