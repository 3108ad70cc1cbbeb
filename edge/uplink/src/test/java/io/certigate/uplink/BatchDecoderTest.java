package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Item boundaries from hand-written CBOR (RFC 8949 Appendix A examples), good and corrupt. */
@Tag("unit")
class BatchDecoderTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void splitsNestedItemsAtTheirBoundaries() throws Exception {
        // [ 18([h'01', {}, h'', h'02']), {"a": [1, 2]}, 1000000 ]
        byte[] payload = hex("83" + " d2 84 4101 a0 40 4102" + " a1 6161 82 01 02" + " 1a 000f4240");
        assertThat(BatchDecoder.items(payload)).extracting(HexFormat.of()::formatHex)
                .containsExactly("d2844101a0404102", "a161618201" + "02", "1a000f4240");
    }

    @Test
    void anEmptyArrayHasNoItems() throws Exception {
        assertThat(BatchDecoder.items(hex("80"))).isEmpty();
    }

    @Test
    void refusesCorruptPayloads() {
        assertThatThrownBy(() -> BatchDecoder.items(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> BatchDecoder.items(hex("a0"))).hasMessageContaining("not a CBOR array");
        assertThatThrownBy(() -> BatchDecoder.items(hex("82 01"))).hasMessageContaining("truncated");
        assertThatThrownBy(() -> BatchDecoder.items(hex("81 01 02"))).hasMessageContaining("trailing");
        assertThatThrownBy(() -> BatchDecoder.items(hex("9f 01 ff"))).hasMessageContaining("indefinite");
        assertThatThrownBy(() -> BatchDecoder.items(hex("81 5a ffffffff 00"))).hasMessageContaining("runs past");
        assertThatThrownBy(() -> BatchDecoder.items(hex("9b 7fffffffffffffff"))).hasMessageContaining("claims");
        // counts of 2^63 and more are negative as a long; a map count of 2^62 overflows when doubled
        assertThatThrownBy(() -> BatchDecoder.items(hex("9b f07fffffffffffff"))).hasMessageContaining("claims 17329");
        assertThatThrownBy(() -> BatchDecoder.items(hex("81 bb 4000000000000000 01 02"))).hasMessageContaining("claims more");
        assertThatThrownBy(() -> BatchDecoder.items(hex("81 1c"))).hasMessageContaining("reserved");
        assertThatThrownBy(() -> BatchDecoder.items(hex("81" + "81".repeat(40) + "01"))).hasMessageContaining("nested");
    }
}
