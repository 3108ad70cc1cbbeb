package io.certigate.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code certigate} command line. */
@Command(name = "certigate", mixinStandardHelpOptions = true, version = "certigate 0.1.0",
        description = "Certified readings at the origin: sign, buffer, forward and anchor gateway data.",
        subcommands = {
            CommandLine.HelpCommand.class,
            io.certigate.app.run.RunCommand.class,
            io.certigate.app.demo.DemoCommand.class,
            io.certigate.app.spine.VerifyCommand.class,
            io.certigate.app.spine.ExportCommand.class,
            io.certigate.app.spine.EraseCommand.class,
            io.certigate.app.report.ReportCommand.class,
            io.certigate.app.spine.KeyCommand.class,
            io.certigate.app.bench.BenchCommand.class,
            io.certigate.app.obd.ObdCommand.class,
            io.certigate.app.anchor.AnchorCommand.class,
            io.certigate.app.anchor.ProofCommand.class,
            io.certigate.app.provision.CaCommand.class,
            io.certigate.app.provision.ProvisionCommand.class,
            io.certigate.app.provision.DecommissionCommand.class,
            io.certigate.app.provision.EnrolCommand.class,
            io.certigate.app.provision.TrustCommand.class,
            io.certigate.app.meter.TicCommand.class,
            io.certigate.app.meter.RfidCommand.class,
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
        ConsoleLogging.installFromEnvironment();
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: errors name the bad option or value, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CertigateCli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
            if (Boolean.getBoolean("certigate.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }
}
