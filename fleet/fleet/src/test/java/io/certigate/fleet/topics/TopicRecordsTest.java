package io.certigate.fleet.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TopicRecordsTest {
    private static byte[] filled(int b) {
        byte[] a = new byte[32];
        Arrays.fill(a, (byte) b);
        return a;
    }

    @Test
    void aSignedRecordRoundTripsAndIsDeterministicCbor() throws Exception {
        VerifiedRecord r = new VerifiedRecord("veh-1", 42, 1_700_000_000_000L, "vehicle.odometer", "VF1AB000000000001",
                filled(1), filled(2), new byte[] {(byte) 0xd2, 1, 2}, true, 1_700_000_000_500L);
        byte[] bytes = r.encode();
        assertThat(VerifiedRecord.decode(bytes)).isEqualTo(r);
        // re-encoding what the generic decoder read gives the same bytes: the map is in deterministic order
        assertThat(new CborWriter().item(CborReader.decode(bytes)).toByteArray()).isEqualTo(bytes);
    }

    @Test
    void anErasureRoundTripsWithoutReadingFields() {
        VerifiedRecord r = new VerifiedRecord("meter-7", 3, -1, null, null, filled(3), filled(4), null, false, 5);
        VerifiedRecord back = VerifiedRecord.decode(r.encode());
        assertThat(back).isEqualTo(r);
        assertThat(back.erased()).isTrue();
    }

    @Test
    void aRecordWithoutSubjectRoundTrips() {
        VerifiedRecord r = new VerifiedRecord("d", 1, 9, "rfid.tag", null, filled(5), filled(6), new byte[] {1}, false, 9);
        assertThat(VerifiedRecord.decode(r.encode()).subject()).isNull();
    }

    @Test
    void garbageIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> VerifiedRecord.decode("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verified record");
        assertThatThrownBy(() -> VerifiedRecord.decode(new CborWriter().mapHeader(0).toByteArray()))
                .hasMessageContaining("\"dev\"");
    }

    @Test
    void findingsRoundTripAsJson() {
        Finding f = new Finding("veh-1", 10, 19, FindingType.GAP, "seq 10 to 19 missing for 600 s", 77);
        assertThat(Finding.decode(f.encode())).isEqualTo(f);
        assertThat(f.toString()).contains("\"type\":\"gap\"");
        assertThatThrownBy(() -> Finding.decode("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> Finding.decode("{\"device\":\"d\",\"type\":\"nope\",\"detail\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown finding type: nope");
    }

    @Test
    void receivedTimeHeaderRoundTrips() {
        assertThat(FleetTopics.epochMs(FleetTopics.epochMs(1_765_000_000_123L))).isEqualTo(1_765_000_000_123L);
        assertThat(FleetTopics.epochMs(new byte[3])).isEqualTo(-1);
    }
}
