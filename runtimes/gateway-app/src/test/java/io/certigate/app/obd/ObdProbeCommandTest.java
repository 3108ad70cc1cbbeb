package io.certigate.app.obd;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.simulators.elm327.Elm327PtyServer;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import io.certigate.testbed.pty.PtyPair;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certigate obd probe} against the simulator over TCP and a socat pty, and against broken adapters. */
@Tag("component")
class ObdProbeCommandTest {
    private static final VehicleScript CAR = VehicleScript.demo().withVin("1M8GDM9AXKP042788").withTimeScale(1);

    private record Run(int exit, String out, String err) {}

    private static Run probe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = CertigateCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 2];
        full[0] = "obd";
        full[1] = "probe";
        System.arraycopy(args, 0, full, 2, args.length);
        int code = cl.execute(full);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void probesAVehicleOverTcp() throws Exception {
        try (Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR, Elm327Switches.defaults(), Clock.systemUTC()), 0)) {
            Run r = probe("--port", sim.address());
            System.out.print(r.out()); // kept in the surefire report as a sample of the technician's view
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("adapter    ELM327 v1.5")
                    .contains("protocol   6 ISO 15765-4 CAN (11 bit ID, 500 kbaud)")
                    .contains("VIN        1M8GDM9AXKP042788 (check digit valid)")
                    .contains("supported  05 0C 0D 21 2F 31 A6")
                    .containsPattern("odometer   usable \\(PID A6\\): 12345[6-9]\\.[0-9] km")
                    .containsPattern("vehicle.speed +[0-9]+ km/h")
                    .containsPattern("vehicle.engine.speed +[0-9.]+ /min");
        }
    }

    @Test
    void probesASerialAdapterOnAPtyAndSaysWhenTheOdometerIsUnusable(@TempDir Path dir) throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withOdometerSupported(false).withProtocol('3');
        try (Elm327PtyServer sim = Elm327PtyServer.start(new SimulatedVehicle(CAR, sw, Clock.systemUTC()),
                dir.resolve("ttyOBD"), Duration.ofMillis(50))) {
            Run r = probe("--port", sim.path().toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("protocol   3 ISO 9141-2").contains("VIN        1M8GDM9AXKP042788")
                    .contains("odometer   NOT usable: PID A6 unsupported");
            assertThat(r.out()).containsPattern("vehicle.distance.since-cleared +[0-9]+ km");
        }
    }

    @Test
    void aMissingOrUnopenablePortFailsAtOnceWithThePathAndTheReason(@TempDir Path dir) {
        Path missing = dir.resolve("ttyUSB9");
        long start = System.nanoTime();
        // each probe waits 60 s for a prompt: had either run probed or retried, it would take a minute at least
        Run r = probe("--port", missing.toString(), "--timeout", "60s");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("obd probe: " + missing + ": no such file or directory")
                .doesNotContain("no ELM327 prompt");
        // a path that exists but is no serial device: the open fails and the OS's reason is given
        Run dirPort = probe("--port", dir.toString(), "--baud", "38400", "--timeout", "60s");
        assertThat(dirPort.exit()).isEqualTo(1);
        assertThat(dirPort.err()).contains(dir + ": cannot open the serial port: is a directory (errno 21)")
                .doesNotContain("no ELM327 prompt");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(50)); // no probing, no retry
    }

    @Test
    void anAdapterThatNeverAnswersEndsWithinTheBoundedWaitAndSaysWhatItWaitedFor(@TempDir Path dir) throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            long start = System.nanoTime();
            Run r = probe("--port", pty.gatewaySide().toString(), "--timeout", "200ms");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains(pty.gatewaySide() + ": no ELM327 prompt at any of")
                    .contains("(waited 200 ms at each)");
            // six probed rates of 200 ms each, plus draining: below the 12 s the 2 s default per rate would take
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(11));
        }
    }

    @Test
    void errorsNameThePortAndTheBadReply(@TempDir Path dir) throws Exception {
        Run missing = probe("--port", dir.resolve("ttyNONE").toString(), "--baud", "38400");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains(dir.resolve("ttyNONE").toString());

        // an "adapter" answering every line with noise and a prompt
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = fake.accept(); OutputStream o = s.getOutputStream()) {
                    int b;
                    while ((b = s.getInputStream().read()) >= 0) {
                        if (b == '\r') {
                            o.write("#\u00ff garbage\r\r>".getBytes(StandardCharsets.ISO_8859_1));
                        }
                    }
                } catch (java.io.IOException e) {
                    // test peer closed
                }
            });
            t.setDaemon(true);
            t.start();
            String port = "tcp://127.0.0.1:" + fake.getLocalPort();
            Run r = probe("--port", port, "--timeout", "500ms");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains(port).contains("ATZ").contains("garbage");
        }
    }

    @Test
    void ignitionOffIsReportedNotFailed() throws Exception {
        Elm327Switches sw = Elm327Switches.defaults().withIgnitionOff(true);
        try (Elm327TcpServer sim = Elm327TcpServer.start(new SimulatedVehicle(CAR, sw, Clock.systemUTC()), 0)) {
            Run r = probe("--port", sim.address(), "--no-headers");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.out()).contains("vehicle    not answering (ignition off?)").contains("UNABLE TO CONNECT");
        }
    }

    @Test
    void simulateCommandServesTheProbe(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path tty = dir.resolve("ttySIM");
        StringWriter simOut = new StringWriter();
        var sim = CertigateCli.commandLine();
        sim.setOut(new PrintWriter(simOut, true));
        int[] simExit = {-1};
        Thread t = new Thread(() -> simExit[0] = sim.execute("obd", "simulate", "--tcp", String.valueOf(port), "--pty",
                tty.toString(), "--no-odometer", "--vin", "WVWZZZ1KZAW123456", "--duration", "8s"));
        t.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!simOut.toString().contains("stop with Ctrl-C") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Run r = probe("--port", "tcp://127.0.0.1:" + port);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("VIN        WVWZZZ1KZAW123456 (check digit not applicable)").contains("odometer   NOT usable");
        Run serial = probe("--port", tty.toString());
        assertThat(serial.exit()).as(serial.err()).isZero();
        t.join(15_000);
        assertThat(simExit[0]).isZero();
        assertThat(simOut.toString()).contains("simulated ELM327 on tcp://127.0.0.1:" + port)
                .contains("simulated ELM327 on " + tty).contains("odometer read 0 times");
        Run bad = probe("--port", "tcp://");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("tcp://");
    }
}
