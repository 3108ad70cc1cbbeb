package io.certigate.app.anchor;

import io.certigate.app.bench.BenchRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code certigate bench anchor}: gas and Merkle figures in one run on a local anvil dev chain; with
 * {@code --fleet}, the ledger load of aggregated anchoring ({@link FleetAnchorBench}).
 * The last line is {@code key=value} pairs (gas_per_reading_1m, merkle_ratio, ...).
 */
@Command(name = "anchor", mixinStandardHelpOptions = true,
        description = {"Measure the cost of anchoring on a local anvil dev chain.",
            "The figures: gas per anchor transaction, gas per reading for batches of 1k, 100k and 1M readings, the Merkle"
                + " build rate against raw SHA-256 and the proof verification rate.",
            "With --fleet: the fleet aggregator (aggregated anchoring) over PostgreSQL for each --devices count, each"
                + " device sending one statement over --records new records per 10-minute interval (virtual time),"
                + " --intervals intervals then one with nothing new: the fleet's ledger transactions per hour (from its"
                + " nonce and Anchored events), gas per fleet transaction and per reading, every receipt verified, and"
                + " the check step's time per statement against raw Ed25519 verification on one thread. Statements go"
                + " straight into the aggregator's inbox: the Kafka/MQTT transport is what 'bench fleet' measures."
                + " Needs PostgreSQL installed (scripts/install-deps).",
            "Last line: key=value pairs (gas_per_reading_1m, merkle_ratio, ...; with --fleet tx_per_hour_<n>,"
                + " gas_per_reading_<n>, check_ratio_<n>, ...)."})
public final class AnchorBenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Fewer repetitions: finishes within a few minutes (not with --fleet).")
    boolean quick;

    @Option(names = "--fleet", description = "Measure aggregated anchoring through the fleet aggregator instead.")
    boolean fleet;

    @Option(names = "--devices", paramLabel = "N,N,...", defaultValue = "100,1000,10000",
            description = "With --fleet: the device counts, comma-separated, one round each (default ${DEFAULT-VALUE}).")
    String devices;

    @Option(names = "--intervals", paramLabel = "K", defaultValue = "3",
            description = "With --fleet: intervals with new statements per device count (default ${DEFAULT-VALUE}).")
    int intervals;

    @Option(names = "--records", paramLabel = "R", defaultValue = "10",
            description = "With --fleet: new records per device and interval, the readings a statement covers"
                    + " (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--dir", description = "Work directory (default: a temp dir, deleted).")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var parsed = spec.commandLine().getParseResult();
        List<String> fleetOnly = List.of("--devices", "--intervals", "--records");
        if (fleet && parsed.hasMatchedOption("--quick")
                || !fleet && fleetOnly.stream().anyMatch(parsed::hasMatchedOption)) {
            System.err.println("bench anchor: --devices, --intervals and --records apply only with --fleet, --quick only"
                    + " without it");
            return 2;
        }
        if (fleet) {
            List<Integer> counts = counts(devices);
            if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1) || intervals < 1 || records < 1) {
                System.err.println("bench anchor --fleet: --devices (numbers separated by commas), --intervals and"
                        + " --records must be at least 1");
                return 2;
            }
            FleetAnchorBench.Options o = new FleetAnchorBench.Options(counts, intervals, records, Duration.ofMinutes(10));
            return BenchRun.run(dir, "certigate-bench-anchor-fleet-", work -> new FleetAnchorBench(o, System.out).run(work));
        }
        return BenchRun.run(dir, "certigate-bench-anchor-", work -> new AnchorBench(quick, System.out).run(work));
    }

    /** {@code "100,1000"} as numbers; empty when a part is not a number. */
    private static List<Integer> counts(String list) {
        List<Integer> out = new java.util.ArrayList<>();
        for (String part : list.split(",", -1)) {
            try {
                out.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                return List.of();
            }
        }
        return out;
    }
}
