package io.certigate.simulators.elm327;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The vehicle behind the simulated adapter: answers OBD requests from its {@link VehicleScript}
 * and applies the fault switches (NO DATA bursts, garbage, disconnects, odometer rollback). One
 * vehicle outlives adapter connections (a re-plugged adapter finds the same car). Thread-safe.
 */
public final class SimulatedVehicle {
    /** Garbage replies, in rotation: bad hex, a truncated message, another PID's answer, line noise. */
    private static final List<String> GARBAGE = List.of("4I 0D 3Z", "41", "41 0C 1A F8", "\u00ff\u00fe#@!");

    /** What the ECU answers to one request. */
    public record Answer(List<byte[]> messages, String literal, boolean disconnect) {
        static Answer of(byte[]... m) {
            return new Answer(List.of(m), null, false);
        }

        static Answer text(String s) {
            return new Answer(List.of(), s, false);
        }
    }

    private final VehicleScript script;
    private final Elm327Switches switches;
    private final Clock clock;
    private final Instant start;
    private final Set<Integer> supported = new TreeSet<>();
    private long requests;
    private int burstLeft;
    private int odometerReads;
    private BigDecimal rollback = BigDecimal.ZERO;
    private int garbageIndex;

    public SimulatedVehicle(VehicleScript script, Elm327Switches switches, Clock clock) {
        this.script = script;
        this.switches = switches;
        this.clock = clock;
        this.start = clock.instant();
        supported.addAll(List.of(0x05, 0x0C, 0x0D, 0x20, 0x21, 0x2F, 0x31, 0x40, 0x60, 0x80, 0xA0));
        if (switches.odometerSupported()) {
            supported.add(0xA6);
        }
    }

    public Elm327Switches switches() {
        return switches;
    }

    public VehicleScript script() {
        return script;
    }

    /** Number of odometer (01 A6) requests answered so far. */
    public synchronized int odometerReads() {
        return odometerReads;
    }

    /** The odometer the ECU reports now, rollback included. */
    public synchronized BigDecimal odometer() {
        return script.odometerAt(elapsed()).subtract(rollback);
    }

    public synchronized int speed() {
        return script.speedAt(elapsed());
    }

    private Duration elapsed() {
        return Duration.between(start, clock.instant());
    }

    /** The answer to an OBD request (service, PID or -1). */
    public synchronized Answer answer(int mode, int pid, int ecuCount) {
        requests++;
        if (switches.disconnectAfter() > 0 && requests == switches.disconnectAfter()) {
            return new Answer(List.of(), null, true);
        }
        if (switches.ignitionOff()) {
            return Answer.text("UNABLE TO CONNECT");
        }
        if (burstLeft > 0) {
            burstLeft--;
            return Answer.text("NO DATA");
        }
        if (switches.noDataEvery() > 0 && requests % switches.noDataEvery() == 0) {
            burstLeft = Math.max(0, switches.noDataLength() - 1);
            return Answer.text("NO DATA");
        }
        if (switches.garbageEvery() > 0 && requests % switches.garbageEvery() == 0) {
            return Answer.text(GARBAGE.get(garbageIndex++ % GARBAGE.size()));
        }
        if (mode == 0x01) {
            return service01(pid, ecuCount);
        }
        if (mode == 0x09 && pid == 0x02 && switches.vinSupported()) {
            return vin();
        }
        return Answer.text("NO DATA");
    }

    private Answer service01(int pid, int ecuCount) {
        if (pid % 0x20 == 0 && pid <= 0xC0) {
            byte[] engine = bitmap(pid, supported);
            if (ecuCount > 1) {
                return Answer.of(engine, bitmap(pid, Set.of(0x01, 0x05, 0x0D)));
            }
            return Answer.of(engine);
        }
        if (!supported.contains(pid)) {
            return Answer.text("NO DATA");
        }
        int speed = script.speedAt(elapsed());
        switch (pid) {
            case 0x05:
                return Answer.of(msg(pid, 90 + 40));
            case 0x0C:
                int quarterRpm = (speed == 0 ? 800 : 1200 + speed * 25) * 4;
                return Answer.of(msg(pid, quarterRpm >> 8, quarterRpm & 0xFF));
            case 0x0D:
                return Answer.of(msg(pid, speed));
            case 0x21:
                return Answer.of(msg(pid, 0, 0));
            case 0x2F:
                return Answer.of(msg(pid, 0xB4));
            case 0x31:
                int since = script.odometerAt(elapsed()).subtract(script.odometerStartKm()).intValue() + 1234;
                return Answer.of(msg(pid, (since >> 8) & 0xFF, since & 0xFF));
            case 0xA6:
                return odometerAnswer();
            default:
                return Answer.text("NO DATA");
        }
    }

    private Answer odometerAnswer() {
        odometerReads++;
        if (switches.rollbackAfterReads() > 0 && odometerReads == switches.rollbackAfterReads() + 1) {
            rollback = rollback.add(switches.rollbackKm());
        }
        long tenths = odometer().movePointRight(1).longValueExact();
        return Answer.of(msg(0xA6, (int) (tenths >> 24) & 0xFF, (int) (tenths >> 16) & 0xFF, (int) (tenths >> 8) & 0xFF,
                (int) tenths & 0xFF));
    }

    private Answer vin() {
        byte[] chars = script.vin().getBytes(StandardCharsets.US_ASCII);
        if (Elm327Framer.isCan(switches.protocol())) {
            byte[] m = new byte[3 + chars.length];
            m[0] = 0x49;
            m[1] = 0x02;
            m[2] = 0x01;
            System.arraycopy(chars, 0, m, 3, chars.length);
            return Answer.of(m);
        }
        byte[] padded = new byte[20];
        System.arraycopy(chars, 0, padded, 20 - chars.length, chars.length);
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            messages.add(new byte[] {0x49, 0x02, (byte) (i + 1), padded[4 * i], padded[4 * i + 1], padded[4 * i + 2],
                padded[4 * i + 3]});
        }
        return new Answer(messages, null, false);
    }

    private static byte[] bitmap(int base, Set<Integer> pids) {
        byte[] m = {0x41, (byte) base, 0, 0, 0, 0};
        for (int p : pids) {
            if (p > base && p <= base + 0x20) {
                int bit = p - base - 1;
                m[2 + bit / 8] |= (byte) (0x80 >> (bit % 8));
            }
        }
        return m;
    }

    private static byte[] msg(int pid, int... data) {
        byte[] m = new byte[2 + data.length];
        m[0] = 0x41;
        m[1] = (byte) pid;
        for (int i = 0; i < data.length; i++) {
            m[2 + i] = (byte) data[i];
        }
        return m;
    }
}
