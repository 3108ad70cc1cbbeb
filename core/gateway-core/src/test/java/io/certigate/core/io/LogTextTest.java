package io.certigate.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Network-supplied values in log lines: one line, visible, and told apart from an unescaped value. */
@Tag("unit")
class LogTextTest {
    @Test
    void aForgedIdentityCannotStartANewLogLine() {
        String forged = "certigate-SN-1\nINFO: device hub-1 provisioned\r";
        assertThat(LogText.escape(forged)).isEqualTo("certigate-SN-1\\nINFO: device hub-1 provisioned\\r")
                .doesNotContain("\n", "\r");
    }

    @Test
    void controlFormatAndSeparatorCharactersBecomeEscapes() {
        assertThat(LogText.escape("a\u001b[2Jb")).isEqualTo("a\\u001b[2Jb"); // terminal escape sequence
        assertThat(LogText.escape("x\u0000y\u007fz")).isEqualTo("x\\u0000y\\u007fz");
        assertThat(LogText.escape("rtl\u202eevil")).isEqualTo("rtl\\u202eevil"); // right-to-left override
        assertThat(LogText.escape("a\u2028b\u2029c")).isEqualTo("a\\u2028b\\u2029c");
        assertThat(LogText.escape("tab\there")).isEqualTo("tab\\there");
        assertThat(LogText.escape("lone\ud800")).isEqualTo("lone\\ud800");
    }

    @Test
    void printableTextIncludingNonAsciiStaysAsItIs() {
        assertThat(LogText.escape("hub-0007 Zähler 🚗 site:A7-PR114")).isEqualTo("hub-0007 Zähler 🚗 site:A7-PR114");
    }

    @Test
    void aBackslashIsDoubledSoAnEscapeCannotBeForged() {
        assertThat(LogText.escape("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(LogText.escape("a\\nb")).isNotEqualTo(LogText.escape("a\nb"));
    }

    @Test
    void longValuesAreCutAndNullIsNamed() {
        String escaped = LogText.escape("x".repeat(10_000));
        assertThat(escaped).startsWith("x".repeat(LogText.MAX_CHARS)).endsWith("...(10000 chars)");
        assertThat(LogText.escape((String) null)).isEqualTo("null");
        assertThat(LogText.escape("id\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("id\\n");
        assertThat(LogText.escape(new byte[] {(byte) 0xff, 'a'})).isEqualTo("\ufffda");
    }
}
