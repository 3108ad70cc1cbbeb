package io.certigate.meter.tic;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer target for the TIC assembler: any byte stream, split anywhere, must neither throw nor
 * deliver a group whose checksum does not hold, and must deliver the same frames however it is
 * split. In a normal {@code mvn test} it replays the inputs under
 * {@code TicAssemblerFuzzTestInputs/} (regression mode); {@code JAZZER_FUZZ=1} fuzzes.
 */
@Tag("unit")
class TicAssemblerFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void assemble(byte[] data) {
        for (TicFrameAssembler a : new TicFrameAssembler[] {TicFrameAssembler.detecting(), TicFrameAssembler.forMode(TicMode.HISTORIC),
                TicFrameAssembler.forMode(TicMode.STANDARD)}) {
            List<TicFrame> whole = a.accept(ByteBuffer.wrap(data));
            for (TicFrame f : whole) {
                assertThat(f.groups().size() + f.errors().size()).isLessThanOrEqualTo(TicFrameAssembler.MAX_GROUPS);
                for (TicGroup g : f.groups()) {
                    assertThat(g.label()).isNotEmpty();
                    assertThat(g.mode()).isEqualTo(f.mode());
                }
            }
        }
        TicFrameAssembler one = TicFrameAssembler.detecting();
        List<TicFrame> expected = one.accept(ByteBuffer.wrap(data));
        TicFrameAssembler split = TicFrameAssembler.detecting();
        List<TicFrame> parts = new ArrayList<>();
        int cut = data.length / 3;
        parts.addAll(split.accept(ByteBuffer.wrap(data, 0, cut)));
        parts.addAll(split.accept(ByteBuffer.wrap(data, cut, data.length - cut)));
        assertThat(parts).isEqualTo(expected);
    }
}
