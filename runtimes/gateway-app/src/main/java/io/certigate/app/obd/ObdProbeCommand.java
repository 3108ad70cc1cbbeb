package io.certigate.app.obd;

import io.certigate.app.DurationConverter;
import io.certigate.core.model.ReadingValue;
import io.certigate.obd.Elm327Exception;
import io.certigate.obd.Elm327Session;
import io.certigate.obd.ObdDiscovery;
import io.certigate.obd.ObdPid;
import io.certigate.obd.ObdReply;
import io.certigate.obd.ObdReplyException;
import io.certigate.obd.Elm327Port;
import io.certigate.obd.SupportedPids;
import io.certigate.obd.Vin;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate obd probe}: connects to an ELM327 adapter once and prints what a technician
 * installing a telematics box needs to know: adapter identity, bus protocol, VIN, supported PIDs,
 * whether the odometer PID (A6) is usable, and one round of live values. Exit 0 when the vehicle
 * answered, 2 when the adapter answered but the vehicle did not, 1 on an error (which names the
 * port and the reply that went wrong).
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Probe an ELM327 adapter and the vehicle behind it, print what was found, exit.")
public final class ObdProbeCommand implements Callable<Integer> {
    @Option(names = "--port", required = true, paramLabel = "PATH|tcp://host:port",
            description = "Serial device (/dev/ttyUSB0, /dev/rfcomm0) or Wi-Fi adapter address (tcp://192.168.0.10:35000).")
    String port;

    @Option(names = "--baud", defaultValue = "0",
            description = "Serial baud rate; 0 probes 38400, 9600, 115200, 230400, 57600, 19200 (default 0).")
    int baud;

    @Option(names = "--timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "Wait for each reply (default 2s; the first request may search protocols for longer).")
    Duration timeout;

    @Option(names = "--headers", defaultValue = "true", negatable = true,
            description = "Ask for CAN ids in replies (ATH1), to tell several ECUs apart (default on).")
    boolean headers;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Elm327Session.Options options = new Elm327Session.Options(headers, false, timeout, timeout.plusSeconds(2),
                timeout.plusSeconds(10));
        try (Elm327Session session = new Elm327Session(Elm327Port.forPort(port, baud, timeout), options)) {
            Elm327Session.AdapterInfo info = session.initialize();
            out.printf("port       %s%n", port);
            out.printf("adapter    %s%n", info.identity());
            out.printf("protocol   %s %s%n", info.protocol().number(), info.protocol().description());
            if (!info.vehicleAnswered()) {
                out.printf("vehicle    not answering (ignition off?): %s%n", ObdReplyException.quote(info.firstReply().trim()));
                out.flush();
                return 2;
            }
            SupportedPids pids = ObdDiscovery.supportedPids(session,
                    e -> err.println("obd probe: " + port + ": malformed reply skipped: " + e.getMessage()));
            printVin(session, out, err);
            out.printf("supported  %s%n", pids);
            printOdometer(session, pids, out, err);
            out.println("live");
            for (ObdPid pid : ObdPid.values()) {
                if (pid != ObdPid.ODOMETER && pids.supports(pid)) {
                    out.printf("  %-32s %s%n", pid.kind(), value(session, pid, err));
                }
            }
            out.flush();
            return 0;
        } catch (Elm327Exception e) {
            err.println("obd probe: " + e.getMessage());
        } catch (IOException e) {
            err.println("obd probe: " + (e.getMessage() != null && e.getMessage().contains(port) ? e.getMessage()
                    : port + ": " + e));
        } catch (IllegalArgumentException e) {
            err.println("obd probe: bad port '" + port + "': " + e.getMessage());
        }
        err.flush();
        return 1;
    }

    private void printVin(Elm327Session session, PrintWriter out, PrintWriter err)
            throws IOException, Elm327Exception, InterruptedException {
        try {
            Vin vin = ObdDiscovery.vin(session);
            if (vin == null) {
                out.println("VIN        not reported (service 09 PID 02 unsupported)");
            } else {
                out.printf("VIN        %s (check digit %s)%n", vin.value(),
                        vin.checkDigit().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            }
        } catch (ObdReplyException e) {
            out.println("VIN        INVALID");
            err.println("obd probe: " + port + ": " + e.getMessage());
        }
    }

    private void printOdometer(Elm327Session session, SupportedPids pids, PrintWriter out, PrintWriter err)
            throws IOException, Elm327Exception, InterruptedException {
        if (!pids.supports(ObdPid.ODOMETER)) {
            out.println("odometer   NOT usable: PID A6 unsupported by this vehicle; mileage cannot be certified "
                    + "(distance since codes cleared, PID 31, is not an odometer)");
            return;
        }
        String v = value(session, ObdPid.ODOMETER, err);
        out.printf("odometer   usable (PID A6): %s%n", v);
    }

    private String value(Elm327Session session, ObdPid pid, PrintWriter err)
            throws IOException, Elm327Exception, InterruptedException {
        try {
            ObdReply reply = session.query(pid.request());
            if (reply instanceof ObdReply.Data d) {
                ReadingValue v = pid.decode(d.responses().get(0), d.toString());
                return v + " " + pid.unit();
            }
            if (reply instanceof ObdReply.Condition c) {
                return c.condition().text();
            }
            return "refused (NRC " + String.format("%02X", ((ObdReply.Negative) reply).responseCode()) + ")";
        } catch (ObdReplyException e) {
            err.println("obd probe: " + port + ": PID " + pid + ": " + e.getMessage());
            return "malformed reply";
        }
    }
}
