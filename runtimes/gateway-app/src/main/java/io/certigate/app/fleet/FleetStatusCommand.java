package io.certigate.app.fleet;

import io.certigate.fleet.status.FleetLag;
import io.certigate.fleet.status.PartitionLag;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.topics.FleetTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet status --config F}: how far each stage is behind (lag per partition of the
 * verification and of the store, from the cluster's committed offsets) and, when the configuration
 * names the store, what it holds (devices, records, findings by type).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the fleet's lag per partition (verification and store consumer groups) and, with a store"
                + " in the configuration, its devices, records and findings by type."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:shown", "2:bad configuration, or the cluster or the store did not answer"})
public final class FleetStatusCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "A fleet instance's properties file.")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetConfig cfg;
        try {
            cfg = FleetConfig.load(config);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet status: " + e.getMessage());
            return 2;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
            FleetLag lag = new FleetLag(admin, 15_000);
            out.println("stage   group                          topic                partition  committed        end   lag");
            long total = 0;
            total += print(out, "verify", lag.lag(cfg.verify().applicationId(), List.of(FleetTopics.RECORDS)));
            StoreOptions store = cfg.store() != null ? cfg.store() : null;
            if (store != null) {
                total += print(out, "store", lag.lag(store.group(), List.of(FleetTopics.VERIFIED, FleetTopics.FINDINGS)));
            }
            out.println("lag: " + total + " records in all");
            if (store != null) {
                FleetStore fs = new FleetStore(store.connector());
                out.println("store: " + fs.countDevices() + " devices, " + fs.countRecords() + " records");
                StringBuilder f = new StringBuilder("findings:");
                fs.countFindingsByType().forEach((t, n) -> f.append(' ').append(t.code()).append('=').append(n));
                out.println(f.length() == "findings:".length() ? "findings: none" : f.toString());
            }
            return 0;
        } catch (FleetLag.FleetStatusException | SQLException | org.apache.kafka.common.KafkaException e) {
            err.println("fleet status: " + e.getMessage() + (e.getCause() != null && e.getCause() != e
                    ? " (" + e.getCause().getMessage() + ")" : ""));
            return 2;
        }
    }

    private static long print(PrintWriter out, String stage, List<PartitionLag> lags) {
        long sum = 0;
        for (PartitionLag l : lags) {
            out.printf("%-7s %-30s %-20s %9d %10s %10d %5d%n", stage, l.group(), l.topic(), l.partition(),
                    l.committed() < 0 ? "-" : Long.toString(l.committed()), l.end(), l.lag());
            sum += l.lag();
        }
        return sum;
    }
}
