package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RecordFilterTest {
    @Test
    void exactKindsAndFamilies() {
        RecordFilter f = RecordFilter.of(List.of("vehicle.odometer", " meter.energy.import.* "));
        assertThat(f.coversKind("vehicle.odometer")).isTrue();
        assertThat(f.coversKind("vehicle.odometer.raw")).as("an exact kind is not a family").isFalse();
        assertThat(f.coversKind("vehicle.speed")).isFalse();
        assertThat(f.coversKind("meter.energy.import.hchc")).isTrue();
        assertThat(f.coversKind("meter.energy.import.base")).isTrue();
        assertThat(f.coversKind("meter.energy.import")).as("a family covers the kinds under it only").isFalse();
        assertThat(f.coversKind("meter.energy.importx")).isFalse();
        assertThat(f.coversKind("meter.energy.export")).isFalse();
        assertThat(f.patterns()).containsExactly("vehicle.odometer", "meter.energy.import.*");
    }

    @Test
    void refusesWhatIsNotAKindOrAFamily() {
        for (String bad : List.of("Vehicle.odometer", "*", "meter.*.index", "meter..x", "meter.", ".x", "road shock",
                "meter*")) {
            assertThatThrownBy(() -> RecordFilter.of(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad.trim() + "'");
        }
        assertThatThrownBy(() -> RecordFilter.of(List.of())).hasMessageContaining("no reading kind");
    }

    @Test
    void anUnreadableRecordIsNotCovered() {
        RecordFilter f = RecordFilter.of(List.of("vehicle.odometer"));
        assertThat(f.covers(new byte[] {(byte) 0xd2, (byte) 0x84})).isFalse();
        assertThat(f.covers(new byte[0])).isFalse();
    }
}
