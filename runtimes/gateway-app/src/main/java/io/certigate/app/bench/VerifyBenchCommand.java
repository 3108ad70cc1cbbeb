package io.certigate.app.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate bench verify}: the verifier's rate on a large export against the raw signature
 * verification rate of the same key type, in the same run. The last line is {@code key=value} pairs.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Measure 'certigate verify' on a large generated export (Ed25519 odometer readings).",
            "Rounds alternate the raw Ed25519 verification rate on one thread (Bouncy Castle, key parsed once, the COSE"
                + " Sig_structure of a reading), the verifier on one thread and the verifier on all cores; ratios are the"
                + " medians of the rounds'. The heap in use after each garbage collection is followed throughout.",
            "Run it pinned to one core (taskset -c 1) for verify_ratio_1core, unpinned for verify_speedup; with -Xmx64m"
                + " and --records 1000000 for the constant-memory figure.",
            "Last line: key=value pairs (raw_verify_rate, verify_rate_1thread, verify_ratio_1core, verify_speedup,"
                + " heap_after_gc_max_mb, ...)."})
public final class VerifyBenchCommand implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "200000", description = "Records in the generated export (default 200000).")
    long records;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds (default 3).")
    int rounds;

    @Option(names = "--threads", description = "Threads of the all-cores phase (default: one per core).")
    Integer threads;

    @Option(names = "--dir", description = "Work directory, where the export is written and kept (default: a temp dir, deleted).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        return BenchRun.run(dir, "certigate-bench-verify-", work -> new VerifyBench(records, rounds, n, System.out).run(work));
    }
}
