package io.certigate.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.simulators.motion.FakeIioDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class IioScanLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void alignsEachChannelToItsStorageAndPadsTheScan() throws Exception {
        IioScanLayout l = IioScanLayout.read(FakeIioDevice.create(tmp, 0, "lis3dh", 100, true).dir().resolve("scan_elements"));
        assertThat(l.channels()).extracting(IioScanLayout.Channel::name)
                .containsExactly("in_accel_x", "in_accel_y", "in_accel_z", "in_timestamp");
        assertThat(l.channels()).extracting(IioScanLayout.Channel::offset).containsExactly(0, 2, 4, 8);
        assertThat(l.scanBytes()).isEqualTo(16).isEqualTo(FakeIioDevice.SCAN_BYTES);
    }

    @Test
    void ordersByIndexNotByName() throws Exception {
        IioChannelType s8 = IioChannelType.parse("le:s8/8");
        IioChannelType s32 = IioChannelType.parse("be:s32/32");
        IioScanLayout l = IioScanLayout.of(List.of(new IioScanLayout.Channel("in_accel_z", 2, s32, 0),
                new IioScanLayout.Channel("in_accel_x", 0, s8, 0), new IioScanLayout.Channel("in_accel_y", 1, s8, 0)));
        assertThat(l.channels()).extracting(IioScanLayout.Channel::name).containsExactly("in_accel_x", "in_accel_y", "in_accel_z");
        assertThat(l.channels()).extracting(IioScanLayout.Channel::offset).containsExactly(0, 1, 4);
        assertThat(l.scanBytes()).isEqualTo(8);
    }

    @Test
    void onlyEnabledChannelsCount() throws Exception {
        Path scan = FakeIioDevice.create(tmp, 0, "lis3dh", 100, true).dir().resolve("scan_elements");
        Files.writeString(scan.resolve("in_timestamp_en"), "0\n");
        IioScanLayout l = IioScanLayout.read(scan);
        assertThat(l.channel("in_timestamp")).isNull();
        assertThat(l.scanBytes()).isEqualTo(6);
    }

    @Test
    void aBadTypeNamesItsText() throws Exception {
        Path scan = FakeIioDevice.create(tmp, 0, "lis3dh", 100, true).dir().resolve("scan_elements");
        Files.writeString(scan.resolve("in_accel_y_type"), "le:s16\n");
        assertThatThrownBy(() -> IioScanLayout.read(scan)).isInstanceOf(IioFormatException.class).hasMessageContaining("le:s16");
        Path none = FakeIioDevice.create(tmp.resolve("b"), 0, "lis3dh", 100, false).dir().resolve("scan_elements");
        assertThatThrownBy(() -> IioScanLayout.read(none)).hasMessageContaining("no scan element is enabled");
    }

    @Test
    void theDecoderCutsScansAcrossChunks() throws Exception {
        IioScanLayout l = IioScanLayout.read(FakeIioDevice.create(tmp, 0, "lis3dh", 100, true).dir().resolve("scan_elements"));
        byte[] one = FakeIioDevice.scan(new double[] {0.0, -9.80665, 19.6133}, 1_700_000_000_123_000_000L);
        byte[] two = FakeIioDevice.scan(new double[] {0.0098, 0, 0}, 1_700_000_000_133_000_000L);
        byte[] both = new byte[32];
        System.arraycopy(one, 0, both, 0, 16);
        System.arraycopy(two, 0, both, 16, 16);
        IioScanDecoder d = new IioScanDecoder(l);
        assertThat(d.accept(both, 0, 5)).isEmpty();
        assertThat(d.pendingBytes()).isEqualTo(5);
        List<long[]> first = d.accept(both, 5, 20);
        assertThat(first).hasSize(1);
        assertThat(first.get(0)).containsExactly(0, -1000, 2000, 1_700_000_000_123_000_000L);
        List<long[]> second = d.accept(both, 25, 7);
        assertThat(second.get(0)).containsExactly(1, 0, 0, 1_700_000_000_133_000_000L);
        assertThat(d.pendingBytes()).isZero();
    }
}
