package io.certigate.meter.tic;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.simulators.tic.TicStreamGenerator;
import io.certigate.simulators.tic.TicTariff;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator's stream, written independently from the spec, decodes cleanly in every mode and tariff. */
@Tag("unit")
class TicSimulatorRoundTripTest {

    @ParameterizedTest
    @EnumSource(TicTariff.class)
    void everyModeAndTariffDecodesWithoutErrors(TicTariff tariff) {
        for (boolean historic : new boolean[] {true, false}) {
            TicStreamGenerator g = new TicStreamGenerator(new TicStreamGenerator.Config(historic, tariff, "021861348497", 0,
                    false, 42), new long[] {1_000_000, 2_000_000, 300_000, 400_000, 50_000, 60_000});
            TicFrameAssembler a = TicFrameAssembler.detecting();
            Instant t = Instant.parse("2026-01-13T21:30:00Z"); // crosses 22:00 Paris: off-peak starts
            long previousTotal = -1;
            for (int i = 0; i < 240; i++) {
                List<TicFrame> frames = a.accept(ByteBuffer.wrap(g.nextFrame(t)));
                assertThat(frames).singleElement().satisfies(f -> {
                    assertThat(f.errors()).isEmpty();
                    assertThat(f.mode()).isEqualTo(historic ? TicMode.HISTORIC : TicMode.STANDARD);
                    assertThat(f.meterId()).contains("021861348497");
                });
                long total = sumIndexes(frames.get(0));
                assertThat(total).isGreaterThanOrEqualTo(previousTotal);
                previousTotal = total;
                t = t.plusSeconds(15);
            }
            // one hour at 150 VA .. 6 kVA: the registers grew by a plausible amount
            long grown = previousTotal - initialTotal(tariff);
            assertThat(grown).isBetween(100L, 6_000L);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5})
    void corruptedFramesAreCountedNeverDelivered(double rate) {
        TicStreamGenerator g = new TicStreamGenerator(new TicStreamGenerator.Config(false, TicTariff.TEMPO, "021861348497", rate,
                false, 7), null);
        TicFrameAssembler a = TicFrameAssembler.forMode(TicMode.STANDARD);
        List<TicFrame> frames = new ArrayList<>();
        int damaged = 0;
        Instant t = Instant.parse("2026-07-01T08:00:00Z");
        for (int i = 0; i < 400; i++) {
            frames.addAll(a.accept(ByteBuffer.wrap(g.nextFrame(t))));
            if (g.lastCorruption() != TicStreamGenerator.Corruption.NONE) {
                damaged++;
            }
            t = t.plusSeconds(2);
        }
        TicFrameAssembler.Stats s = a.stats();
        assertThat(damaged).isBetween((int) (400 * rate * 0.6), (int) (400 * rate * 1.4));
        assertThat(s.badGroups() + s.interruptedFrames()).isGreaterThanOrEqualTo(damaged * 9L / 10);
        assertThat(frames.size() + s.interruptedFrames()).isEqualTo(400);
        // a frame that arrived whole but with a damaged group still carries its good groups
        assertThat(frames).filteredOn(f -> !f.clean()).isNotEmpty().allSatisfy(f -> assertThat(f.groups().size()).isGreaterThan(20));
    }

    private static long initialTotal(TicTariff tariff) {
        long[] init = {1_000_000, 2_000_000, 300_000, 400_000, 50_000, 60_000};
        long n = 0;
        for (int i = 0; i < (tariff == TicTariff.BASE ? 1 : tariff == TicTariff.HCHP ? 2 : 6); i++) {
            n += init[i];
        }
        return n;
    }

    private static long sumIndexes(TicFrame f) {
        long n = 0;
        for (TicGroup g : f.groups()) {
            if (g.known() != null && g.known().role() == TicLabel.Role.IMPORT_INDEX && g.label().matches("BASE|HCH.|BBR.*|EASF..")) {
                n += g.number().orElse(0);
            }
        }
        return n;
    }
}
