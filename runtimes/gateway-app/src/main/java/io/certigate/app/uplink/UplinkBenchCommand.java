package io.certigate.app.uplink;

import io.certigate.app.bench.UplinkBench;
import io.certigate.testbed.mqtt.MosquittoBroker;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code certigate bench uplink}: store-and-forward MQTT throughput (buffer read, QoS 1 publish,
 * delivery marking) against plain Paho publishing of the same payloads, in one run. Without
 * {@code --mqtt} it starts a loopback Mosquitto of its own. The last line is {@code key=value}
 * pairs ending with {@code uplink_ratio=}.
 */
@Command(name = "uplink", mixinStandardHelpOptions = true,
        description = {"Measure the MQTT uplink's throughput with delivery marking against plain Paho.",
            "Last line: key=value pairs ending with uplink_ratio."})
public final class UplinkBenchCommand implements Callable<Integer> {

    @Option(names = "--mqtt", paramLabel = "URL", description = "Broker to use; default: a loopback Mosquitto started for the run.")
    String url;

    @Option(names = "--records", defaultValue = "1000000", description = "Records to publish in the measured rounds "
            + "(default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--batch", defaultValue = "100", description = "Records per message (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--window", defaultValue = "32", description = "QoS 1 messages in flight (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds, alternating uplink and plain (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "6", description = "Rounds of the same size run first and not counted, "
            + "so that both sides run JIT-compiled code: the uplink's per-batch code is compiled after about "
            + "10,000 batches (default: ${DEFAULT-VALUE}).")
    int warmups;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("certigate-bench-uplink");
        MosquittoBroker broker = null;
        try {
            String target = url;
            if (target == null) {
                try {
                    broker = MosquittoBroker.start(work.resolve("broker"));
                } catch (IllegalStateException e) {
                    spec.commandLine().getErr().println("bench uplink: " + e.getMessage() + "; or pass --mqtt URL");
                    return 2;
                }
                target = broker.url();
            }
            PrintStream progress = new PrintStream(System.err, true);
            UplinkBench.Result r = UplinkBench.run(target, work, records, batch, window, rounds, warmups, progress);
            out.println(r.line());
            out.flush();
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
