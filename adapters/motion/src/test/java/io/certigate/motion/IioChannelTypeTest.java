package io.certigate.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class IioChannelTypeTest {

    @Test
    void parsesTheAbiFormats() throws IioFormatException {
        assertThat(IioChannelType.parse("le:s12/16>>4\n")).isEqualTo(new IioChannelType(false, true, 12, 16, 1, 4));
        assertThat(IioChannelType.parse("be:u16/16")).isEqualTo(new IioChannelType(true, false, 16, 16, 1, 0));
        assertThat(IioChannelType.parse("le:s64/64>>0")).isEqualTo(new IioChannelType(false, true, 64, 64, 1, 0));
        assertThat(IioChannelType.parse("le:s16/16X2>>0").bytes()).isEqualTo(4);
    }

    @Test
    void refusesWhatIsNotTheFormat() {
        for (String bad : new String[] {"", "le:s12", "xe:s12/16", "le:s12/12>>4", "le:s16/24", "le:q16/16", "le:s0/8"}) {
            assertThatThrownBy(() -> IioChannelType.parse(bad)).as(bad).isInstanceOf(IioFormatException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void extractsShiftedSignedLittleEndian() throws IioFormatException {
        IioChannelType t = IioChannelType.parse("le:s12/16>>4");
        // -1 in the top 12 bits, low nibble garbage: 0xFFF5 little-endian
        assertThat(t.extract(new byte[] {(byte) 0xf5, (byte) 0xff}, 0)).isEqualTo(-1);
        // +1000 << 4 = 0x3E80
        assertThat(t.extract(new byte[] {(byte) 0x80, 0x3e}, 0)).isEqualTo(1000);
        // -2048, the most negative 12-bit value: 0x8000
        assertThat(t.extract(new byte[] {0x00, (byte) 0x80}, 0)).isEqualTo(-2048);
    }

    @Test
    void extractsBigEndianAndUnsignedAndWide() throws IioFormatException {
        assertThat(IioChannelType.parse("be:s16/16").extract(new byte[] {(byte) 0xff, (byte) 0x38}, 0)).isEqualTo(-200);
        assertThat(IioChannelType.parse("be:u16/16").extract(new byte[] {(byte) 0xff, (byte) 0x38}, 0)).isEqualTo(65336);
        assertThat(IioChannelType.parse("le:u10/16>>6").extract(new byte[] {(byte) 0xc0, (byte) 0xff}, 0)).isEqualTo(1023);
        byte[] ts = {0x00, 0x10, (byte) 0xa5, (byte) 0xd4, (byte) 0xe8, 0x00, 0x00, 0x00}; // 1_000_000_000_000
        assertThat(IioChannelType.parse("le:s64/64>>0").extract(ts, 0)).isEqualTo(1_000_000_000_000L);
        byte[] neg = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThat(IioChannelType.parse("le:s64/64").extract(neg, 0)).isEqualTo(-2);
    }
}
