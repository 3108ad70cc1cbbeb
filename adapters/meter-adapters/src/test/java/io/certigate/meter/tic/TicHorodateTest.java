package io.certigate.meter.tic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TicHorodateTest {

    @Test
    void summerAndWinterGiveTheirOffsets() {
        assertThat(TicHorodate.parse("E220302134542").toOffsetDateTime())
                .isEqualTo(OffsetDateTime.parse("2022-03-02T13:45:42+02:00"));
        assertThat(TicHorodate.parse("H251224230000").toOffsetDateTime())
                .isEqualTo(OffsetDateTime.parse("2025-12-24T23:00:00+01:00"));
    }

    @Test
    void lowerCaseSeasonMeansADegradedClock() {
        TicHorodate h = TicHorodate.parse("h251224230000");
        assertThat(h.clockDegraded()).isTrue();
        assertThat(h.season()).isEqualTo('H');
        assertThat(h.format()).isEqualTo("h251224230000");
        assertThat(TicHorodate.parse("E220302134542").clockDegraded()).isFalse();
    }

    @Test
    void withoutSeasonParisRulesApply() {
        assertThat(TicHorodate.parse(" 250715120000").toOffsetDateTime().getOffset().getTotalSeconds()).isEqualTo(7200);
        assertThat(TicHorodate.parse(" 250115120000").toOffsetDateTime().getOffset().getTotalSeconds()).isEqualTo(3600);
    }

    @Test
    void rejectsWhatIsNotAHorodate() {
        assertThatThrownBy(() -> TicHorodate.parse("X220302134542")).hasMessageContaining("season");
        assertThatThrownBy(() -> TicHorodate.parse("E2203021345")).hasMessageContaining("13 characters");
        assertThatThrownBy(() -> TicHorodate.parse("E221302134542")).hasMessageContaining("not a valid date");
        assertThatThrownBy(() -> TicHorodate.parse("E2203021345x2")).hasMessageContaining("non-digit");
    }
}
