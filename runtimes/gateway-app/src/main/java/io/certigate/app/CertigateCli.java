package io.certigate.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code certigate} command line. */
@Command(name = "certigate", mixinStandardHelpOptions = true, versionProvider = CertigateVersion.class,
        scope = CommandLine.ScopeType.INHERIT, // -h and -V, with this version, on every subcommand
        description = "Certified readings at the origin: sign, buffer, forward and anchor gateway data.",
        subcommands = {
            CommandLine.HelpCommand.class,
            io.certigate.app.run.RunCommand.class,
            io.certigate.app.demo.DemoCommand.class,
            io.certigate.app.spine.VerifyCommand.class,
            io.certigate.app.fleet.FleetCommand.class,
            io.certigate.app.spine.ExportCommand.class,
            io.certigate.app.spine.EraseCommand.class,
            io.certigate.app.report.ReportCommand.class,
            io.certigate.app.report.RoadMapCommand.class,
            io.certigate.app.spine.KeyCommand.class,
            io.certigate.app.bench.BenchCommand.class,
            io.certigate.app.obd.ObdCommand.class,
            io.certigate.app.anchor.AnchorCommand.class,
            io.certigate.app.anchor.ProofCommand.class,
            io.certigate.app.consent.ConsentCommand.class,
            io.certigate.app.consumer.ConsumerCommand.class,
            io.certigate.app.provision.CaCommand.class,
            io.certigate.app.provision.ProvisionCommand.class,
            io.certigate.app.provision.DecommissionCommand.class,
            io.certigate.app.provision.EnrolCommand.class,
            io.certigate.app.provision.TrustCommand.class,
            io.certigate.app.meter.TicCommand.class,
            io.certigate.app.meter.RfidCommand.class,
            io.certigate.app.gnss.GnssCommand.class,
            io.certigate.app.uplink.CollectCommand.class,
        })
public final class CertigateCli implements Runnable {
    /** The root help's footer: how to see more or less of the logs (ConsoleLogging). */
    static final String[] LOGGING_HELP = {"", "Logging goes to standard error as 'HH:mm:ss.SSS LEVEL Logger: message':"
        + " certigate's own from INFO, the libraries' (Californium, web3j, Moquette, Paho) from WARNING."
        + " CERTIGATE_LOG_VERBOSE=true shows the libraries' INFO as well; CERTIGATE_LOG_FILE=FILE also appends"
        + " everything to FILE."};

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
        cl.setHelpFactory(WholeWordHelp::new);
        // set here, not in the annotation, whose attributes every subcommand inherits
        cl.getCommandSpec().usageMessage().footer(LOGGING_HELP);
        // picocli's help command has its own -h; -V as on every other command
        cl.getSubcommands().get("help").getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-V", "--version")
                .versionHelp(true).description("Print version information and exit.").build());
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
