package io.certigate.obd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.ReadingValue;
import io.certigate.simulators.elm327.Elm327PtyServer;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A real session over TCP and over a socat pty against the ELM327 simulator. */
@Tag("component")
class Elm327SessionComponentTest {
    private static final VehicleScript CAR = VehicleScript.demo().withVin("1M8GDM9AXKP042788").withTimeScale(1);

    private static SimulatedVehicle vehicle(Elm327Switches s) {
        return new SimulatedVehicle(CAR, s, Clock.systemUTC());
    }

    @ParameterizedTest(name = "protocol {0}, headers {1}, spaces {2}, echo {3}")
    @CsvSource({
        "6, true, false, true",
        "6, false, false, false",
        "6, false, true, true",
        "6, true, true, false",
        "7, true, true, true",
        "7, false, false, true",
        "3, true, true, true",
        "3, false, false, true",
    })
    void readsIdentityPidsVinAndOdometerInEveryStyle(char protocol, boolean headers, boolean spaces, boolean echo)
            throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withProtocol(protocol).withEcho(echo).withSecondEcu(true);
        try (Elm327TcpServer sim = Elm327TcpServer.start(vehicle(sw), 0);
                Elm327Session session = new Elm327Session(Elm327Port.forPort(sim.address(), 0, Duration.ofSeconds(2)),
                        Elm327Session.Options.defaults().withHeaders(headers).withSpaces(spaces))) {
            Elm327Session.AdapterInfo info = session.initialize();
            assertThat(info.identity()).isEqualTo("ELM327 v1.5");
            assertThat(info.protocol().number()).isEqualTo(protocol);
            assertThat(info.vehicleAnswered()).isTrue();
            SupportedPids pids = ObdDiscovery.supportedPids(session, e -> { throw new AssertionError(e); });
            assertThat(pids.supports(ObdPid.ODOMETER)).isTrue();
            assertThat(pids.supports(ObdPid.SPEED)).isTrue();
            assertThat(pids.supports(0x01)).isTrue(); // from the second ECU's bitmap
            Vin vin = ObdDiscovery.vin(session);
            assertThat(vin.value()).isEqualTo("1M8GDM9AXKP042788");
            assertThat(vin.checkDigit()).isEqualTo(Vin.CheckDigit.VALID);
            ObdReply.Data odo = (ObdReply.Data) session.query(ObdPid.ODOMETER.request());
            BigDecimal km = ((ReadingValue.Decimal) ObdPid.ODOMETER.decode(odo.responses().get(0), "")).value();
            assertThat(km).isBetween(new BigDecimal("123456.7"), new BigDecimal("123460.0"));
            if (headers && protocol != '3') {
                assertThat(odo.responses().get(0).header()).isIn("7E8", "18DAF110");
            }
        }
    }

    @Test
    void unsupportedVinAndOdometer() throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withVinSupported(false).withOdometerSupported(false);
        try (Elm327TcpServer sim = Elm327TcpServer.start(vehicle(sw), 0);
                Elm327Session session = new Elm327Session(Elm327Port.forPort(sim.address(), 0, Duration.ofSeconds(2)),
                        Elm327Session.Options.defaults())) {
            session.initialize();
            assertThat(ObdDiscovery.supportedPids(session, e -> { throw new AssertionError(e); }).supports(ObdPid.ODOMETER)).isFalse();
            assertThat(ObdDiscovery.vin(session)).isNull();
            assertThat(session.query(ObdPid.ODOMETER.request())).isInstanceOf(ObdReply.Condition.class);
        }
    }

    @Test
    void ignitionOffIsASilentVehicleNotAnError() throws Exception {
        try (Elm327TcpServer sim = Elm327TcpServer.start(vehicle(Elm327Switches.defaults().withIgnitionOff(true)), 0);
                Elm327Session session = new Elm327Session(Elm327Port.forPort(sim.address(), 0, Duration.ofSeconds(2)),
                        Elm327Session.Options.defaults())) {
            Elm327Session.AdapterInfo info = session.initialize();
            assertThat(info.vehicleAnswered()).isFalse();
            assertThat(info.firstReply()).contains("UNABLE TO CONNECT");
        }
    }

    @Test
    void serialPtyWithProbedAndConfiguredBaudRate(@TempDir Path dir) throws Exception {
        try (Elm327PtyServer sim = Elm327PtyServer.start(vehicle(Elm327Switches.defaults()), dir.resolve("ttyELM"),
                Duration.ofMillis(50))) {
            Elm327Port probed = Elm327Port.forPort(sim.path().toString(), 0, Duration.ofMillis(500));
            try (Elm327Session session = new Elm327Session(probed, Elm327Session.Options.defaults())) {
                assertThat(session.initialize().protocol()).isEqualTo(ElmProtocol.ISO_15765_4_CAN_11_500);
                assertThat(probed.baudRate()).isEqualTo(38400);
                assertThat(ObdDiscovery.vin(session).value()).isEqualTo("1M8GDM9AXKP042788");
            }
            // closing the port unplugs the simulated adapter; it comes back at the same path
            ObdTestSpine.await("re-plugged pty", Duration.ofSeconds(5), () -> java.nio.file.Files.exists(sim.path()));
            Thread.sleep(100);
            try (Elm327Session session = new Elm327Session(Elm327Port.forPort(sim.path().toString(), 115200,
                    Duration.ofMillis(500)), Elm327Session.Options.defaults().withHeaders(false))) {
                session.initialize();
                ObdReply.Data speed = (ObdReply.Data) session.query(ObdPid.SPEED.request());
                assertThat(speed.responses()).hasSize(1);
            }
        }
    }

    @Test
    void errorsNameThePortAndTheReply(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("no-such-tty").toString();
        assertThatThrownBy(() -> new Elm327Session(Elm327Port.forPort(missing, 38400, Duration.ofMillis(100)),
                Elm327Session.Options.defaults()).initialize()).hasMessageContaining(missing);
        try (java.net.ServerSocket quiet = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String port = "tcp://127.0.0.1:" + quiet.getLocalPort();
            Elm327Session.Options fast = new Elm327Session.Options(true, false, Duration.ofMillis(200), Duration.ofMillis(200),
                    Duration.ofMillis(200));
            assertThatThrownBy(() -> new Elm327Session(Elm327Port.forPort(port, 0, Duration.ofSeconds(1)), fast).initialize())
                    .isInstanceOf(Elm327Exception.class).hasMessageContaining(port).hasMessageContaining("ATZ");
        }
    }
}
