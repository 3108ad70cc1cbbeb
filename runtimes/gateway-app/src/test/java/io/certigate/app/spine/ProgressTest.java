package io.certigate.app.spine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The progress line on virtual time: nothing for a short run, records, rate and time left for a long one. */
@Tag("unit")
class ProgressTest {
    long now = 5_000_000_000L;
    double fraction;
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Progress progress(boolean enabled) {
        return new Progress("verify", new PrintStream(err, true, StandardCharsets.UTF_8), () -> now, () -> fraction, enabled);
    }

    private void feed(Progress p, int n) {
        for (int i = 0; i < n; i++) {
            p.entry(null);
        }
    }

    private String printed() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aShortRunPrintsNothing() {
        Progress p = progress(true);
        now += 1_900_000_000L;
        feed(p, 100_000);
        p.finish();
        assertThat(printed()).isEmpty();
    }

    @Test
    void aLongRunShowsRecordsRateAndTimeLeftThenTheTotals() {
        Progress p = progress(true);
        now += 1_900_000_000L;
        feed(p, 40_704);
        assertThat(printed()).isEmpty();
        now += 100_000_000L;
        fraction = 0.25;
        feed(p, 256);
        assertThat(printed()).contains("verify: 40,960 records, 20,480/s, 25%, about 6 s left");
        now += 500_000_000L;
        feed(p, 256);
        assertThat(printed()).as("refreshed about once a second").doesNotContain("41,216");
        now += 600_000_000L;
        feed(p, 256);
        assertThat(printed()).contains("41,472 records");
        now += 900_000_000L;
        p.finish();
        assertThat(printed()).endsWith(String.format("verify: 41,472 records in 4 s, 10,368/s%30s%n", ""));
    }

    @Test
    void quietOrNotATerminalPrintsNothing() {
        Progress p = progress(false);
        now += 10_000_000_000L;
        feed(p, 100_000);
        p.finish();
        assertThat(printed()).isEmpty();
        assertThat(Progress.wanted(true)).isFalse();
    }
}
