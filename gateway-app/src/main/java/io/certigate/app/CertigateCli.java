package io.certigate.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code certigate} command line. */
@Command(name = "certigate", mixinStandardHelpOptions = true, version = "certigate 0.1.0",
        description = "Certified readings at the origin: sign, buffer, forward and anchor gateway data.",
        subcommands = {
            CommandLine.HelpCommand.class,
            io.certigate.app.uplink.CollectCommand.class,
        })
public final class CertigateCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CertigateCli()).execute(args));
    }
}
