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

    private static final Position POS = new Position(new BigDecimal("45.7578137"), new BigDecimal("4.8320114"),
            new BigDecimal("0.9"), 350);

    @Test
    void positionIsSignedInCanonicalOrderAndRoundTrips() throws Exception {
        ChainedReading c = new ChainedReading("gw-1", 7, PREV, SALT, new Reading(1700000000123L, TimeQuality.GNSS, "imu",
                "road.shock", "VF1RFB00X57177144", ReadingValue.of(new BigDecimal("1.82")), "[g_n]", List.of(), POS));
        byte[] enc = ReadingCodec.encode(c);
        CborItem decoded = CborReader.decode(enc);
        assertThat(new CborWriter().item(decoded).toByteArray()).isEqualTo(enc);
        assertThat(ReadingCodec.decode(enc)).isEqualTo(c);
        assertThat(ReadingCodec.decode(enc).reading().position()).isEqualTo(POS);
        // "pos": {"age": 350, "lat": 4([-7, 457578137]), "lon": 4([-7, 48320114]), "hdop": 4([-1, 9])}
        assertThat(HexFormat.of().formatHex(enc)).contains("63706f73" + "a4" + "63616765" + "19015e"
                + "636c6174" + "c482" + "26" + "1a1b461699" + "636c6f6e" + "c482" + "26" + "1a02e14e72"
                + "6468646f70" + "c482" + "20" + "09");
        // a reading without position has no pos key at all: older records keep their bytes
        assertThat(HexFormat.of().formatHex(ReadingCodec.encode(sample(ReadingValue.of(1), "km", List.of()))))
                .doesNotContain("63706f73");
    }

    @Test
    void refusesABadPosition() throws Exception {
        ChainedReading c = new ChainedReading("gw-1", 7, PREV, SALT, new Reading(1700000000123L, TimeQuality.GNSS, "imu",
                "road.shock", "VF1RFB00X57177144", ReadingValue.of(1), null, List.of(), POS));
        CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(ReadingCodec.encode(c));
        java.util.Map<CborItem, CborItem> entries = new java.util.LinkedHashMap<>(m.entries());
        CborItem.MapItem pos = (CborItem.MapItem) entries.get(new CborItem.Text("pos"));
        java.util.Map<CborItem, CborItem> badPos = new java.util.LinkedHashMap<>(pos.entries());
        badPos.put(new CborItem.Text("lat"), new CborItem.Tagged(4, new CborItem.Array(List.of(
                new CborItem.Int(java.math.BigInteger.ZERO), new CborItem.Int(java.math.BigInteger.valueOf(91))))));
        entries.put(new CborItem.Text("pos"), new CborItem.MapItem(badPos));
        assertThatThrownBy(() -> ReadingCodec.decode(new CborWriter().item(new CborItem.MapItem(entries)).toByteArray()))
                .hasMessageContaining("lat must be in [-90, 90]");
        badPos.remove(new CborItem.Text("hdop"));
        entries.put(new CborItem.Text("pos"), new CborItem.MapItem(badPos));
        assertThatThrownBy(() -> ReadingCodec.decode(new CborWriter().item(new CborItem.MapItem(entries)).toByteArray()))
                .hasMessageContaining("pos is not a map of age, lat, lon and hdop");
        assertThatThrownBy(() -> new Position(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, -1))
                .hasMessageContaining("age must be >= 0");
        assertThat(POS.coarsened(2)).isEqualTo(new Position(new BigDecimal("45.76"), new BigDecimal("4.83"),
                new BigDecimal("0.9"), 350));
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
