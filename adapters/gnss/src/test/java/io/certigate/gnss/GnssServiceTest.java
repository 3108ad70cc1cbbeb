package io.certigate.gnss;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Position;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.testbed.time.ManualClock;
import io.certigate.testbed.time.ManualScheduler;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** GNSS time, clock offset and positions on virtual time. */
@Tag("unit")
class GnssServiceTest {
    private static final Instant GNSS_NOW = Instant.parse("2025-03-10T12:00:00Z");

    private final ManualClock clock = new ManualClock(GNSS_NOW.plusMillis(300)); // gateway 300 ms ahead
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<Reading> alerts = new CopyOnWriteArrayList<>();
    private final ReadingSink sink = r -> {
        alerts.add(r);
        return CompletableFuture.completedFuture(null);
    };
    private final GnssService service = new GnssService(clock, clock::nanoTime, scheduler,
            new GnssService.Options(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(10), Set.of("road.shock"),
                    "dev-1"), sink).start();
    private final NmeaReceiver receiver = new NmeaReceiver(service::update);

    private void epoch(Instant gnssTime, boolean valid) {
        String hms = String.format("%02d%02d%02d.00", gnssTime.atZone(java.time.ZoneOffset.UTC).getHour(),
                gnssTime.atZone(java.time.ZoneOffset.UTC).getMinute(), gnssTime.atZone(java.time.ZoneOffset.UTC).getSecond());
        String in = NmeaParserTest.sentence("GNRMC," + hms + "," + (valid ? "A" : "V") + ",4851.39120,N,00221.04870,E,10.0,45.0,100325,,,"
                + (valid ? "A" : "N")) + NmeaParserTest.sentence("GNGGA," + hms + ",4851.39120,N,00221.04870,E," + (valid ? 1 : 0)
                + ",08,1.10,35.0,M,46.0,M,,");
        receiver.accept(ByteBuffer.wrap(in.getBytes(StandardCharsets.US_ASCII)), clock.millis(), clock.nanoTime());
    }

    private static Reading reading(String kind, TimeQuality tq, long t) {
        return new Reading(t, tq, "obd", kind, "VF1TEST", ReadingValue.of(1), null);
    }

    @Test
    void aValidRecentFixGivesGnssTimeAndPositionToTheConfiguredKinds() {
        epoch(GNSS_NOW, true);
        clock.advance(Duration.ofMillis(700));

        assertThat(service.clockOffsetMillis()).hasValue(300);
        Reading shock = service.stamp(reading("road.shock", TimeQuality.NTP, clock.millis()));
        assertThat(shock.timeQuality()).isEqualTo(TimeQuality.GNSS);
        assertThat(shock.observedAtMillis()).isEqualTo(GNSS_NOW.plusMillis(700).toEpochMilli());
        assertThat(shock.position()).isEqualTo(new Position(new BigDecimal("48.85652"), new BigDecimal("2.3508117"),
                new BigDecimal("1.10"), 700));

        Reading speed = service.stamp(reading("vehicle.speed", TimeQuality.RTC, clock.millis()));
        assertThat(speed.timeQuality()).isEqualTo(TimeQuality.GNSS);
        assertThat(speed.position()).as("not a position kind").isNull();

        Reading meterTime = service.stamp(reading("road.shock", TimeQuality.NONE, 5));
        assertThat(meterTime.observedAtMillis()).as("a source's own clock is not the gateway's").isEqualTo(5);
        assertThat(meterTime.timeQuality()).isEqualTo(TimeQuality.NONE);
    }

    @Test
    void aKindWithPositionDecimalsIsSignedWithTheRoundedPositionOnly() {
        GnssService coarse = new GnssService(clock, clock::nanoTime, scheduler,
                new GnssService.Options(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(10),
                        Set.of("road.shock", "vehicle.track"), "dev-1", java.util.Map.of("road.shock", 3)), sink);
        epoch(GNSS_NOW, true);
        coarse.update(service.latest().orElseThrow());
        Reading shock = coarse.stamp(reading("road.shock", TimeQuality.NTP, clock.millis()));
        assertThat(shock.position().latitude()).isEqualByComparingTo("48.857");
        assertThat(shock.position().longitude()).isEqualByComparingTo("2.351");
        assertThat(shock.position().latitude().scale()).isEqualTo(3);
        Reading track = coarse.stamp(reading("vehicle.track", TimeQuality.NTP, clock.millis()));
        assertThat(track.position().latitude()).as("a kind without decimals keeps the fix's precision")
                .isEqualByComparingTo("48.85652");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GnssService.Options(Duration.ofSeconds(3),
                Duration.ofSeconds(2), Duration.ofSeconds(10), Set.of("road.shock"), "dev-1",
                java.util.Map.of("road.shock", 10))).hasMessageContaining("0..9");
    }

    @Test
    void anOldOrInvalidFixLeavesReadingsAsTheyAre() {
        epoch(GNSS_NOW, true);
        clock.advance(Duration.ofMillis(3001));
        Reading r = reading("road.shock", TimeQuality.NTP, clock.millis());
        assertThat(service.stamp(r)).isSameAs(r);
        assertThat(service.clockOffsetMillis()).isEmpty();
        assertThat(service.position()).isEmpty();

        epoch(GNSS_NOW.plusSeconds(3), false); // into a tunnel: the receiver still talks, without a fix
        assertThat(service.latest()).get().extracting(GnssFix::valid).isEqualTo(false);
        assertThat(service.stamp(r)).isSameAs(r);
    }

    @Test
    void aClockSetBackRaisesOneAlertReadingUntilItIsRightAgain() {
        clock.setInstant(GNSS_NOW.minus(Duration.ofHours(1))); // the box's clock was set back an hour
        for (int s = 0; s < 30; s++) {
            epoch(GNSS_NOW.plusSeconds(s), true);
            scheduler.advance(Duration.ofSeconds(1));
        }
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(GnssService.OFFSET_KIND);
            assertThat(a.flags()).containsExactly(GnssService.CLOCK_OFFSET_FLAG);
            assertThat(Reading.isAlert(GnssService.CLOCK_OFFSET_FLAG)).isTrue();
            assertThat(a.value()).isEqualTo(ReadingValue.of(-3_600_000L));
            assertThat(a.unit()).isEqualTo("ms");
            assertThat(a.timeQuality()).isEqualTo(TimeQuality.GNSS);
            assertThat(a.observedAtMillis()).isEqualTo(GNSS_NOW.plusSeconds(10).toEpochMilli()); // first check at 10 s
        });

        clock.setInstant(GNSS_NOW.plusSeconds(30)); // NTP put it right
        for (int s = 30; s < 60; s++) {
            epoch(GNSS_NOW.plusSeconds(s), true);
            scheduler.advance(Duration.ofSeconds(1));
        }
        assertThat(alerts).hasSize(1);
        clock.setInstant(GNSS_NOW.minusSeconds(60));
        for (int s = 60; s < 75; s++) {
            epoch(GNSS_NOW.plusSeconds(s), true);
            scheduler.advance(Duration.ofSeconds(1));
        }
        assertThat(alerts).hasSize(2);
        assertThat(service.alertsRaised()).isEqualTo(2);
    }

    @Test
    void anOffsetWithinTheBoundRaisesNothing() {
        for (int s = 0; s < 120; s++) {
            epoch(GNSS_NOW.plusSeconds(s), true);
            scheduler.advance(Duration.ofSeconds(1));
        }
        assertThat(scheduler.executed()).isGreaterThanOrEqualTo(12);
        assertThat(alerts).isEmpty();
        assertThat(service.clockOffsetMillis()).hasValue(300);
    }
}
