package io.certigate.app.bench;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Measures the verifier in one run: a generated export of a device's Ed25519-signed odometer
 * readings (gateway-core's ExportWriter, as the gateway writes it), verified by the CLI's path
 * (streaming reader, ChainVerifier) on one thread and on all cores, alternating with the raw Ed25519
 * verification rate on one thread; the heap after each collection is followed throughout.
 */
final class VerifyBench {
    /** Exports at least this large get no separate warm-up pass. */
    private static final long WARM_UP_PASS_BELOW = 100_000;
    private final long records;
    private final int rounds;
    private final int threads;
    private final PrintStream out;

    VerifyBench(long records, int rounds, int threads, PrintStream out) {
        this.records = records;
        this.rounds = rounds;
        this.threads = threads;
        this.out = out;
    }

    Map<String, String> run(Path work) throws Exception {
        MemoryBench.listenToCollections();
        DeviceKey key = Pkcs12KeyStore.create(work.resolve("bench.p12"), CoseAlgorithm.EDDSA, "gw-verify",
                "bench-only-passphrase".toCharArray());
        Path export = work.resolve("export.json");
        long t0 = System.nanoTime();
        GeneratedExport.write(export, key, "gw-verify", records, SpineBench::reading);
        out.printf("generated %,d records (%,d bytes) in %.1f s%n", records, Files.size(export), (System.nanoTime() - t0) / 1e9);

        RawVerify raw = new RawVerify(key);
        raw.loop(2_000_000_000L); // warm-up
        if (records < WARM_UP_PASS_BELOW) {
            verify(export, null, 1); // a long pass warms itself up within its first seconds
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        double[] rawRates = new double[rounds];
        double[] oneRates = new double[rounds];
        double[] allRates = new double[rounds];
        double[] ratios = new double[rounds];
        double[] speedups = new double[rounds];
        try {
            for (int k = 0; k < rounds; k++) {
                rawRates[k] = raw.loop(3_000_000_000L);
                oneRates[k] = verify(export, null, 1);
                allRates[k] = pool == null ? oneRates[k] : verify(export, pool, threads);
                ratios[k] = oneRates[k] / rawRates[k];
                speedups[k] = allRates[k] / oneRates[k];
                out.printf("round %d: raw Ed25519 verify %.0f/s, verifier 1 thread %.0f/s (ratio %.3f), %d threads %.0f/s"
                        + " (speed-up %.2f), heap after GC so far %.1f MB%n", k + 1, rawRates[k], oneRates[k], ratios[k],
                        threads, allRates[k], speedups[k], maxAfterGc);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        Map<String, String> r = new LinkedHashMap<>();
        r.put("records", Long.toString(records));
        r.put("export_mb", String.format("%.1f", Files.size(export) / 1048576.0));
        r.put("raw_verify_rate", String.format("%.0f", median(rawRates)));
        r.put("verify_rate_1thread", String.format("%.0f", median(oneRates)));
        r.put("verify_ratio_1core", String.format("%.3f", median(ratios)));
        r.put("threads", Integer.toString(threads));
        r.put("verify_rate_all", String.format("%.0f", median(allRates)));
        r.put("verify_speedup", String.format("%.2f", median(speedups)));
        r.put("heap_after_gc_max_mb", String.format("%.1f", Math.max(maxAfterGc, MemoryBench.heapAfterGcMb())));
        r.put("heap_max_mb", String.format("%.0f", Runtime.getRuntime().maxMemory() / 1048576.0));
        return r;
    }

    private double maxAfterGc;

    /** One verification of the whole export, as {@code certigate verify} runs it; returns records per second. */
    private double verify(Path export, ExecutorService pool, int n) throws Exception {
        long t0 = System.nanoTime();
        VerificationReport report;
        try (ExportReader reader = ExportReader.open(export)) {
            report = new Verifier(SignatureVerifier.BOUNCY_CASTLE, pool, n).export(reader,
                    e -> maxAfterGc = Math.max(maxAfterGc, MemoryBench.heapAfterGcMb()));
        }
        double rate = report.records() / ((System.nanoTime() - t0) / 1e9);
        if (!report.ok() || report.verified() != records) {
            throw new IllegalStateException("the generated export did not verify: " + report.verdict().failures());
        }
        return rate;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
