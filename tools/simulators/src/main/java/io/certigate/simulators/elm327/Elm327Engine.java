package io.certigate.simulators.elm327;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulated adapter of one connection: interprets AT commands (ATZ, ATE, ATL, ATS, ATH, ATSP,
 * ATDP, ATDPN, ATI, AT@1, ATRV, ATD, ATWS) and forwards OBD requests to the {@link SimulatedVehicle},
 * printing the answer as an ELM327 v1.5 would, followed by the {@code >} prompt. Not thread-safe:
 * one engine per connection.
 */
public final class Elm327Engine {
    static final String IDENTITY = "ELM327 v1.5";

    private final SimulatedVehicle vehicle;
    private boolean echo;
    private boolean headers;
    private boolean spaces;
    private boolean linefeeds;
    private boolean searched;
    private char protocolSetting = '0';
    private boolean disconnect;

    public Elm327Engine(SimulatedVehicle vehicle) {
        this.vehicle = vehicle;
        reset();
    }

    private void reset() {
        Elm327Switches s = vehicle.switches();
        echo = s.echo();
        headers = s.headers();
        spaces = s.spaces();
        linefeeds = false;
        searched = false;
        protocolSetting = '0';
    }

    /** Whether the last command asked the connection to drop (the disconnect switch). */
    public boolean disconnectRequested() {
        return disconnect;
    }

    /** Everything the adapter prints for one received command line (without its CR). */
    public String respond(String received) {
        String cmd = received.replace(" ", "").toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        if (echo) {
            out.append(received).append(eol());
        }
        List<String> lines = cmd.startsWith("AT") ? at(cmd.substring(2)) : obd(cmd);
        if (disconnect) {
            return out.toString();
        }
        for (String l : lines) {
            out.append(l).append(eol());
        }
        return out.append(eol()).append('>').toString();
    }

    private String eol() {
        return linefeeds ? "\r\n" : "\r";
    }

    private List<String> at(String c) {
        if (c.equals("Z") || c.equals("WS")) {
            reset();
            return List.of("", IDENTITY);
        }
        if (c.equals("I")) {
            return List.of(IDENTITY);
        }
        if (c.equals("@1")) {
            return List.of("OBDII to RS232 Interpreter");
        }
        if (c.equals("RV")) {
            return List.of("12.6V");
        }
        if (c.equals("D")) {
            return List.of("OK");
        }
        if (c.equals("DPN")) {
            char p = searched ? vehicle.switches().protocol() : '0';
            return List.of(protocolSetting == '0' ? "A" + p : String.valueOf(protocolSetting));
        }
        if (c.equals("DP")) {
            return List.of(searched ? "AUTO, protocol " + vehicle.switches().protocol() : "AUTO");
        }
        if (c.length() == 2 && "ELSH".indexOf(c.charAt(0)) >= 0 && (c.charAt(1) == '0' || c.charAt(1) == '1')) {
            boolean on = c.charAt(1) == '1';
            switch (c.charAt(0)) {
                case 'E' -> echo = on;
                case 'L' -> linefeeds = on;
                case 'S' -> spaces = on;
                default -> headers = on;
            }
            return List.of("OK");
        }
        if (c.startsWith("SP") && c.length() == 3) {
            protocolSetting = c.charAt(2);
            searched = false;
            return List.of("OK");
        }
        return List.of("?");
    }

    private List<String> obd(String c) {
        if (c.length() < 2 || c.length() % 2 != 0 || !c.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            return List.of("?");
        }
        int mode = Integer.parseInt(c.substring(0, 2), 16);
        int pid = c.length() >= 4 ? Integer.parseInt(c.substring(2, 4), 16) : -1;
        List<String> lines = new ArrayList<>();
        if (!searched) {
            if (protocolSetting == '0') {
                lines.add("SEARCHING...");
            }
            searched = true;
        }
        if (!Elm327Framer.isCan(vehicle.switches().protocol()) && lines.size() == 1) {
            lines.set(0, "BUS INIT: ...OK");
        }
        char protocol = vehicle.switches().protocol();
        SimulatedVehicle.Answer a = vehicle.answer(mode, pid, vehicle.switches().secondEcu() ? 2 : 1);
        if (a.disconnect()) {
            disconnect = true;
            return lines;
        }
        if (a.literal() != null) {
            if (a.literal().equals("UNABLE TO CONNECT")) {
                searched = false;
            }
            lines.add(a.literal());
            return lines;
        }
        int ecu = 0;
        for (byte[] m : a.messages()) {
            boolean second = a.messages().size() > 1 && mode == 0x01 && pid % 0x20 == 0 && ecu++ > 0;
            lines.addAll(Elm327Framer.frames(m, protocol, second ? 1 : 0, headers, spaces));
        }
        return lines;
    }
}
