package io.certigate.app.fleet;

import io.certigate.app.bench.BenchRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate bench fleet}: the fleet tier's throughput per core of fleet CPU against the raw
 * Ed25519 verification rate, end-to-end latency at a fixed offered load, recovery after a kill -9
 * and scale-out from one instance to two, measured in one run. The last line is {@code key=value} pairs.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Measure the fleet tier on this machine: 3 Kafka brokers, PostgreSQL and Mosquitto, fleet instances"
                + " as 'certigate fleet run' processes of their own, simulated gateways publishing pre-generated signed"
                + " records.",
            "Phases: raw Ed25519 verifications per CPU second of one thread; --records published as fast as taken to one instance, then"
                + " to two (stored records/s, CPU seconds of the instances, records per CPU second against the raw rate);"
                + " --seconds at --rate offered records/s (latency from each batch's send until its rows are visible in"
                + " PostgreSQL, p50/p99); kill -9 of one of the two instances, restarted at once, under load at half the"
                + " two instances' throughput (time until the consumer lag settled back at its level before the kill, and at"
                + " most 2 s of load).",
            "Needs mosquitto and PostgreSQL installed (scripts/install-deps). Takes a few minutes with the defaults.",
            "Last line: key=value pairs (raw_verify_per_cpu_s, fleet_ratio_1inst, stored_rate_1inst, stored_rate_2inst, e2e_p99_ms, kept_up,"
                + " recovery_ms, ...)."})
public final class FleetBenchCommand implements Callable<Integer> {
    @Option(names = "--gateways", paramLabel = "N", defaultValue = "100", description = "Simulated gateways (default ${DEFAULT-VALUE}).")
    int gateways;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "5000",
            description = "Records per second offered in the latency phase (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--records", paramLabel = "N", defaultValue = "40000",
            description = "Records of each throughput phase, one and two instances (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "20",
            description = "Length of the latency phase (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "25", description = "Records per uplink batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--recovery-seconds", paramLabel = "S", defaultValue = "90",
            description = "How long the lag is watched after the kill; 0 leaves the recovery out (default ${DEFAULT-VALUE}).")
    int recoverySeconds;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting of every fleet instance's configuration (repeatable), to measure a tuning: KEY is"
                    + " a fleet key of docs/configuration.md, a Kafka Streams property under fleet.verify.kafka.streams.*"
                    + " for instance.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--dir", description = "Work directory (default: a temp dir, deleted).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (gateways < 1 || rate < 1 || records < 1 || seconds < 1 || batch < 1 || recoverySeconds < 0) {
            System.err.println("bench fleet: --gateways, --rate, --records, --seconds and --batch must be at least 1,"
                    + " --recovery-seconds at least 0");
            return 2;
        }
        for (String key : settings.keySet()) {
            if (FleetConfig.ALL.stream().noneMatch(x -> x.matches(key))) {
                System.err.println("bench fleet: --set " + key + ": not a setting of a fleet configuration"
                        + " (docs/configuration.md lists them)");
                return 2;
            }
        }
        FleetBench.Options o = new FleetBench.Options(gateways, rate, records, seconds, batch, recoverySeconds,
                Map.copyOf(settings));
        return BenchRun.run(dir, "certigate-bench-fleet-", work -> new FleetBench(o, System.out).run(work));
    }
}
