package io.certigate.cbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known-answer vectors from RFC 8949 Appendix A (those whose listed encoding is the preferred,
 * deterministic one) plus the non-deterministic ones, which the strict reader must refuse.
 */
@Tag("unit")
class CborVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 00", "1, 01", "10, 0a", "23, 17", "24, 1818", "25, 1819", "100, 1864", "1000, 1903e8",
        "1000000, 1a000f4240", "1000000000000, 1b000000e8d4a51000",
        "18446744073709551615, 1bffffffffffffffff",
        "-18446744073709551616, 3bffffffffffffffff",
        "-1, 20", "-10, 29", "-100, 3863", "-1000, 3903e7",
    })
    void integers(String value, String hex) throws Exception {
        BigInteger v = new BigInteger(value);
        assertThat(HEX.formatHex(new CborWriter().integer(v).toByteArray())).isEqualTo(hex);
        assertThat(CborReader.decode(HEX.parseHex(hex))).isEqualTo(new CborItem.Int(v));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0.0, f90000", "-0.0, f98000", "1.0, f93c00", "1.1, fb3ff199999999999a", "1.5, f93e00",
        "65504.0, f97bff", "100000.0, fa47c35000", "3.4028234663852886e+38, fa7f7fffff",
        "1.0e+300, fb7e37e43c8800759c", "5.960464477539063e-8, f90001", "0.00006103515625, f90400",
        "-4.0, f9c400", "-4.1, fbc010666666666666", "Infinity, f97c00", "NaN, f97e00", "-Infinity, f9fc00",
    })
    void floats(String value, String hex) throws Exception {
        double d = Double.parseDouble(value);
        assertThat(HEX.formatHex(new CborWriter().floating(d).toByteArray())).isEqualTo(hex);
        assertThat(CborReader.decode(HEX.parseHex(hex))).isEqualTo(new CborItem.Float(d));
    }

    @Test
    void simpleValuesTagsStringsArraysMaps() throws Exception {
        assertEncodes(CborItem.Simple.FALSE, "f4");
        assertEncodes(CborItem.Simple.TRUE, "f5");
        assertEncodes(CborItem.Simple.NULL, "f6");
        assertEncodes(CborItem.Simple.UNDEFINED, "f7");
        assertEncodes(new CborItem.Simple(16), "f0");
        assertEncodes(new CborItem.Simple(255), "f8ff");
        assertEncodes(new CborItem.Tagged(0, new CborItem.Text("2013-03-21T20:04:00Z")),
                "c074323031332d30332d32315432303a30343a30305a");
        assertEncodes(new CborItem.Tagged(1, new CborItem.Int(BigInteger.valueOf(1363896240))), "c11a514b67b0");
        assertEncodes(new CborItem.Tagged(23, new CborItem.Bytes(HEX.parseHex("01020304"))), "d74401020304");
        assertEncodes(new CborItem.Bytes(new byte[0]), "40");
        assertEncodes(new CborItem.Bytes(HEX.parseHex("01020304")), "4401020304");
        assertEncodes(new CborItem.Text(""), "60");
        assertEncodes(new CborItem.Text("a"), "6161");
        assertEncodes(new CborItem.Text("IETF"), "6449455446");
        assertEncodes(new CborItem.Text("\"\\"), "62225c");
        assertEncodes(new CborItem.Text("\u00fc"), "62c3bc");
        assertEncodes(new CborItem.Text("\u6c34"), "63e6b0b4");
        assertEncodes(new CborItem.Text("\ud800\udd51"), "64f0908591");
        assertEncodes(new CborItem.Array(List.of()), "80");
        assertEncodes(new CborItem.Array(List.of(i(1), i(2), i(3))), "83010203");
        assertEncodes(new CborItem.Array(List.of(i(1), new CborItem.Array(List.of(i(2), i(3))),
                new CborItem.Array(List.of(i(4), i(5))))), "8301820203820405");
        List<CborItem> to25 = new java.util.ArrayList<>();
        for (int k = 1; k <= 25; k++) {
            to25.add(i(k));
        }
        assertEncodes(new CborItem.Array(to25), "98190102030405060708090a0b0c0d0e0f101112131415161718181819");
        assertEncodes(new CborItem.MapItem(Map.of()), "a0");
        assertEncodes(map(i(1), i(2), i(3), i(4)), "a201020304");
        assertEncodes(map(t("a"), i(1), t("b"), new CborItem.Array(List.of(i(2), i(3)))), "a26161016162820203");
        assertEncodes(new CborItem.Array(List.of(t("a"), map(t("b"), t("c")))), "826161a161626163");
        assertEncodes(map(t("a"), t("A"), t("b"), t("B"), t("c"), t("C"), t("d"), t("D"), t("e"), t("E")),
                "a56161614161626142616361436164614461656145");
    }

    @Test
    void writerSortsMapKeysBytewise() throws Exception {
        // RFC 8949 §4.2.1: keys sort by their encodings, so shorter text keys come first
        CborItem m = map(t("kind"), i(1), t("t"), i(2), t("dev"), i(3), t("tq"), i(4), i(10), i(5), i(-1), i(6));
        String hex = HEX.formatHex(new CborWriter().item(m).toByteArray());
        assertThat(hex).isEqualTo("a6" + "0a05" + "2006" + "617402" + "62747104" + "6364657603" + "646b696e6401");
        assertThat(CborReader.decode(HEX.parseHex(hex))).isEqualTo(m);
    }

    @ParameterizedTest(name = "refuses {0}: {1}")
    @CsvSource({
        "non-shortest uint 1800, 1800",
        "non-shortest uint 190017, 190017",
        "non-shortest 32-bit, 1a000000ff",
        "non-shortest 64-bit, 1b00000000ffffffff",
        "indefinite bytes, 5f42010243030405ff",
        "indefinite text, 7f657374726561646d696e67ff",
        "indefinite array, 9fff",
        "indefinite map, bf61610161629f0203ffff",
        "unsorted map, a203040102",
        "duplicate map key, a201020103",
        "longer key before shorter, a2626161016162",
        "float not shortest, fa3fc00000",
        "double not shortest, fb3ff8000000000000",
        "non-canonical NaN, f97e01",
        "trailing byte, 0000",
        "truncated uint, 19",
        "truncated bytes, 4401",
        "huge array count, 9b00000000ffffffff",
        "invalid utf-8, 62c328",
        "reserved ai, 1c",
        "simple in two bytes, f818",
        "break without start, ff",
        "empty input, ''",
    })
    void strictReaderRefuses(String what, String hex) {
        assertThatThrownBy(() -> CborReader.decode(HEX.parseHex(hex)))
                .as(what).isInstanceOf(CborFormatException.class);
    }

    @Test
    void refusesDeepNesting() {
        byte[] deep = new byte[100];
        java.util.Arrays.fill(deep, (byte) 0x81);
        assertThatThrownBy(() -> CborReader.decode(deep)).isInstanceOf(CborFormatException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void randomBytesNeverCrashTheReader() {
        long seed = System.nanoTime();
        java.util.Random rnd = new java.util.Random(seed);
        for (int n = 0; n < 50_000; n++) {
            byte[] b = new byte[rnd.nextInt(24)];
            rnd.nextBytes(b);
            try {
                CborItem item = CborReader.decode(b);
                // whatever the strict reader accepts must re-encode to the same bytes
                assertThat(new CborWriter().item(item).toByteArray()).as("seed %d input %s", seed, HEX.formatHex(b))
                        .isEqualTo(b);
            } catch (CborFormatException expected) {
                // refused with a reason
            }
        }
    }

    private static void assertEncodes(CborItem item, String hex) throws CborFormatException {
        assertThat(HEX.formatHex(new CborWriter().item(item).toByteArray())).isEqualTo(hex);
        assertThat(CborReader.decode(HEX.parseHex(hex))).isEqualTo(item);
    }

    private static CborItem i(long v) {
        return new CborItem.Int(BigInteger.valueOf(v));
    }

    private static CborItem t(String s) {
        return new CborItem.Text(s);
    }

    private static CborItem map(CborItem... kv) {
        Map<CborItem, CborItem> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) {
            m.put(kv[k], kv[k + 1]);
        }
        return new CborItem.MapItem(m);
    }
}
