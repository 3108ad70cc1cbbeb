package io.certigate.meter.coap;

import static io.certigate.meter.coap.SenmlFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class SenmlDecoderTest {

    @Test
    void rfcSingleDatapoint() throws Exception {
        assertThat(SenmlDecoder.decodeJson(raw("rfc8428-5.1.1.json"))).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("urn:dev:ow:10e2073a01080063");
            assertThat(r.unit()).isEqualTo("Cel");
            assertThat(r.value()).isEqualTo(23.1);
            assertThat(r.relativeTime()).isTrue();
            assertThat(r.time()).isZero();
        });
    }

    @Test
    void rfcMultipleMeasurementsResolveBaseFields() throws Exception {
        List<SenmlRecord> rs = SenmlDecoder.decodeJson(raw("rfc8428-5.1.3.json"));
        assertThat(rs).hasSize(7);
        assertThat(rs.get(0).name()).isEqualTo("urn:dev:ow:10e2073a0108006:voltage");
        assertThat(rs.get(0).unit()).isEqualTo("V");
        assertThat(rs.get(1).name()).isEqualTo("urn:dev:ow:10e2073a0108006:current");
        assertThat(rs.get(1).unit()).isEqualTo("A"); // base unit
        assertThat(rs.get(1).time()).isEqualTo(1.276020076001e9 - 5);
        assertThat(rs.get(6).time()).isEqualTo(1.276020076001e9);
        assertThat(rs.get(6).relativeTime()).isFalse();
    }

    @Test
    void cborWithIntegerLabelsInTheRfcsKeyOrder() throws Exception {
        List<SenmlRecord> rs = SenmlDecoder.decodeCbor(raw("rfc8428-5.1.2.cbor"));
        assertThat(rs).extracting(SenmlRecord::name).containsExactly("urn:dev:ow:10e2073a01080063:voltage",
                "urn:dev:ow:10e2073a01080063:current");
        assertThat(rs).extracting(SenmlRecord::value).containsExactly(120.1, 1.2);
    }

    @Test
    void jsonAndCborShockPacksAreTheSame() throws Exception {
        assertThat(SenmlDecoder.decodeCbor(raw("shock.cbor"))).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(SenmlDecoder.decodeJson(raw("shock.json")));
    }

    @ParameterizedTest
    @CsvSource({
        "shock-truncated.json, MALFORMED",
        "duplicate-key.json, MALFORMED",
        "must-understand.json, UNSUPPORTED",
        "shock-missing-value.json, MISSING_FIELD",
        "shock-truncated.cbor, MALFORMED",
        "shock-indefinite.cbor, MALFORMED",
        "shock-tagged.cbor, MALFORMED",
        "shock-trailing.cbor, MALFORMED",
        "duplicate-key.cbor, MALFORMED",
    })
    void corruptPacksAreRefusedWithTheirProblem(String fixture, SenmlException.Problem problem) {
        byte[] b = raw(fixture);
        assertThatThrownBy(() -> {
            if (fixture.endsWith(".json")) {
                SenmlDecoder.decodeJson(b);
            } else {
                SenmlDecoder.decodeCbor(b);
            }
        }).isInstanceOfSatisfying(SenmlException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                                         | a JSON array",
        "[1]                                        | JSON object",
        "[]                                         | empty",
        "[{\"n\":\"a\",\"v\":1,\"vs\":\"x\"}]       | more than one value",
        "[{\"n\":\"a\",\"v\":1}] x                  | invalid JSON",
        "[{\"n\":\"a b\",\"v\":1}]                  | not a valid SenML name",
        "[{\"v\":1}]                                | no name",
        "[{\"bver\":11,\"n\":\"a\",\"v\":1}]        | base version",
        "[{\"n\":\"a\",\"v\":{\"x\":1}}]            | not a string, number or boolean",
        "[{\"n\":\"a\",\"v\":\"1\"}]                | must be a number",
        "[{\"n\":\"a\",\"v\":1e400}]                | non-finite",
    })
    void jsonEdgeCases(String json, String message) {
        assertThatThrownBy(() -> SenmlDecoder.decodeJson(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(SenmlException.class).hasMessageContaining(message);
    }
}
