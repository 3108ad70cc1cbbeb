package io.certigate.testbed.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ManualClockTest {
    @Test
    void standsStillUntilAdvancedAndThenMovesWallAndMonotonicTogether() {
        ManualClock c = new ManualClock(Instant.parse("2025-03-01T12:00:00Z"));
        long n0 = c.nanoTime();
        assertThat(c.instant()).isEqualTo(Instant.parse("2025-03-01T12:00:00Z"));
        assertThat(c.instant()).isEqualTo(c.instant());

        c.advance(Duration.ofMillis(1500).plusNanos(7));
        assertThat(c.instant()).isEqualTo(Instant.parse("2025-03-01T12:00:01.500000007Z"));
        assertThat(c.millis()).isEqualTo(Instant.parse("2025-03-01T12:00:01.500Z").toEpochMilli());
        assertThat(c.nanoTime() - n0).isEqualTo(1_500_000_007L);
    }

    @Test
    void aWallClockStepLeavesTheMonotonicReadingAlone() {
        ManualClock c = new ManualClock();
        long n0 = c.nanoTime();
        c.setInstant(Instant.parse("2020-01-01T00:00:00Z")); // back by four years
        assertThat(c.instant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(c.nanoTime()).isEqualTo(n0);
    }

    @Test
    void refusesToGoBackAndAZoneViewSharesTheTime() {
        ManualClock c = new ManualClock();
        assertThatThrownBy(() -> c.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        ManualClock paris = c.withZone(ZoneId.of("Europe/Paris"));
        c.advance(Duration.ofHours(1));
        assertThat(paris.instant()).isEqualTo(c.instant()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(3600));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(paris).isNotEqualTo(c);
        assertThat(c.withZone(c.getZone())).isSameAs(c);
    }
}
