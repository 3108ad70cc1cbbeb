package io.certigate.meter.tic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Known answers for the checksum rule of Enedis-NOI-CPT_54E, worked out by hand in the comments. */
@Tag("unit")
class TicChecksumTest {

    private static byte sum(TicMode mode, String bodyWithLastSeparator) {
        byte[] b = bodyWithLastSeparator.getBytes(StandardCharsets.US_ASCII);
        return mode.checksum(b, 0, b.length);
    }

    @Test
    void historicExcludesTheSeparatorBeforeTheChecksum() {
        // "IINST 001": I 73 + I 73 + N 78 + S 83 + T 84 + SP 32 + '0' 48 + '0' 48 + '1' 49 = 568
        // 568 & 0x3F = 56; 56 + 0x20 = 88 = 'X'
        assertThat((char) sum(TicMode.HISTORIC, "IINST 001 ")).isEqualTo('X');
    }

    @Test
    void historicChecksumCanBeASpace() {
        // "PTEC HP..": P 80 + T 84 + E 69 + C 67 + SP 32 + H 72 + P 80 + . 46 + . 46 = 576
        // 576 & 0x3F = 0; 0 + 0x20 = ' '
        assertThat((char) sum(TicMode.HISTORIC, "PTEC HP.. ")).isEqualTo(' ');
    }

    @Test
    void standardIncludesTheSeparatorBeforeTheChecksum() {
        // "VTIC<HT>02<HT>": V 86 + T 84 + I 73 + C 67 + HT 9 + '0' 48 + '2' 50 + HT 9 = 426
        // 426 & 0x3F = 42; 42 + 0x20 = 74 = 'J'
        assertThat((char) sum(TicMode.STANDARD, "VTIC\t02\t")).isEqualTo('J');
        // the same bytes under the historic rule would drop the last HT: 417 & 0x3F = 33 -> 'A'
        assertThat((char) sum(TicMode.HISTORIC, "VTIC\t02\t")).isEqualTo('A');
    }
}
