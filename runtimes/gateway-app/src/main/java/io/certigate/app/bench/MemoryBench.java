package io.certigate.app.bench;

import io.certigate.app.DurationConverter;
import io.certigate.app.anchor.DemoAnchoring;
import io.certigate.app.demo.DemoScenario;
import io.certigate.app.demo.DemoUplink;
import io.certigate.app.demo.SyntheticLoadScenario;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate bench memory}: runs the standalone runtime at a fixed rate for a long time and
 * samples the heap after each garbage collection (the collectors' own "collection usage"). Run it
 * with {@code -Xmx64m}; the last line gives {@code heap_after_gc_max_mb}.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Run the runtime at a fixed rate and report the heap used after garbage collection.",
            "The runtime is the spine, the MQTT uplink to an embedded broker with a collector and the anchoring on a"
                + " dev chain (default 1000 readings/s for 10m)."})
public final class MemoryBench implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "1000", description = "Readings per second (default 1000).")
    int rate;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long to run before measuring (default 10m).")
    Duration duration;

    @Option(names = "--spine-only", description = "Without the uplink (embedded broker + collector) and anchoring (dev chain).")
    boolean spineOnly;

    @Override
    public Integer call() throws Exception {
        listenToCollections();
        Path work = Files.createTempDirectory("certigate-membench-");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        double maxAfterGc = 0;
        long committed;
        try (Spine spine = Spine.open(Pkcs12KeyStore.create(work.resolve("k.p12"), CoseAlgorithm.EDDSA, "gw-mem",
                "bench-only-passphrase".toCharArray()), work.resolve("buffer.db"), RecordBuffer.Options.defaults("gw-mem"),
                Sequencer.Options.DEFAULT, Clock.systemUTC(), writer);
                DemoAnchoring anchoring = spineOnly ? null
                        : DemoAnchoring.start(work, spine.buffer(), spine.sequencer(), System.out);
                DemoUplink uplink = spineOnly ? null : DemoUplink.start(null, work, Clock.systemUTC(), scheduler)) {
            if (uplink != null) {
                uplink.attach(spine.buffer(), spine.sequencer(), spine.key());
            }
            DemoScenario.Context ctx = new DemoScenario.Context(spine, work, Clock.systemUTC(), scheduler, System.out);
            try (AutoCloseable load = new SyntheticLoadScenario(rate).start(ctx)) {
                long end = System.nanoTime() + duration.toNanos();
                long nextReport = System.nanoTime();
                while (System.nanoTime() < end) {
                    Thread.sleep(1000);
                    maxAfterGc = Math.max(maxAfterGc, heapAfterGcMb());
                    if (System.nanoTime() >= nextReport) {
                        System.out.printf("t=%ds committed=%d heap_after_gc=%.1f MB max=%.1f MB%n",
                                duration.toSeconds() - (end - System.nanoTime()) / 1_000_000_000L,
                                spine.sequencer().committedCount(), heapAfterGcMb(), maxAfterGc);
                        nextReport += 30_000_000_000L;
                    }
                }
            }
            committed = spine.sequencer().committedCount();
            if (uplink != null) {
                // the collector's full report verifies every record it holds in memory: a reference
                // tool's job, not the gateway's, so the bench reports what the gateway saw
                System.out.println("uplink: " + (committed - spine.buffer().stats().undelivered())
                        + " records delivered to the broker, " + spine.buffer().stats().undelivered() + " still buffered");
            }
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
            BenchRun.delete(work);
        }
        System.out.printf("rate=%d duration_s=%d committed=%d achieved_rate=%.0f heap_after_gc_max_mb=%.1f heap_max_mb=%.0f%n",
                rate, duration.toSeconds(), committed, committed / (double) duration.toSeconds(), maxAfterGc,
                Runtime.getRuntime().maxMemory() / 1048576.0);
        return 0;
    }

    private static volatile double lastAfterGcMb;

    /** Heap in use right after the most recent collection (all heap pools), from GC notifications. */
    static double heapAfterGcMb() {
        return lastAfterGcMb;
    }

    /** Listens to every collector: after each GC, sums the heap pools' usage after that GC. */
    static void listenToCollections() {
        java.util.Set<String> heapPools = new java.util.HashSet<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
            }
        }
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((javax.management.NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    return;
                }
                var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                        (javax.management.openmbean.CompositeData) n.getUserData());
                long used = 0;
                for (java.util.Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                lastAfterGcMb = used / 1048576.0;
            }, null, null);
        }
    }
}
