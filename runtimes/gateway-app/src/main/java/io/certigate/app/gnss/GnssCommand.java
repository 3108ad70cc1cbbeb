package io.certigate.app.gnss;

import picocli.CommandLine.Command;

/** {@code certigate gnss}: technician commands for a GNSS receiver. */
@Command(name = "gnss", mixinStandardHelpOptions = true,
        description = "Read a GNSS receiver (NMEA 0183 on a serial port) or a running gpsd.",
        subcommands = {GnssReadCommand.class})
public final class GnssCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
