package io.certigate.app.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate bench coldstart}: launch of {@code certigate run} to its first committed reading,
 * median of the rounds, with the device key's load time. The last line is {@code key=value} pairs.
 */
@Command(name = "coldstart", mixinStandardHelpOptions = true,
        description = {"Measure the cold start of `certigate run`: launch to the first committed reading.",
            "A synthetic source runs in --rounds fresh processes, each stopped by SIGTERM; the median is reported.",
            "The key store's load time is measured in a fresh JVM as well.",
            "With --baseline-jar, an earlier build is measured in alternate rounds.",
            "Last line: key=value pairs (coldstart_ms_median, key_load_ms_median, ...)."})
public final class ColdStartCommand implements Callable<Integer> {
    @Option(names = "--rounds", defaultValue = "3", description = "Processes launched (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--baseline-jar", description = "An earlier build's certigate.jar, measured in alternate rounds.")
    Path baselineJar;

    @Option(names = "--java-opts", defaultValue = "-Xmx64m",
            description = "JVM options of the launched gateway (default: ${DEFAULT-VALUE}, as docs/certigate.service).")
    String javaOpts;

    @Option(names = "--dir", description = "Work directory (default: a temp dir, deleted).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            System.err.println("bench coldstart: --rounds = " + rounds + " must be at least 1");
            return 2;
        }
        return BenchRun.run(dir, "certigate-bench-coldstart-",
                work -> new ColdStartBench(baselineJar, javaOpts, rounds, System.out).run(work));
    }
}
