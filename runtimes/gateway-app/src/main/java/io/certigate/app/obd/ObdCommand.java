package io.certigate.app.obd;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code certigate obd}: technician tools for OBD-II adapters. */
@Command(name = "obd", mixinStandardHelpOptions = true, description = "Probe or simulate an OBD-II (ELM327) adapter.",
        subcommands = {ObdProbeCommand.class, ObdSimulateCommand.class})
public final class ObdCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
