package io.certigate.app.fleet;

import io.certigate.app.run.StopSignal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet run --config F}: one fleet instance, until it is stopped (SIGTERM or
 * Ctrl-C: each stage finishes what it holds, then the process exits 0).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a fleet instance: the roles named by fleet.roles in the configuration (ingest, verify,"
                + " store; all three by default), until stopped.",
            "The fleet topics are created when missing. Settings: docs/configuration.md (fleet.*)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped on request", "2:bad configuration, or a role could not start"})
public final class FleetRunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The instance's properties file.")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetConfig cfg;
        try {
            cfg = FleetConfig.load(config);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet run: " + e.getMessage());
            return 2;
        }
        StopSignal signal = StopSignal.forThisJvm();
        if (!signal.install()) {
            return 0;
        }
        int status = 2;
        try {
            FleetNode node;
            try {
                node = FleetNode.start(cfg, Clock.systemUTC());
            } catch (FleetNode.FleetStartException e) {
                err.println("fleet run: " + e.getMessage());
                return 2;
            }
            try (node) {
                out.println("fleet run: " + cfg.roles().stream().map(FleetConfig.Role::code).collect(Collectors.joining(","))
                        + " on " + cfg.bootstrapServers() + (node.createdTopics().isEmpty() ? ""
                                : "; created topics " + String.join(", ", node.createdTopics()))
                        + (node.metricsPort() >= 0 ? "; metrics on http://" + cfg.metricsAddress() + ":" + node.metricsPort()
                                + "/metrics" : ""));
                out.flush();
                signal.await();
                out.println("fleet run: stopping");
                out.flush();
            }
            status = 0;
            return status;
        } finally {
            signal.finish(status);
            signal.uninstall();
        }
    }
}
