package io.certigate.meter.coap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.certigate.core.model.TimeQuality;
import java.time.Instant;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer target for the SenML decoders: any payload either decodes to resolved records and maps
 * to valid readings, or is refused with a {@link SenmlException}; nothing else may escape.
 */
@Tag("unit")
class SenmlDecoderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void json(byte[] data) {
        check(data, false);
    }

    @FuzzTest(maxDuration = "30s")
    void cbor(byte[] data) {
        check(data, true);
    }

    private static void check(byte[] data, boolean cbor) {
        try {
            var records = cbor ? SenmlDecoder.decodeCbor(data) : SenmlDecoder.decodeJson(data);
            assertThat(records).isNotEmpty().hasSizeLessThanOrEqualTo(SenmlDecoder.MAX_RECORDS);
            SenmlReadings.Pack p = SenmlReadings.map("fuzz", records, Instant.EPOCH.plusSeconds(1_800_000_000L), TimeQuality.RTC,
                    TimeQuality.NTP);
            assertThat(p.readings()).isNotEmpty();
        } catch (SenmlException expected) {
            assertThat(expected.problem()).isNotNull();
        }
    }
}
