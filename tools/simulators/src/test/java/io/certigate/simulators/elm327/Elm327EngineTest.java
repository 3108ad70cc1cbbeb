package io.certigate.simulators.elm327;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The simulated adapter prints what the ELM327 datasheet shows. */
@Tag("unit")
class Elm327EngineTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final VehicleScript DATASHEET_CAR = VehicleScript.demo().withVin("1D4GP00R55B123456");

    private static Elm327Engine engine(Elm327Switches s) {
        return new Elm327Engine(new SimulatedVehicle(DATASHEET_CAR, s, FIXED));
    }

    @Test
    void vinAsInTheDatasheetMultilineExamples() {
        // ELM327 datasheet (ELM327DSJ), "Multiline Responses": CAN with formatting, then J1850
        Elm327Engine can = engine(Elm327Switches.defaults().withEcho(false));
        can.respond("ATSP6");
        assertThat(can.respond("0902")).isEqualTo("014\r0: 49 02 01 31 44 34\r1: 47 50 30 30 52 35 35\r"
                + "2: 42 31 32 33 34 35 36\r\r>");
        assertThat(can.respond("ATH1")).isEqualTo("OK\r\r>");
        assertThat(can.respond("0902")).isEqualTo("7E8 10 14 49 02 01 31 44 34\r7E8 21 47 50 30 30 52 35 35\r"
                + "7E8 22 42 31 32 33 34 35 36\r\r>");
        Elm327Engine j1850 = engine(Elm327Switches.defaults().withEcho(false).withProtocol('2'));
        j1850.respond("ATSP2");
        assertThat(j1850.respond("0902")).isEqualTo("49 02 01 00 00 00 31\r49 02 02 44 34 47 50\r49 02 03 30 30 52 35\r"
                + "49 02 04 35 42 31 32\r49 02 05 33 34 35 36\r\r>");
    }

    @Test
    void resetEchoSpacesSearchAndProtocol() {
        Elm327Engine e = engine(Elm327Switches.defaults());
        assertThat(e.respond("ATZ")).isEqualTo("ATZ\r\rELM327 v1.5\r\r>");
        assertThat(e.respond("ATE0")).isEqualTo("ATE0\rOK\r\r>");
        assertThat(e.respond("ATS0")).isEqualTo("OK\r\r>");
        assertThat(e.respond("010D")).isEqualTo("SEARCHING...\r410D00\r\r>"); // fixed clock: still at 0 km/h
        assertThat(e.respond("ATDPN")).isEqualTo("A6\r\r>");
        assertThat(e.respond("01A6")).isEqualTo("41A60012D687\r\r>"); // 123456.7 km
        assertThat(e.respond("ATXYZ")).isEqualTo("?\r\r>");
        assertThat(e.respond("0150")).isEqualTo("NO DATA\r\r>");
    }

    @Test
    void rollbackAndFaultSwitches() {
        Elm327Engine e = engine(Elm327Switches.defaults().withEcho(false).withRollback(1, new BigDecimal("1000.0")));
        assertThat(e.respond("01A6")).endsWith("41 A6 00 12 D6 87\r\r>");
        assertThat(e.respond("01A6")).isEqualTo("41 A6 00 12 AF 77\r\r>"); // 122456.7 km
        Elm327Engine bursts = engine(Elm327Switches.defaults().withEcho(false).withNoDataBursts(2, 2).withGarbageEvery(5));
        assertThat(bursts.respond("010D")).contains("41 0D 00");
        assertThat(bursts.respond("010D")).isEqualTo("NO DATA\r\r>");
        assertThat(bursts.respond("010D")).isEqualTo("NO DATA\r\r>");
        assertThat(bursts.respond("010D")).isEqualTo("NO DATA\r\r>"); // request 4 starts the next burst
        assertThat(bursts.respond("010D")).isEqualTo("NO DATA\r\r>");
        Elm327Engine unplug = engine(Elm327Switches.defaults().withDisconnectAfter(2));
        unplug.respond("0100");
        assertThat(unplug.disconnectRequested()).isFalse();
        unplug.respond("010D");
        assertThat(unplug.disconnectRequested()).isTrue();
    }
}
