package io.certigate.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ReadingCodecTest {
    private static final byte[] PREV = new byte[32];
    private static final byte[] SALT = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");

    private static ChainedReading sample(ReadingValue v, String unit, List<String> flags) {
        return new ChainedReading("gw-1", 7, PREV, SALT, new Reading(1700000000123L, TimeQuality.NTP, "obd",
                "vehicle.odometer", "VF1RFB00X57177144", v, unit, flags));
    }

    @Test
    void encodesInCanonicalKeyOrderAndRoundTrips() throws Exception {
        for (ChainedReading c : List.of(
                sample(ReadingValue.of(new BigDecimal("123456.7")), "km", List.of()),
                sample(ReadingValue.of(42), "km/h", List.of("rollback-suspected")),
                sample(ReadingValue.of(-3.25), null, List.of()),
                sample(ReadingValue.of("VF1RFB00X57177144"), null, List.of("a", "b")),
                sample(new ReadingValue.Bytes(new byte[] {1, 2}), null, List.of()))) {
            byte[] enc = ReadingCodec.encode(c);
            CborItem decoded = CborReader.decode(enc); // strict: throws if not deterministic
            assertThat(new CborWriter().item(decoded).toByteArray()).isEqualTo(enc);
            assertThat(ReadingCodec.decode(enc)).isEqualTo(c);
        }
    }

    @Test
    void decimalIsAnExactDecimalFraction() {
        byte[] enc = ReadingCodec.encode(sample(ReadingValue.of(new BigDecimal("123456.7")), "km", List.of()));
        // "val": 4([-1, 1234567])
        assertThat(HexFormat.of().formatHex(enc)).contains("6376616c" + "c4" + "82" + "20" + "1a0012d687");
    }

    @Test
    void refusesUnknownKeysMissingFieldsAndBadValues() {
        byte[] enc = ReadingCodec.encode(sample(ReadingValue.of(1), "km", List.of()));
        CborItem.MapItem m;
        try {
            m = (CborItem.MapItem) CborReader.decode(enc);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        java.util.Map<CborItem, CborItem> extra = new java.util.LinkedHashMap<>(m.entries());
        extra.put(new CborItem.Text("x"), new CborItem.Int(java.math.BigInteger.ONE));
        assertThatThrownBy(() -> ReadingCodec.decode(new CborWriter().item(new CborItem.MapItem(extra)).toByteArray()))
                .hasMessageContaining("unknown key");
        java.util.Map<CborItem, CborItem> missing = new java.util.LinkedHashMap<>(m.entries());
        missing.remove(new CborItem.Text("salt"));
        assertThatThrownBy(() -> ReadingCodec.decode(new CborWriter().item(new CborItem.MapItem(missing)).toByteArray()))
                .hasMessageContaining("salt");
        java.util.Map<CborItem, CborItem> badTq = new java.util.LinkedHashMap<>(m.entries());
        badTq.put(new CborItem.Text("tq"), new CborItem.Text("sundial"));
        assertThatThrownBy(() -> ReadingCodec.decode(new CborWriter().item(new CborItem.MapItem(badTq)).toByteArray()))
                .hasMessageContaining("sundial");
        assertThatThrownBy(() -> ReadingCodec.decode(java.util.Arrays.copyOf(enc, enc.length - 1)))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("deterministic");
    }

    @Test
    void readingValidatesItsFields() {
        assertThatThrownBy(() -> new Reading(0, TimeQuality.RTC, "OBD", "vehicle.speed", "x", ReadingValue.of(1), "km/h"))
                .hasMessageContaining("src");
        assertThatThrownBy(() -> new Reading(0, TimeQuality.RTC, "obd", "Vehicle Speed", "x", ReadingValue.of(1), "km/h"))
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> new Reading(0, TimeQuality.RTC, "obd", "vehicle.speed", "", ReadingValue.of(1), "km/h"))
                .hasMessageContaining("sub");
        assertThatThrownBy(() -> new Reading(0, TimeQuality.RTC, "obd", "vehicle.speed", "x", ReadingValue.of(1), "k m"))
                .hasMessageContaining("unit");
    }
}
