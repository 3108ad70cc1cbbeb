package io.certigate.meter.tic;

import static io.certigate.meter.tic.TicFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TicReadingsTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:05Z");

    private static TicFrame frame(String fixture, TicMode mode) {
        return TicFrameAssembler.forMode(mode).accept(ByteBuffer.wrap(raw(fixture))).get(0);
    }

    @Test
    void historicBaseFrameGivesIndexPowerAndCurrent() {
        TicReadings r = new TicReadings(TicReadings.Options.defaults());
        List<Reading> out = r.map(frame("historic-base.raw", TicMode.HISTORIC), T0);
        assertThat(out).extracting(Reading::kind).containsExactly("meter.energy.import.base", TicReadings.CURRENT,
                TicReadings.APPARENT_POWER);
        Reading index = out.get(0);
        assertThat(index.subject()).isEqualTo("031762120154");
        assertThat(index.value()).isEqualTo(ReadingValue.of(215124));
        assertThat(index.unit()).isEqualTo("Wh");
        assertThat(index.flags()).isEmpty();
        assertThat(index.source()).isEqualTo("tic");
        assertThat(index.observedAtMillis()).isEqualTo(T0.toEpochMilli());
        assertThat(index.timeQuality()).isEqualTo(TimeQuality.RTC);
        assertThat(out.get(2).value()).isEqualTo(ReadingValue.of(270));
        assertThat(out.get(2).unit()).isEqualTo("VA");
    }

    @Test
    void indexesComeOncePerPeriodNotEveryFrame() {
        TicReadings r = new TicReadings(new TicReadings.Options("tic", Duration.ofMinutes(15), Duration.ZERO, TimeQuality.NTP));
        TicFrame f = frame("historic-hchp.raw", TicMode.HISTORIC);
        assertThat(r.map(f, T0)).filteredOn(TicReadingsTest::isIndex).hasSize(2);
        assertThat(r.map(f, T0.plusSeconds(2))).noneMatch(TicReadingsTest::isIndex).extracting(Reading::kind)
                .contains(TicReadings.APPARENT_POWER);
        assertThat(r.map(f, T0.plusSeconds(14 * 60))).noneMatch(TicReadingsTest::isIndex);
        // 10:15:00 starts the next quarter hour
        List<Reading> next = r.map(f, Instant.parse("2026-11-24T10:15:01Z"));
        assertThat(next).filteredOn(TicReadingsTest::isIndex).extracting(Reading::kind)
                .containsExactly("meter.energy.import.hchc", "meter.energy.import.hchp");
    }

    @Test
    void standardFrameUsesTheMeterClockAndSkipsUnusedRegisters() {
        TicReadings r = new TicReadings(TicReadings.Options.defaults());
        List<Reading> out = r.map(frame("standard-tempo.raw", TicMode.STANDARD), T0);
        assertThat(out).filteredOn(TicReadingsTest::isIndex).extracting(Reading::kind).containsExactly("meter.energy.import",
                "meter.energy.import.easf01", "meter.energy.import.easf02", "meter.energy.import.easd01");
        assertThat(out).allSatisfy(x -> {
            assertThat(x.subject()).isEqualTo("041876097359");
            assertThat(x.observedAtMillis()).isEqualTo(OffsetDateTime.parse("2022-03-02T13:45:42+02:00").toInstant().toEpochMilli());
            assertThat(x.timeQuality()).isEqualTo(TimeQuality.RTC);
        });
        assertThat(out).filteredOn(x -> x.kind().startsWith(TicReadings.CURRENT)).singleElement()
                .satisfies(x -> assertThat(x.kind()).isEqualTo("meter.current.l1"));
        assertThat(out).allSatisfy(x -> assertThat(x.flags()).isEmpty());
    }

    @Test
    void aFrameWhoseIndexGroupWasBadDoesNotUseUpThePeriod() {
        TicReadings r = new TicReadings(TicReadings.Options.defaults());
        assertThat(r.map(frame("historic-base-bad-checksum.raw", TicMode.HISTORIC), T0)).noneMatch(TicReadingsTest::isIndex);
        assertThat(r.map(frame("historic-base.raw", TicMode.HISTORIC), T0.plusSeconds(2))).anyMatch(TicReadingsTest::isIndex);
    }

    @Test
    void aDegradedMeterClockGivesTimeQualityNone() {
        List<Reading> out = new TicReadings(TicReadings.Options.defaults()).map(frame("standard-degraded-clock.raw", TicMode.STANDARD), T0);
        assertThat(out).isNotEmpty().allSatisfy(x -> assertThat(x.timeQuality()).isEqualTo(TimeQuality.NONE));
    }

    @Test
    void aFrameWithoutItsMeterIdGivesNothing() {
        TicReadings r = new TicReadings(TicReadings.Options.defaults());
        assertThat(r.map(frame("historic-base-bad-adco.raw", TicMode.HISTORIC), T0)).isEmpty();
        assertThat(r.unattributableFrames()).isEqualTo(1);
    }

    @Test
    void aBadGroupOnlyRemovesItsOwnReading() {
        List<Reading> out = new TicReadings(TicReadings.Options.defaults()).map(frame("standard-bad-sinsts.raw", TicMode.STANDARD), T0);
        assertThat(out).extracting(Reading::kind).doesNotContain(TicReadings.APPARENT_POWER).contains(TicReadings.IMPORT,
                "meter.current.l1");
    }

    @Test
    void aDecreasingIndexIsFlagged() {
        TicReadings r = new TicReadings(new TicReadings.Options("tic", Duration.ZERO, Duration.ZERO, TimeQuality.RTC));
        r.map(frame("historic-base.raw", TicMode.HISTORIC), T0);
        TicFrame lower = TicFrameAssembler.forMode(TicMode.HISTORIC).accept(ByteBuffer.wrap(
                raw("historic-base.raw").clone())).get(0);
        TicFrame decreased = new TicFrame(lower.mode(), lower.groups().stream()
                .map(g -> g.label().equals("BASE") ? new TicGroup(g.mode(), g.label(), g.known(), null, "000215000") : g).toList(),
                List.of());
        assertThat(r.map(decreased, T0.plusSeconds(1))).filteredOn(TicReadingsTest::isIndex).singleElement()
                .satisfies(x -> assertThat(x.flags()).containsExactly(TicReadings.ROLLBACK));
    }

    private static boolean isIndex(Reading r) {
        return r.kind().startsWith(TicReadings.IMPORT);
    }
}
