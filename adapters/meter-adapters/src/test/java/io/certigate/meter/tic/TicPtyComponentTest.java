package io.certigate.meter.tic;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.meter.testing.TestChain;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.simulators.tic.TicSimulator;
import io.certigate.simulators.tic.TicStreamGenerator;
import io.certigate.simulators.tic.TicTariff;
import io.certigate.testbed.pty.PtyPair;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator writes a TIC stream to one end of a socat pty pair; the adapter reads the other end
 * through jSerialComm (7E1), detects the mode, and its readings are signed into a real buffer.
 */
@Tag("component")
class TicPtyComponentTest {
    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void standardTempoStreamOverAPtyBecomesSignedReadings() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty")); TestChain chain = new TestChain(dir, "gw-tic-1")) {
            TicStreamGenerator gen = new TicStreamGenerator(new TicStreamGenerator.Config(false, TicTariff.TEMPO, "041876097359",
                    0.1, false, 3), new long[] {1_000_000, 2_000_000, 0, 0, 0, 0});
            try (TicSimulator sim = TicSimulator.onPty(pty.deviceSide(), gen, Clock.systemUTC(),
                    Instant.parse("2026-01-13T20:00:00Z"), 600)) {
                List<TicFrame> frames = new CopyOnWriteArrayList<>();
                TicMeterAdapter adapter = new TicMeterAdapter(new TicReadings.Options("tic", Duration.ofMillis(500),
                        Duration.ofMillis(500), TimeQuality.NTP), chain.sequencer, Clock.systemUTC());
                TicPortReader reader = new TicPortReader(JSerialCommLink.at(pty.gatewaySide().toString()),
                        TicPortReader.Options.of(null), f -> {
                            frames.add(f);
                            adapter.accept(f);
                        }, Clock.systemUTC(), scheduler);
                reader.start();
                sim.start(scheduler, Duration.ofMillis(100));
                waitUntil(() -> frames.size() >= 25, Duration.ofSeconds(20));
                reader.close();
                sim.close();

                assertThat(frames).allSatisfy(f -> assertThat(f.mode()).isEqualTo(TicMode.STANDARD));
                assertThat(reader.speed()).isEqualTo(TicMode.STANDARD);
                assertThat(frames.stream().filter(TicFrame::clean).count()).isGreaterThan(15);
                if (sim.corruptedFrames() > 0) {
                    assertThat(reader.stats().badGroups() + reader.stats().interruptedFrames()).isPositive();
                }
                waitUntil(() -> chain.sequencer.committedCount() >= adapter.submitted(), Duration.ofSeconds(10));
                List<Reading> stored = chain.readings();
                assertThat(stored).isNotEmpty().allSatisfy(r -> {
                    assertThat(r.subject()).isEqualTo("041876097359");
                    assertThat(r.source()).isEqualTo("tic");
                });
                List<Long> easf02 = stored.stream().filter(r -> r.kind().equals("meter.energy.import.easf02"))
                        .map(r -> r.value().asDouble().orElseThrow()).map(Double::longValue).toList();
                assertThat(easf02).hasSizeGreaterThan(1).isSorted();
                assertThat(easf02.get(easf02.size() - 1)).isGreaterThan(easf02.get(0));
                assertThat(stored).extracting(Reading::kind).contains(TicReadings.APPARENT_POWER, "meter.current.l1");
                assertThat(stored).allSatisfy(r -> assertThat(r.flags()).isEmpty());
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void historicHcHpStreamConfiguredOrDetected(boolean configured) throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            TicStreamGenerator gen = new TicStreamGenerator(new TicStreamGenerator.Config(true, TicTariff.HCHP, "524563565245", 0,
                    false, 5), new long[] {1_065_963, 1_521_211});
            try (TicSimulator sim = TicSimulator.onPty(pty.deviceSide(), gen, Clock.systemUTC(),
                    Instant.parse("2026-03-01T12:00:00Z"), 60)) {
                List<TicFrame> frames = new CopyOnWriteArrayList<>();
                TicPortReader reader = new TicPortReader(JSerialCommLink.at(pty.gatewaySide().toString()),
                        TicPortReader.Options.of(configured ? TicMode.HISTORIC : null), frames::add, Clock.systemUTC(), scheduler);
                reader.start();
                sim.start(scheduler, Duration.ofMillis(50));
                waitUntil(() -> frames.size() >= 5, Duration.ofSeconds(20));
                reader.close();
                assertThat(reader.speed()).isEqualTo(TicMode.HISTORIC);
                assertThat(frames).allSatisfy(f -> {
                    assertThat(f.clean()).isTrue();
                    assertThat(f.meterId()).contains("524563565245");
                    assertThat(f.group(TicLabel.HCHP)).isPresent();
                });
            }
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier c, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + max);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
