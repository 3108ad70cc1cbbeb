package io.certigate.app.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate bench}: the spine's figures measured in one run. The last line is
 * {@code key=value} pairs for scripts. Run it pinned to one core ({@code taskset -c 0}) and within
 * {@code -Xmx64m} to reproduce BENCHMARKS.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {MemoryBench.class, ColdStartCommand.class, io.certigate.app.anchor.AnchorBenchCommand.class,
            io.certigate.app.uplink.UplinkBenchCommand.class, VerifyBenchCommand.class,
            io.certigate.app.fleet.FleetBenchCommand.class},
        description = {"Measure signing, durable ingest, ack latency, bytes per reading and heap in one run.",
            "Last line: key=value pairs (ingest_ratio, ack_p99_ms, bytes_per_reading, ...)."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Short phases: finishes within 60 s.")
    boolean quick;

    @Option(names = "--dir", description = "Where the bench writes its key and buffers (default: a temp dir, deleted).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        return BenchRun.run(dir, "certigate-bench-", work -> new SpineBench(quick, System.out).run(work));
    }
}
