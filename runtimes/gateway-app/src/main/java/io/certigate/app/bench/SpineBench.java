package io.certigate.app.bench;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.simulators.load.LoadGenerator;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures the spine in one run: raw signing rate of a key, the signed-and-durably-committed ingest
 * rate with the same key, their ratio, acknowledgement latency at a fixed offered rate, bytes on
 * disk per reading, heap used, and ES256 with Bouncy Castle against the JDK's SunEC.
 */
public final class SpineBench {
    private final Duration phase;
    private final Duration warmup;
    private final PrintStream out;

    public SpineBench(boolean quick, PrintStream out) {
        this.phase = quick ? Duration.ofSeconds(4) : Duration.ofSeconds(15);
        this.warmup = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
        this.out = out;
    }

    static Reading reading(long i) {
        return new Reading(1_763_000_000_000L + i * 100, TimeQuality.GNSS, "obd", "vehicle.odometer",
                "VF1RFB00X57177144", ReadingValue.of(BigDecimal.valueOf(1_234_567 + i / 50, 1)), "km");
    }

    public Map<String, String> run(Path work) throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        char[] pass = "bench-only-passphrase".toCharArray();
        DeviceKey ed = Pkcs12KeyStore.create(work.resolve("ed.p12"), CoseAlgorithm.EDDSA, "gw-bench", pass);

        // signing and ingest alternate in short rounds so that both see the same machine load; the
        // ratio is the median of the per-round ratios
        double[] rates = interleaved(ed, work.resolve("ingest.db"), r);
        double sign = rates[0];
        double ingest = rates[1];
        double ratio = rates[2];
        double[] lat = latencyAt(ed, work.resolve("latency.db"), 1000);
        out.printf("ack latency at 1000/s offered: p50 %.2f ms, p99 %.2f ms%n", lat[0], lat[1]);

