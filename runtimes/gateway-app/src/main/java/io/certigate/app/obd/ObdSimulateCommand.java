package io.certigate.app.obd;

import io.certigate.app.DurationConverter;
import io.certigate.simulators.elm327.Elm327PtyServer;
import io.certigate.simulators.elm327.Elm327Switches;
import io.certigate.simulators.elm327.Elm327TcpServer;
import io.certigate.simulators.elm327.SimulatedVehicle;
import io.certigate.simulators.elm327.VehicleScript;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate obd simulate}: a simulated ELM327 and vehicle on a TCP port and/or a pty, for
 * training, scripts and trying {@code obd probe} or {@code run} without a car.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a simulated ELM327 adapter and vehicle on a TCP port and/or a pty (socat) until stopped.")
public final class ObdSimulateCommand implements Callable<Integer> {
    @Option(names = "--tcp", paramLabel = "PORT", description = "Listen on 127.0.0.1:PORT (0: any free port).")
    Integer tcpPort;

    @Option(names = "--pty", paramLabel = "PATH", description = "Create a serial device at PATH (needs socat).")
    Path pty;

    @Option(names = "--vin", defaultValue = "1M8GDM9AXKP042788", description = "VIN (default ${DEFAULT-VALUE}).")
    String vin;

    @Option(names = "--odometer", defaultValue = "123456.7", description = "Odometer at start, km (default ${DEFAULT-VALUE}).")
    BigDecimal odometer;

    @Option(names = "--time-scale", defaultValue = "60", description = "Simulated seconds per real second (default ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(names = "--protocol", defaultValue = "6", description = "Bus protocol number: 6, 7 (CAN), 3 (ISO 9141-2), 2 (J1850) (default 6).")
    char protocol;

    @Option(names = "--no-odometer", description = "The vehicle does not support PID A6.")
    boolean noOdometer;

    @Option(names = "--no-vin", description = "The vehicle does not answer 09 02.")
    boolean noVin;

    @Option(names = "--second-ecu", description = "A second ECU also answers 01 00.")
    boolean secondEcu;

    @Option(names = "--rollback-after", defaultValue = "0", description = "Wind the odometer back after N reads (0: never).")
    int rollbackAfter;

    @Option(names = "--rollback-km", defaultValue = "1500.0", description = "By how much (default ${DEFAULT-VALUE} km).")
    BigDecimal rollbackKm;

    @Option(names = "--garbage-every", defaultValue = "0", description = "Answer every N-th request with garbage (0: never).")
    int garbageEvery;

    @Option(names = "--no-data-every", defaultValue = "0", description = "Start a NO DATA burst every N requests (0: never).")
    int noDataEvery;

    @Option(names = "--no-data-length", defaultValue = "3", description = "Requests per NO DATA burst (default 3).")
    int noDataLength;

    @Option(names = "--disconnect-after", defaultValue = "0", description = "Drop the connection after N requests (0: never).")
    int disconnectAfter;

    @Option(names = "--ignition-off", description = "The vehicle does not answer (UNABLE TO CONNECT).")
    boolean ignitionOff;

    @Option(names = "--duration", converter = DurationConverter.class, description = "Stop after this long (default: until interrupted).")
    Duration duration;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (tcpPort == null && pty == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --tcp PORT and/or --pty PATH");
        }
        Elm327Switches sw = Elm327Switches.defaults().withProtocol(protocol).withOdometerSupported(!noOdometer)
                .withVinSupported(!noVin).withSecondEcu(secondEcu).withRollback(rollbackAfter, rollbackKm)
                .withGarbageEvery(garbageEvery).withNoDataBursts(noDataEvery, noDataLength)
                .withDisconnectAfter(disconnectAfter).withIgnitionOff(ignitionOff);
        VehicleScript script = VehicleScript.demo().withVin(vin).withOdometer(odometer).withTimeScale(timeScale);
        SimulatedVehicle car = new SimulatedVehicle(script, sw, Clock.systemUTC());
        Elm327TcpServer tcp = null;
        Elm327PtyServer serial = null;
        try {
            if (tcpPort != null) {
                tcp = Elm327TcpServer.start(car, tcpPort);
                out.println("simulated ELM327 on " + tcp.address());
            }
            if (pty != null) {
                serial = Elm327PtyServer.start(car, pty, Duration.ofMillis(500));
                out.println("simulated ELM327 on " + serial.path());
            }
            out.println("vehicle " + vin + ", odometer " + odometer + " km; stop with Ctrl-C");
            out.flush();
            CountDownLatch forever = new CountDownLatch(1);
            if (duration == null) {
                forever.await();
            } else {
                forever.await(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            out.println("odometer read " + car.odometerReads() + " times, now " + car.odometer() + " km");
            return 0;
        } finally {
            if (serial != null) {
                serial.close();
            }
            if (tcp != null) {
                tcp.close();
            }
        }
    }
}
