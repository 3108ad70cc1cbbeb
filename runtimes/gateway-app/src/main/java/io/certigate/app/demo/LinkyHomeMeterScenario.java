package io.certigate.app.demo;

import io.certigate.core.model.TimeQuality;
import io.certigate.meter.tic.TicMeterAdapter;
import io.certigate.meter.tic.TicPortReader;
import io.certigate.meter.tic.TicReadings;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.simulators.tic.TicSimulator;
import io.certigate.simulators.tic.TicStreamGenerator;
import io.certigate.simulators.tic.TicTariff;
import io.certigate.testbed.pty.PtyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A Linky home meter: the simulator writes a standard-mode TEMPO stream (its clock running 60×, 5 %
 * of frames damaged) to a socat pty; the real TIC adapter reads the other end through jSerialComm,
 * detects the mode and submits index, power and current readings to the demo's sequencer.
 */
public final class LinkyHomeMeterScenario implements DemoScenario {
    static final String METER = "041876097359";
    private TicSimulator simulator;
    private TicPortReader reader;
    private TicMeterAdapter adapter;

    @Override
    public String name() {
        return "linky";
    }

    @Override
    public AutoCloseable start(Context ctx) throws Exception {
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, r -> new Thread(r, "linky-demo"));
        PtyPair pty = PtyPair.open(ctx.workDir().resolve("linky-pty"));
        TicStreamGenerator gen = new TicStreamGenerator(new TicStreamGenerator.Config(false, TicTariff.TEMPO, METER, 0.05, false,
                ctx.clock().millis()), new long[] {4_210_000, 7_830_000, 310_000, 520_000, 40_000, 90_000});
        simulator = TicSimulator.onPty(pty.deviceSide(), gen, ctx.clock(), ctx.clock().instant(), 60);
        adapter = new TicMeterAdapter(new TicReadings.Options("tic", Duration.ofSeconds(5), Duration.ofSeconds(2), TimeQuality.NTP),
                ctx.sink(), ctx.clock());
        reader = new TicPortReader(JSerialCommLink.at(pty.gatewaySide().toString()), TicPortReader.Options.of(null), adapter,
                ctx.clock(), threads);
        reader.start();
        simulator.start(threads, Duration.ofMillis(500));
        ctx.out().println("    linky: simulated meter " + METER + " on " + pty.deviceSide() + ", adapter on " + pty.gatewaySide());
        return () -> {
            reader.close();
            simulator.close();
            threads.shutdownNow();
            pty.close();
        };
    }

    @Override
    public Passport passport() {
        return new Passport(METER, "meter.energy.import");
    }

    @Override
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        if (reader == null) {
            return lines;
        }
        var s = reader.stats();
        lines.add(String.format("meter %s: %d frames sent (%d damaged), %d decoded in %s mode, %d groups rejected, %d interrupted",
                METER, simulator.frames(), simulator.corruptedFrames(), s.frames(), reader.speed().name().toLowerCase(), s.badGroups(),
                s.interruptedFrames()));
        lines.add(String.format("%d readings submitted (indexes every 5 s, power and current every 2 s), %d refused",
                adapter.submitted(), adapter.refused()));
        return lines;
    }

}
