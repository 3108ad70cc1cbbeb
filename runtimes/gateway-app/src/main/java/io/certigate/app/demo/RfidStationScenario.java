package io.certigate.app.demo;

import io.certigate.meter.rfid.RfidReaderAdapter;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.simulators.rfid.Rdm6300Simulator;
import io.certigate.testbed.pty.PtyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A citizen-service station: a simulated RDM6300 reader on a socat pty sees one of four cards every
 * 1.5 s, each held long enough for 6 repeated frames (3 % damaged); the real RFID adapter debounces
 * them and submits one {@code rfid.tag} reading per presentation.
 */
public final class RfidStationScenario implements DemoScenario {
    static final List<Long> CARDS = List.of(0x0F00A1B2C3L, 0x1A0045F3E2L, 0x2B00C0FFEEL, 0x3C00BADA55L);
    private Rdm6300Simulator simulator;
    private RfidReaderAdapter adapter;

    @Override
    public String name() {
        return "rfid-station";
    }

    @Override
    public AutoCloseable start(Context ctx) throws Exception {
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, r -> new Thread(r, "rfid-demo"));
        PtyPair pty = PtyPair.open(ctx.workDir().resolve("rfid-pty"));
        simulator = Rdm6300Simulator.onPty(pty.deviceSide(), 0.03, ctx.clock().millis());
        adapter = new RfidReaderAdapter(JSerialCommLink.at(pty.gatewaySide().toString()),
                RfidReaderAdapter.Options.rdm6300().withDebounce(Duration.ofMillis(800)), ctx.sink(), e -> { }, ctx.clock(), threads);
        adapter.start();
        simulator.start(threads, CARDS, Duration.ofMillis(1500), 6);
        ctx.out().println("    rfid-station: simulated RDM6300 on " + pty.deviceSide() + ", adapter on " + pty.gatewaySide());
        return () -> {
            adapter.close();
            simulator.close();
            threads.shutdownNow();
            pty.close();
        };
    }

    @Override
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        if (adapter != null) {
            lines.add(String.format("%d card presentations, %d frames sent (%d damaged); %d tag reads, %d rejected frames,"
                    + " %d rfid.tag readings after debouncing", simulator.presentations(), simulator.frames(),
                    simulator.corruptedFrames(), adapter.tagsRead(), adapter.framesRejected(), adapter.tagsReported()));
        }
        return lines;
    }
}
