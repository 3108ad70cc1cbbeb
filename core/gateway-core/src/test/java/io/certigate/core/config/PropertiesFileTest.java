package io.certigate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PropertiesFileTest {

    private static Properties load(String text) throws IOException {
        return PropertiesFile.load(new StringReader(text), "run.properties");
    }

    @Test
    void readsThePropertiesSyntax() throws IOException {
        Properties p = load("# comment\n! other comment\na = 1\nb: two\nc   three\nd = one \\\n    continued\ne\\ f = g\n");
        assertThat(p).containsEntry("a", "1").containsEntry("b", "two").containsEntry("c", "three")
                .containsEntry("d", "one continued").containsEntry("e f", "g").hasSize(5);
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithoutItsValues() {
        assertThatThrownBy(() -> load("sequencer.max-group = 512\nbuffer.file = b.db\nsequencer.max-group=64\n"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("run.properties: key sequencer.max-group is given twice")
                .hasMessageNotContaining("512").hasMessageNotContaining("64");
    }

    @Test
    void everyRepeatedKeyIsListedOnce() {
        // the same key written differently (an escaped character, other separators) is still the same key
        assertThatThrownBy(() -> load("a=1\nb=1\na:2\nb 2\n\\a = 3\n"))
                .hasMessageStartingWith("run.properties: keys a, b are given twice");
    }
}
