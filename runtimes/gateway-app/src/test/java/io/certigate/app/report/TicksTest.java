package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TicksTest {
    @Test
    void valueTicksAreNiceNumbers() {
        Ticks.Values v = Ticks.values(12_345.6, 13_870.2, 6);
        assertThat(v.step()).isEqualTo(500);
        assertThat(v.lo()).isEqualTo(12_000);
        assertThat(v.hi()).isEqualTo(14_000);
        assertThat(v.ticks()).extracting(v::label).containsExactly("12,000", "12,500", "13,000", "13,500", "14,000");
        Ticks.Values small = Ticks.values(0.12, 0.57, 6);
        assertThat(small.step()).isEqualTo(0.1);
        assertThat(small.label(0.3)).isEqualTo("0.3");
        Ticks.Values flat = Ticks.values(1500, 1500, 6);
        assertThat(flat.lo()).isLessThan(1500);
        assertThat(flat.hi()).isGreaterThan(1500);
    }

    @Test
    void dateTicksFallOnCalendarBoundaries() {
        long from = Instant.parse("2026-03-03T10:17:00Z").toEpochMilli();
        Ticks.Dates days = Ticks.dates(from, Instant.parse("2026-03-09T08:00:00Z").toEpochMilli(), 8);
        assertThat(days.unit()).isEqualTo("days");
        assertThat(days.ticks()).extracting(days::label).containsExactly("2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07",
                "2026-03-08", "2026-03-09");
        Ticks.Dates months = Ticks.dates(from, Instant.parse("2027-01-20T00:00:00Z").toEpochMilli(), 8);
        assertThat(months.ticks()).extracting(months::label).containsExactly("2026-04", "2026-07", "2026-10", "2027-01");
        Ticks.Dates seconds = Ticks.dates(from, from + 20_000, 8);
        assertThat(seconds.ticks()).extracting(seconds::label).containsExactly("10:17:00", "10:17:05", "10:17:10", "10:17:15",
                "10:17:20");
    }
}
