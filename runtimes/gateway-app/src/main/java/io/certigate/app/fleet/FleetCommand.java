package io.certigate.app.fleet;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code certigate fleet}: the fleet tier on Apache Kafka and PostgreSQL. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"The fleet tier: receives what many gateways forward over MQTT, verifies it on Apache Kafka"
                + " (Kafka Streams, exactly once) and stores it in PostgreSQL, queryable by subject.",
            "Run one instance per role or all roles in one process; instances with the same configuration share the work."},
        subcommands = {FleetRunCommand.class, FleetStatusCommand.class, FleetPassportCommand.class, FleetRoadMapCommand.class,
            FleetEraseSubjectCommand.class, FleetEraseCopyCommand.class,
            FleetDemoCommand.class, FleetSubjectCommand.class})
public final class FleetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
