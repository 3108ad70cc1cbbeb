package io.certigate.meter.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RfidDecodersTest {

    private static byte[] raw(String name) throws IOException {
        try (InputStream in = RfidDecodersTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesRdm6300Frames() throws IOException {
        Rdm6300FrameAssembler a = new Rdm6300FrameAssembler();
        assertThat(a.accept(ByteBuffer.wrap(raw("rdm6300-two-tags.raw")))).containsExactly(
                new RfidEvent.Tag("0F00A1B2C3", 0x00A1B2C3L, RfidEvent.Format.EM4100),
                new RfidEvent.Tag("1A0045F3E2", 0x0045F3E2L, RfidEvent.Format.EM4100));
    }

    @Test
    void byteByByteGivesTheSameTags() throws IOException {
        byte[] all = raw("rdm6300-two-tags.raw");
        Rdm6300FrameAssembler a = new Rdm6300FrameAssembler();
        List<RfidEvent> out = new ArrayList<>();
        for (byte b : all) {
            out.addAll(a.accept(ByteBuffer.wrap(new byte[] {b})));
        }
        assertThat(out).isEqualTo(new Rdm6300FrameAssembler().accept(ByteBuffer.wrap(all)));
    }

    @Test
    void rejectsABadChecksum() throws IOException {
        Rdm6300FrameAssembler a = new Rdm6300FrameAssembler();
        assertThat(a.accept(ByteBuffer.wrap(raw("rdm6300-bad-checksum.raw")))).singleElement()
                .isInstanceOfSatisfying(RfidEvent.Rejected.class, r -> {
                    assertThat(r.raw()).isEqualTo("0F00A1B2C3D0");
                    assertThat(r.reason()).contains("checksum D0 received, DF computed");
                });
        assertThat(a.stats().rejected()).isEqualTo(1);
    }

    @Test
    void resynchronisesAfterNoiseAndCutFrames() throws IOException {
        Rdm6300FrameAssembler a = new Rdm6300FrameAssembler();
        List<RfidEvent> out = a.accept(ByteBuffer.wrap(raw("rdm6300-noise-and-short.raw")));
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isInstanceOfSatisfying(RfidEvent.Rejected.class, r -> assertThat(r.reason()).contains("STX before ETX"));
        assertThat(out.get(1)).isEqualTo(new RfidEvent.Tag("1A0045F3E2", 0x0045F3E2L, RfidEvent.Format.EM4100));
        assertThat(out.get(2)).isInstanceOfSatisfying(RfidEvent.Rejected.class, r -> assertThat(r.reason()).contains("non-hex"));
        assertThat(a.stats().noiseBytes()).isEqualTo(4);
    }

    @Test
    void wiegand26KnownVector() throws Exception {
        // facility 1, card 1: data bits 00000001 0000000000000001
        // first 12 data bits 000000010000 hold one 1 -> even parity bit 1
        // last 12 data bits 000000000001 hold one 1 -> odd parity bit 0
        String line = "1" + "000000010000" + "000000000001" + "0";
        assertThat(Wiegand26.parseLine(line)).isEqualTo(new Wiegand26.Card(1, 1));
        assertThat(Integer.toBinaryString(Wiegand26.encode(1, 1))).isEqualTo(line);
        assertThat(new Wiegand26.Card(1, 1).id()).isEqualTo("W26-001-00001");
    }

    @Test
    void wiegand26ParityErrorsAreRejected() {
        assertThatThrownBy(() -> Wiegand26.parseLine("0" + "000000010000" + "000000000001" + "0")).hasMessageContaining("even parity");
        assertThatThrownBy(() -> Wiegand26.parseLine("1" + "000000010000" + "000000000001" + "1")).hasMessageContaining("odd parity");
        assertThatThrownBy(() -> Wiegand26.parseLine("101")).hasMessageContaining("26 bits");
        assertThatThrownBy(() -> Wiegand26.decode(1 << 26)).hasMessageContaining("more than 26");
    }

    @Test
    void wiegand26RoundTripsEveryFacilityAndSomeCards() throws Exception {
        for (int f = 0; f < 256; f++) {
            for (int c : new int[] {0, 1, 255, 4660, 65535}) {
                assertThat(Wiegand26.decode(Wiegand26.encode(f, c))).isEqualTo(new Wiegand26.Card(f, c));
            }
        }
    }

    @Test
    void wiegandLinesDecodeIncrementally() {
        Wiegand26LineAssembler a = new Wiegand26LineAssembler();
        byte[] text = ("10000000100000000000000010\r\n\n" + "1000000010000000000000001x\n" + "1".repeat(80) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<RfidEvent> out = a.accept(ByteBuffer.wrap(text));
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isEqualTo(new RfidEvent.Tag("W26-001-00001", 1, RfidEvent.Format.WIEGAND26));
        assertThat(out.get(1)).isInstanceOf(RfidEvent.Rejected.class);
        assertThat(out.get(2)).isInstanceOfSatisfying(RfidEvent.Rejected.class, r -> assertThat(r.reason()).contains("longer"));
    }

    @Test
    void debouncerReportsAHeldTagOnce() {
        TagDebouncer d = new TagDebouncer(Duration.ofSeconds(2));
        assertThat(d.accept("A", 0)).isTrue();
        assertThat(d.accept("A", 100)).isFalse();
        assertThat(d.accept("B", 150)).isTrue();
        assertThat(d.accept("A", 1900)).isFalse(); // still held: the window restarts at every read
        assertThat(d.accept("A", 3800)).isFalse();
        assertThat(d.accept("A", 5900)).isTrue();  // 2.1 s without a read: presented again
    }
}