        DeviceKey es = Pkcs12KeyStore.create(work.resolve("es.p12"), CoseAlgorithm.ES256, "gw-bench", pass);
        // Bouncy Castle and SunEC alternate in rounds too; the ratio is the median of the rounds'
        Step bc = signStep(es);
        Step jdk = jdkEs256Step();
        loop(warmup, bc);
        loop(warmup, jdk);
        int rounds = phase.toSeconds() >= 10 ? 6 : 3;
        double[] bcRates = new double[rounds];
        double[] jdkRates = new double[rounds];
        double[] esRatios = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            bcRates[k] = loop(phase.dividedBy(rounds), bc);
            jdkRates[k] = loop(phase.dividedBy(rounds), jdk);
            esRatios[k] = bcRates[k] / jdkRates[k];
        }
        double esBc = median(bcRates);
        double esJdk = median(jdkRates);
        out.printf("ES256 signing: Bouncy Castle %.0f/s, JDK SunEC %.0f/s, ratio %.2f%n", esBc, esJdk, median(esRatios));

        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long max = Runtime.getRuntime().maxMemory();
        r.put("sign_rate", fmt(sign));
        r.put("ingest_rate", fmt(ingest));
        r.put("ingest_ratio", String.format("%.3f", ratio));
        r.put("ack_p50_ms", String.format("%.2f", lat[0]));
        r.put("ack_p99_ms", String.format("%.2f", lat[1]));
        r.put("es256_bc_rate", fmt(esBc));
        r.put("es256_jdk_rate", fmt(esJdk));
        r.put("es256_bc_vs_jdk", String.format("%.2f", median(esRatios)));
        r.put("heap_used_mb", String.format("%.1f", heap / 1048576.0));
        r.put("heap_max_mb", String.format("%.0f", max / 1048576.0));
        return r;
    }

    private static String fmt(double d) {
        return String.format("%.0f", d);
    }

    private static Step signStep(DeviceKey key) {
        byte[] prot = CoseSign1.protectedHeader(key);
        byte[][] tbs = new byte[64][];
        for (int i = 0; i < tbs.length; i++) {
            byte[] payload = ReadingCodec.encode(new ChainedReading("gw-bench", i + 1, new byte[32], new byte[16], reading(i)));
            tbs[i] = CoseSign1.sigStructure(prot, payload);
        }
        return n -> key.sign(tbs[(int) (n & 63)]);
    }

    private static Step jdkEs256Step() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        java.security.PrivateKey pk = g.generateKeyPair().getPrivate();
        byte[] msg = CoseSign1.sigStructure(new byte[8], ReadingCodec.encode(
                new ChainedReading("gw-bench", 1, new byte[32], new byte[16], reading(1))));
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        s.initSign(pk);
        return n -> {
            s.update(msg);
            s.sign();
        };
    }

    @FunctionalInterface
    interface Step {
        void run(long n) throws Exception;
    }

    private static double loop(Duration d, Step step) throws Exception {
        long end = System.nanoTime() + d.toNanos();
        long n = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            for (int k = 0; k < 64; k++) {
                step.run(n++);
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** {sign rate, ingest rate, median per-round ingest/sign ratio}, alternating phases. */
    private double[] interleaved(DeviceKey key, Path db, Map<String, String> r) throws Exception {
        int rounds = phase.toSeconds() >= 10 ? 6 : 3;
        Duration slice = phase.dividedBy(rounds);
        Step sign = signStep(key);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        long[] n = {0};
        double[] signRates = new double[rounds];
        double[] ingestRates = new double[rounds];
        try (Spine spine = Spine.open(key, db, RecordBuffer.Options.defaults("gw-bench"), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer)) {
            loop(warmup, sign);
            ingestFor(spine, warmup, n);
            for (int k = 0; k < rounds; k++) {
                signRates[k] = loop(slice, sign);
                ingestRates[k] = ingestFor(spine, slice, n);
            }
        } finally {
            writer.shutdownNow();
        }
        double[] ratios = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            ratios[k] = ingestRates[k] / signRates[k];
            out.printf("round %d: raw Ed25519 signing %.0f/s, signed + durably committed ingest %.0f/s, ratio %.3f%n",
                    k + 1, signRates[k], ingestRates[k], ratios[k]);
        }
        long bytes = Files.size(db) + (Files.exists(Path.of(db + "-wal")) ? Files.size(Path.of(db + "-wal")) : 0);
        r.put("bytes_per_reading", String.format("%.0f", (double) bytes / n[0]));
        out.printf("bytes on disk per reading: %.0f (%d readings, %d bytes)%n", (double) bytes / n[0], n[0], bytes);
        return new double[] {median(signRates), median(ingestRates), median(ratios)};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Submits as fast as one producer can for {@code d}; returns committed readings per second. */
    private static double ingestFor(Spine spine, Duration d, long[] n) throws Exception {
        long startSeq = spine.buffer().head().seq();
        long t0 = System.nanoTime();
        long end = t0 + d.toNanos();
        CompletableFuture<ReadingSink.Committed> last = null;
        while (System.nanoTime() < end) {
            last = spine.sequencer().submit(reading(n[0]++));
        }
        long lastSeq = last.get(30, TimeUnit.SECONDS).seq();
        return (lastSeq - startSeq) / ((System.nanoTime() - t0) / 1e9);
    }

    private double[] latencyAt(DeviceKey key, Path db, int perSecond) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        long[] lat = new long[(int) (perSecond * (phase.toSeconds() + warmup.toSeconds() + 5))];
        AtomicInteger count = new AtomicInteger();
        long measureFrom = System.nanoTime() + warmup.toNanos();
        try (Spine spine = Spine.open(key, db, RecordBuffer.Options.defaults("gw-bench"), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer);
                LoadGenerator gen = new LoadGenerator(spine.sequencer(), perSecond, SpineBench::reading, (f, t0) -> {
                    if (t0 >= measureFrom) {
                        f.thenRun(() -> {
                            int i = count.getAndIncrement();
                            if (i < lat.length) {
                                lat[i] = System.nanoTime() - t0;
                            }
                        });
                    }
                }, scheduler)) {
            Thread.sleep(warmup.plus(phase).toMillis());
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
        }
        int n = Math.min(count.get(), lat.length);
        long[] s = Arrays.copyOf(lat, n);
        Arrays.sort(s);
        return new double[] {s[n / 2] / 1e6, s[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6};
    }
}
