package io.certigate.meter.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Tag;

/** Jazzer target for the RDM6300 and Wiegand line decoders (regression mode in {@code mvn test}). */
@Tag("unit")
class RfidDecodersFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        for (RfidEvent.Format f : RfidEvent.Format.values()) {
            for (RfidEvent e : RfidDecoder.of(f).accept(ByteBuffer.wrap(data))) {
                if (e instanceof RfidEvent.Tag t) {
                    assertThat(t.id()).matches(f == RfidEvent.Format.EM4100 ? "[0-9A-F]{10}" : "W26-\\d{3}-\\d{5}");
                }
            }
        }
    }
}
