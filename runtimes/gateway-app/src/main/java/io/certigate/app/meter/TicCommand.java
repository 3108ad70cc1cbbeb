package io.certigate.app.meter;

import picocli.CommandLine.Command;

/** {@code certigate tic}: technician commands for a Linky meter's TIC output. */
@Command(name = "tic", mixinStandardHelpOptions = true, description = "Read a Linky meter's TIC (teleinformation) output.",
        subcommands = {TicReadCommand.class})
public final class TicCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
