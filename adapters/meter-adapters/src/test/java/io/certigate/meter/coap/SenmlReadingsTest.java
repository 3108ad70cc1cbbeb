package io.certigate.meter.coap;

import static io.certigate.meter.coap.SenmlFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SenmlReadingsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T17:00:00Z");

    private static SenmlReadings.Pack map(String json) throws SenmlException {
        return SenmlReadings.map("road-01", SenmlDecoder.decodeJson(json.getBytes(StandardCharsets.UTF_8)), NOW, TimeQuality.RTC,
                TimeQuality.NTP);
    }

    @Test
    void shockPackBecomesShockAndPositionReadings() throws Exception {
        SenmlReadings.Pack p = SenmlReadings.map("road-01", SenmlDecoder.decodeJson(raw("shock.json")), NOW, TimeQuality.RTC,
                TimeQuality.NTP);
        assertThat(p.sequence()).isEqualTo(42);
        assertThat(p.readings()).extracting(Reading::kind).containsExactly("road.shock", "road.position.lat", "road.position.lon");
        Reading shock = p.readings().get(0);
        assertThat(shock.source()).isEqualTo("coap:road-01");
        assertThat(shock.subject()).isEqualTo("road-01");
        assertThat(shock.unit()).isEqualTo("m/s2");
        assertThat(shock.value()).isEqualTo(ReadingValue.of(new BigDecimal("23.5")));
        assertThat(shock.observedAtMillis()).isEqualTo(NOW.toEpochMilli());
        assertThat(shock.timeQuality()).isEqualTo(TimeQuality.NTP);
        assertThat(p.readings().get(1).value()).isEqualTo(ReadingValue.of(new BigDecimal("45.764043")));
        assertThat(p.readings().get(1).unit()).isEqualTo("deg");
    }

    @Test
    void absoluteTimesComeFromTheSensorClock() throws Exception {
        SenmlReadings.Pack p = map("[{\"bt\":1764003600,\"n\":\"seq\",\"v\":1},{\"n\":\"shock\",\"u\":\"m/s2\",\"v\":12,\"t\":-2}]");
        assertThat(p.readings().get(0).observedAtMillis()).isEqualTo(1_764_003_598_000L);
        assertThat(p.readings().get(0).timeQuality()).isEqualTo(TimeQuality.RTC);
        assertThat(p.readings().get(0).value()).isEqualTo(ReadingValue.of(12));
    }

    @Test
    void unknownAndWrongUnitsAreRefused() {
        assertThatThrownBy(() -> SenmlReadings.map("road-01", SenmlDecoder.decodeJson(raw("shock-unknown-unit.json")), NOW,
                TimeQuality.RTC, TimeQuality.NTP)).isInstanceOfSatisfying(SenmlException.class,
                        e -> assertThat(e.problem()).isEqualTo(SenmlException.Problem.UNKNOWN_UNIT))
                .hasMessageContaining("furlong");
        assertThatThrownBy(() -> map("[{\"n\":\"seq\",\"v\":1},{\"n\":\"shock\",\"u\":\"Cel\",\"v\":3}]"))
                .hasMessageContaining("must be in 'm/s2'");
        assertThatThrownBy(() -> map("[{\"n\":\"seq\",\"v\":1},{\"n\":\"shock\",\"v\":3}]"))
                .isInstanceOfSatisfying(SenmlException.class, e -> assertThat(e.problem()).isEqualTo(SenmlException.Problem.MISSING_FIELD));
    }

    @Test
    void missingSeqAndUnknownMeasurementsAreRefused() {
        assertThatThrownBy(() -> SenmlReadings.map("road-01", SenmlDecoder.decodeJson(raw("shock-missing-seq.json")), NOW,
                TimeQuality.RTC, TimeQuality.NTP)).hasMessageContaining("no 'seq'");
        assertThatThrownBy(() -> map("[{\"n\":\"seq\",\"v\":1},{\"n\":\"humidity\",\"u\":\"%RH\",\"v\":3}]"))
                .isInstanceOfSatisfying(SenmlException.class,
                        e -> assertThat(e.problem()).isEqualTo(SenmlException.Problem.UNKNOWN_MEASUREMENT));
        assertThatThrownBy(() -> map("[{\"n\":\"seq\",\"v\":1.5},{\"n\":\"shock\",\"u\":\"m/s2\",\"v\":3}]"))
                .hasMessageContaining("non-negative integer");
        assertThatThrownBy(() -> map("[{\"n\":\"seq\",\"v\":1}]")).hasMessageContaining("no measurement");
    }
}
