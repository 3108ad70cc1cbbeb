package io.certigate.meter.tic;

import static io.certigate.meter.tic.TicFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TicFrameAssemblerTest {

    private static List<TicFrame> feed(TicFrameAssembler a, byte[] bytes) {
        return a.accept(ByteBuffer.wrap(bytes));
    }

    @Test
    void decodesAHistoricBaseFrame() {
        List<TicFrame> frames = feed(TicFrameAssembler.forMode(TicMode.HISTORIC), raw("historic-base.raw"));
        assertThat(frames).hasSize(1);
        TicFrame f = frames.get(0);
        assertThat(f.clean()).isTrue();
        assertThat(f.mode()).isEqualTo(TicMode.HISTORIC);
        assertThat(f.meterId()).contains("031762120154");
        assertThat(f.groups()).extracting(TicGroup::label).containsExactly("ADCO", "OPTARIF", "ISOUSC", "BASE", "PTEC",
                "IINST", "IMAX", "PAPP", "HHPHC", "MOTDETAT");
        assertThat(f.group(TicLabel.BASE).orElseThrow().number()).hasValue(215124);
        assertThat(f.group(TicLabel.PTEC).orElseThrow().data()).isEqualTo("TH..");
    }

    @Test
    void historicGroupsWhoseChecksumIsASpaceAreKept() {
        TicFrame f = feed(TicFrameAssembler.forMode(TicMode.HISTORIC), raw("historic-hchp.raw")).get(0);
        assertThat(f.errors()).isEmpty();
        assertThat(f.group("HCHP").orElseThrow().data()).isEqualTo("001521211"); // checksum ' '
        assertThat(f.group("PTEC").orElseThrow().data()).isEqualTo("HP..");      // checksum ' '
    }

    @Test
    void decodesAStandardFrameWithHorodatesAndSpacesInData() {
        TicFrame f = feed(TicFrameAssembler.forMode(TicMode.STANDARD), raw("standard-tempo.raw")).get(0);
        assertThat(f.errors()).isEmpty();
        assertThat(f.meterId()).contains("041876097359");
        assertThat(f.group(TicLabel.DATE).orElseThrow().horodate().format()).isEqualTo("E220302134542");
        assertThat(f.group(TicLabel.DATE).orElseThrow().data()).isEmpty();
        assertThat(f.group(TicLabel.LTARF).orElseThrow().data()).isEqualTo("    HP  BLEU    ");
        assertThat(f.group("SMAXSN-1").orElseThrow().known()).isEqualTo(TicLabel.SMAXSN_1);
        assertThat(f.group("SMAXSN-1").orElseThrow().number()).hasValue(3120);
        assertThat(f.group("NJOURF+1").orElseThrow().known()).isEqualTo(TicLabel.NJOURF_PLUS_1);
        assertThat(f.group("MSG1").orElseThrow().data()).startsWith("PAS DE ");
    }

    @Test
    void detectingAssemblerTellsTheModesApart() {
        TicFrameAssembler a = TicFrameAssembler.detecting();
        assertThat(feed(a, raw("standard-tempo.raw")).get(0).mode()).isEqualTo(TicMode.STANDARD);
        assertThat(feed(a, raw("historic-hchp.raw")).get(0).mode()).isEqualTo(TicMode.HISTORIC);
        assertThat(a.stats().badGroups()).isZero();
    }

    @Test
    void aFixedModeRejectsTheOtherModesGroups() {
        TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.HISTORIC);
        TicFrame f = feed(a, raw("standard-tempo.raw")).get(0);
        assertThat(f.groups()).isEmpty();
        assertThat(f.errors()).allSatisfy(e -> assertThat(e.reason()).isEqualTo(TicGroupError.Reason.MALFORMED));
    }

    @Test
    void aBadGroupIsReportedAndTheRestOfTheFrameKept() {
        TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.HISTORIC);
        TicFrame f = feed(a, raw("historic-base-bad-checksum.raw")).get(0);
        assertThat(f.errors()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(TicGroupError.Reason.CHECKSUM);
            assertThat(e.raw()).isEqualTo("BASE 000275124 Z");
            assertThat(e.detail()).contains("'Z' received");
        });
        assertThat(f.group("BASE")).isEmpty();
        assertThat(f.groups()).hasSize(9);
        assertThat(f.meterId()).contains("031762120154");
        assertThat(a.stats().badGroups()).isEqualTo(1);
    }

    @Test
    void aBadMeterIdLeavesTheFrameUnattributed() {
        TicFrame f = feed(TicFrameAssembler.forMode(TicMode.HISTORIC), raw("historic-base-bad-adco.raw")).get(0);
        assertThat(f.meterId()).isEmpty();
        assertThat(f.errors()).hasSize(1);
    }

    @Test
    void resynchronisesWhenStartedMidFrameAndAfterNoise() {
        TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.HISTORIC);
        List<TicFrame> frames = feed(a, raw("historic-midframe-noise.raw"));
        assertThat(frames).hasSize(2).allSatisfy(f -> assertThat(f.clean()).isTrue());
        assertThat(a.stats().noiseBytes()).isGreaterThan(0);
    }

    @Test
    void eotInterruptsTheFrameWithoutDeliveringIt() {
        TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.HISTORIC);
        List<TicFrame> frames = feed(a, raw("historic-eot.raw"));
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).clean()).isTrue();
        assertThat(a.stats().interruptedFrames()).isEqualTo(1);
    }

    @Test
    void anSTXInsideAFrameRestartsIt() {
        byte[] full = raw("historic-base.raw");
        byte[] cut = new byte[60 + full.length];
        System.arraycopy(full, 0, cut, 0, 60);
        System.arraycopy(full, 0, cut, 60, full.length);
        TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.HISTORIC);
        assertThat(feed(a, cut)).singleElement().satisfies(f -> assertThat(f.groups()).hasSize(10));
        assertThat(a.stats().truncatedFrames()).isEqualTo(1);
    }

    @Test
    void everySplitOfTheStreamGivesTheSameFrames() {
        byte[] all = concat(raw("standard-tempo.raw"), raw("standard-bad-sinsts.raw"), raw("standard-degraded-clock.raw"));
        List<TicFrame> whole = feed(TicFrameAssembler.forMode(TicMode.STANDARD), all);
        assertThat(whole).hasSize(3);
        for (int split = 1; split < all.length; split += 7) {
            TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.STANDARD);
            List<TicFrame> parts = new ArrayList<>(a.accept(ByteBuffer.wrap(all, 0, split)));
            parts.addAll(a.accept(ByteBuffer.wrap(all, split, all.length - split)));
            assertThat(parts).as("split at %d", split).isEqualTo(whole);
        }
        TicFrameAssembler oneByOne = TicFrameAssembler.forMode(TicMode.STANDARD);
        List<TicFrame> bytes = new ArrayList<>();
        for (byte b : all) {
            bytes.addAll(oneByOne.accept(ByteBuffer.wrap(new byte[] {b})));
        }
        assertThat(bytes).isEqualTo(whole);
    }

    @Test
    void aParityBitFromAPortOpenedEightBitsIsIgnored() {
        byte[] frame = raw("historic-base.raw");
        byte[] withParity = new byte[frame.length];
        for (int i = 0; i < frame.length; i++) {
            int c = frame[i];
            withParity[i] = (byte) (Integer.bitCount(c) % 2 == 1 ? c | 0x80 : c); // even parity in bit 7
        }
        assertThat(feed(TicFrameAssembler.forMode(TicMode.HISTORIC), withParity))
                .isEqualTo(feed(TicFrameAssembler.forMode(TicMode.HISTORIC), frame));
    }

    @Test
    void anOverlongGroupIsReportedNotBuffered() {
        byte[] g = new byte[400];
        java.util.Arrays.fill(g, (byte) 'A');
        byte[] all = concat(new byte[] {0x02, 0x0A}, g, new byte[] {0x0D}, raw("historic-base.raw"));
        TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.HISTORIC);
        List<TicFrame> frames = feed(a, all);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).clean()).isTrue();
        assertThat(a.stats().truncatedFrames()).isEqualTo(1);
    }

    @Test
    void tooLongGroupReason() {
        byte[] g = new byte[300];
        java.util.Arrays.fill(g, (byte) 'A');
        TicFrame f = feed(TicFrameAssembler.forMode(TicMode.HISTORIC), concat(new byte[] {0x02, 0x0A}, g, new byte[] {0x0D, 0x03}))
                .get(0);
        assertThat(f.errors()).singleElement().extracting(TicGroupError::reason).isEqualTo(TicGroupError.Reason.TOO_LONG);
    }

    @Test
    void badValueOfAKnownLabelIsRejectedEvenWithAGoodChecksum() {
        // "PAPP 0x270" has a valid checksum but a non-numeric apparent power
        String body = "PAPP 0x270";
        int sum = body.chars().sum();
        byte[] frame = concat(new byte[] {0x02, 0x0A}, (body + " " + (char) ((sum & 0x3F) + 0x20)).getBytes(), new byte[] {0x0D, 0x03});
        TicFrame f = feed(TicFrameAssembler.forMode(TicMode.HISTORIC), frame).get(0);
        assertThat(f.errors()).singleElement().extracting(TicGroupError::reason).isEqualTo(TicGroupError.Reason.BAD_VALUE);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
