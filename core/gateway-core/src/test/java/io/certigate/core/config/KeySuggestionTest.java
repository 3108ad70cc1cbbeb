package io.certigate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class KeySuggestionTest {
    private static final List<String> KNOWN = List.of("sequencer.queue-capacity", "sequencer.max-group", "tic.port",
            "rfid.port", "buffer.file", "buffer.max-records");

    @Test
    void aTypoSuggestsTheNearestKey() {
        assertThat(KeySuggestion.nearest("sequencer.queue-capcity", KNOWN)).contains("sequencer.queue-capacity");
        assertThat(KeySuggestion.nearest("sequencer.max_group", KNOWN)).contains("sequencer.max-group");
        assertThat(KeySuggestion.nearest("tic.prot", KNOWN)).contains("tic.port"); // a transposition is one edit
        assertThat(KeySuggestion.nearest("buffer.files", KNOWN)).contains("buffer.file");
    }

    @Test
    void nothingIsSuggestedWhenNoKeyIsClose() {
        assertThat(KeySuggestion.nearest("uplink.kafka.url", KNOWN)).isEmpty();
        assertThat(KeySuggestion.nearest("tic.mode", KNOWN)).isEmpty();
        assertThat(KeySuggestion.nearest("tic.port", KNOWN)).isEmpty(); // a known key is not unknown
    }

    @Test
    void theMessageNamesTheKeyAndTheSuggestion() {
        assertThat(KeySuggestion.unknownKey("rfid.prot", KNOWN)).isEqualTo("unknown key rfid.prot (did you mean 'rfid.port'?)");
        assertThat(KeySuggestion.unknownKey("colour", KNOWN)).isEqualTo("unknown key colour");
    }

    @Test
    void distanceCountsInsertionsDeletionsSubstitutionsAndTranspositions() {
        assertThat(KeySuggestion.distance("abc", "abc")).isZero();
        assertThat(KeySuggestion.distance("abc", "abcd")).isEqualTo(1);
        assertThat(KeySuggestion.distance("abcd", "abd")).isEqualTo(1);
        assertThat(KeySuggestion.distance("abc", "axc")).isEqualTo(1);
        assertThat(KeySuggestion.distance("abc", "acb")).isEqualTo(1);
        assertThat(KeySuggestion.distance("", "abc")).isEqualTo(3);
        assertThat(KeySuggestion.distance("kitten", "sitting")).isEqualTo(3);
    }
}
