package io.certigate.app.meter;

import picocli.CommandLine.Command;

/** {@code certigate rfid}: technician commands for RFID readers. */
@Command(name = "rfid", mixinStandardHelpOptions = true, description = "Read the tags an RFID reader reports.",
        subcommands = {RfidReadCommand.class})
public final class RfidCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
