package io.certigate.app.anchor;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate bench anchor}: gas and Merkle figures in one run on a local anvil dev chain.
 * The last line is {@code key=value} pairs (gas_per_reading_1m, merkle_ratio, ...).
 */
@Command(name = "anchor", mixinStandardHelpOptions = true,
        description = {"Measure the cost of anchoring on a local anvil dev chain.",
            "The figures: gas per anchor transaction, gas per reading for batches of 1k, 100k and 1M readings, the Merkle"
                + " build rate against raw SHA-256 and the proof verification rate.",
            "Last line: key=value pairs (gas_per_reading_1m, merkle_ratio, ...)."})
public final class AnchorBenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Fewer repetitions: finishes within a few minutes.")
    boolean quick;

    @Option(names = "--dir", description = "Work directory (default: a temp dir, deleted).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        return io.certigate.app.bench.BenchRun.run(dir, "certigate-bench-anchor-", work -> new AnchorBench(quick, System.out).run(work));
    }
}
