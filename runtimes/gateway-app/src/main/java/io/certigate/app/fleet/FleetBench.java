package io.certigate.app.fleet;

import io.certigate.app.bench.RawVerify;
import io.certigate.fleet.status.FleetLag;
import io.certigate.fleet.status.PartitionLag;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.testbed.KafkaCluster;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Properties;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * The fleet tier measured in one run on one machine: 3 Kafka brokers, PostgreSQL and Mosquitto as
 * processes of their own, each fleet instance a {@code certigate fleet run} JVM of its own (so its
 * CPU time is the fleet's alone), and pre-generated signed, chained records of simulated gateways
 * published by this JVM. Every phase sends the next batches of the same gateways, so each record is
 * new to the fleet. Phases:
 * <ol>
 * <li>raw Ed25519 verifications per second on one thread (the per-core reference);</li>
 * <li>one instance: warm-up, then {@code records} published as fast as the broker takes them, timed
 * from the first send until the last row is visible in PostgreSQL, with the instance's CPU time;</li>
 * <li>a second instance joins: the same with two;</li>
 * <li>end-to-end latency at a fixed offered rate: from each batch's send to the moment its rows are
 * visible in PostgreSQL (a poller reads each gateway's highest stored seq every 50 ms);</li>
 * <li>recovery: kill -9 of one of the two instances while the load goes on, restarted at once (as
 * systemd would); the time until the consumer lag of the verification and the store is back to
 * what it was before the kill.</li>
 * </ol>
 */
final class FleetBench {
    private static final long POLL_MS = 50;
    private static final String LAST_SEQS = "SELECT u.d, (SELECT max(seq) FROM records r WHERE r.device = u.d)"
            + " FROM unnest(?) AS u(d)";

    private final Options o;
    private final PrintStream out;
    /** PostgreSQL's home, whose server (started by pg_ctl) is not a child of this JVM. */
    private Path postgres;

    /**
     * The bench's settings; {@code recoverySeconds} 0 leaves the recovery phase out; {@code settings} are
     * added to every instance's configuration.
     */
    record Options(int gateways, int rate, int records, int seconds, int batch, int recoverySeconds,
            Map<String, String> settings) {
        int rounds(long recordsWanted) {
            return (int) Math.max(1, (recordsWanted + (long) gateways * batch - 1) / ((long) gateways * batch));
        }
    }

    FleetBench(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    Map<String, String> run(Path work) throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        int warm1 = o.rounds(Math.min(o.records() / 2, 10_000));
        int thr = o.rounds(o.records());
        int warm2 = o.rounds(Math.min(o.records() / 4, 5_000));
        int lat = o.rounds((long) o.rate() * o.seconds());
        // the recovery's load is at most half the offered rate (half the two instances' throughput when lower)
        int rec = o.recoverySeconds() > 0 ? o.rounds((long) o.rate() / 2 * (o.recoverySeconds() + 10)) : 0;
        int perGateway = (warm1 + thr + warm2 + thr + lat + rec) * o.batch();
        long t0 = System.nanoTime();
        TestPki pki = TestPki.create("certigate fleet bench CA");
        Path ca = TestPki.writePem(work.resolve("consortium-ca.pem"), List.of(pki.caCertificate()));
        List<SimulatedGateways.Gateway> fleet = SimulatedGateways.generate(work.resolve("gateways"), pki, "veh",
                o.gateways(), perGateway, o.batch(), System.currentTimeMillis() - (long) perGateway * 1000, 1000);
        out.printf("generated %d gateways x %d signed records in %.1f s%n", o.gateways(), perGateway,
                (System.nanoTime() - t0) / 1e9);
        String[] ids = fleet.stream().map(SimulatedGateways.Gateway::id).toArray(String[]::new);

        DeviceKey key = Pkcs12KeyStore.create(work.resolve("raw.p12"), CoseAlgorithm.EDDSA, "gw-verify",
                "bench-only-passphrase".toCharArray());
        RawVerify raw = new RawVerify(key);
        raw.loop(2_000_000_000L);
        double rawBefore = raw.loopPerCpuSecond(3_000_000_000L);
        out.printf("raw Ed25519 verify, one thread, before the services start: %.0f per CPU second%n", rawBefore);
        Phase one;
        Phase two;

        out.println("starting 3 Kafka brokers, PostgreSQL and Mosquitto");
        // the brokers with the JVM's full JIT, as in production (the testbed's default stops at C1 for quick starts)
        try (KafkaCluster kafka = KafkaCluster.builder(work.resolve("kafka")).brokers(3).jvmOption("-XX:TieredStopAtLevel=4")
                    .classpath(FleetDemoCommand.kafkaClasspath()).start();
                PostgresServer pg = PostgresServer.start(work.resolve("postgresql"));
                MosquittoBroker mqtt = MosquittoBroker.start(work.resolve("mosquitto"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            postgres = pg.home();
            FleetInstanceProcess a = FleetInstanceProcess.start(work.resolve("a"), instance(FleetDemoCommand.config(
                    kafka.bootstrapServers(), mqtt.url(), ca, pg, "a", work.resolve("a/state"))));
            FleetInstanceProcess b = null;
            StoreConnector db = FleetConfig.parse(FleetDemoCommand.config(kafka.bootstrapServers(), mqtt.url(), ca, pg,
                    "bench", work), "bench").store().connector();
            FleetLag lag = new FleetLag(admin, 15_000);
            try (a; GatewayLoad load = new GatewayLoad(mqtt.url(), "fleet-bench-gateways", 200);
                    Connection c = db.open()) {
                Progress progress = new Progress(c, ids);
                load.statuses(fleet);
                int next = 0;
                // 1 instance
                phase(load, fleet, progress, next, next += warm1, List.of(a));
                one = phase(load, fleet, progress, next, next += thr, List.of(a));
                // 2 instances
                b = FleetInstanceProcess.start(work.resolve("b"), instance(FleetDemoCommand.config(
                        kafka.bootstrapServers(), mqtt.url(), ca, pg, "b", work.resolve("b/state"))));
                phase(load, fleet, progress, next, next += warm2, List.of(a, b));
                awaitLag(lag, 0, 120);
                two = phase(load, fleet, progress, next, next += thr, List.of(a, b));
                // latency at a fixed offered rate, 2 instances
                latency(r, load, fleet, progress, next, next += lat);
                // recovery
                if (rec > 0) {
                    recovery(r, load, fleet, progress, lag, a, next, next + rec, two.rate());
                }
            } finally {
                if (b != null) {
                    b.close();
                }
            }
            double rawAfter = raw.loopPerCpuSecond(3_000_000_000L);
            out.printf("raw Ed25519 verify, one thread, with the services idle: %.0f per CPU second%n", rawAfter);
            double rawMean = (rawBefore + rawAfter) / 2;
            Map<String, String> figures = new LinkedHashMap<>();
            figures.put("raw_verify_per_cpu_s", String.format("%.0f", rawMean));
            figures.put("raw_before", String.format("%.0f", rawBefore));
            figures.put("raw_after", String.format("%.0f", rawAfter));
            report(figures, "1", one, rawMean);
            report(figures, "2", two, rawMean);
            figures.put("scale_out_2_vs_1", String.format("%.2f", two.rate() / one.rate()));
            figures.putAll(r);
            r = figures;
        }
        double load = loadAverage();
        r.put("load_average_1m_end", String.format("%.2f", load));
        r.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        return r;
    }

    /** {@code p} with the bench's {@code --set} settings. */
    private Properties instance(Properties p) {
        o.settings().forEach(p::setProperty);
        return p;
    }

    /** A throughput phase: rounds {@code from..to} of every gateway as fast as taken, until all visible. */
    private Phase phase(GatewayLoad load, List<SimulatedGateways.Gateway> fleet, Progress progress, int from, int to,
            List<FleetInstanceProcess> instances) throws Exception {
        long[] cpu0 = instances.stream().mapToLong(FleetInstanceProcess::cpuNanos).toArray();
        List<Map<Long, FleetInstanceProcess.ThreadCpu>> threads0 = instances.stream()
                .map(FleetInstanceProcess::threadCpu).toList();
        Set<Long> pids = instances.stream().map(FleetInstanceProcess::pid).collect(Collectors.toSet());
        long services0 = servicesCpuNanos(pids);
        long t0 = System.nanoTime();
        GatewayLoad.Published sent = load.batches(fleet, from, to, 0);
        progress.awaitAll(fleet, to, 600);
        long wall = System.nanoTime() - t0;
        long services = servicesCpuNanos(pids) - services0;
        long[] cpu = new long[instances.size()];
        Map<FleetInstanceProcess.ThreadGroup, Long> threads = new java.util.EnumMap<>(FleetInstanceProcess.ThreadGroup.class);
        boolean perThread = true;
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = instances.get(i).cpuNanos() - cpu0[i];
            Map<Long, FleetInstanceProcess.ThreadCpu> now = instances.get(i).threadCpu();
            perThread &= !now.isEmpty() && !threads0.get(i).isEmpty();
            FleetInstanceProcess.since(threads0.get(i), now).forEach((g, n) -> threads.merge(g, n, Long::sum));
        }
        // the JIT compiler threads' share, from the same per-thread readings (-1 where /proc cannot be read)
        long jit = perThread ? threads.getOrDefault(FleetInstanceProcess.ThreadGroup.JIT, 0L) : -1;
        Phase p = new Phase(sent.records(), wall, cpu, services, jit, threads);
        out.printf("%d instance(s), rounds %d..%d: %d records stored in %.2f s (%.0f records/s; published at %.0f/s);"
                + " instance CPU %s s, of which JIT compiler threads %.2f s; brokers, PostgreSQL and Mosquitto CPU"
                + " %.2f s%n", instances.size(), from, to, sent.records(), wall / 1e9, p.rate(), sent.recordsPerSecond(),
                Arrays.toString(Arrays.stream(cpu).mapToObj(n -> String.format("%.2f", n / 1e9)).toArray()), jit / 1e9,
                services / 1e9);
        return p;
    }

    /** {@code jitCpuNanos}: of {@code cpuNanos}, the instances' JIT compiler threads' (-1: not known). */
    private record Phase(long records, long wallNanos, long[] cpuNanos, long servicesCpuNanos, long jitCpuNanos,
            Map<FleetInstanceProcess.ThreadGroup, Long> threadCpuNanos) {
        double rate() {
            return records * 1e9 / wallNanos;
        }

        double cpuSeconds() {
            return Arrays.stream(cpuNanos).sum() / 1e9;
        }
    }

    private void report(Map<String, String> r, String n, Phase p, double raw) {
        double perCore = p.records() / p.cpuSeconds();
        r.put("records_" + n + "inst", Long.toString(p.records()));
        r.put("stored_rate_" + n + "inst", String.format("%.0f", p.rate()));
        r.put("fleet_cpu_s_" + n + "inst", String.format("%.2f", p.cpuSeconds()));
        r.put("stored_per_core_s_" + n + "inst", String.format("%.0f", perCore));
        r.put("cpu_us_per_record_" + n + "inst", String.format("%.1f", 1e6 / perCore));
        r.put("fleet_ratio_" + n + "inst", String.format("%.3f", perCore / raw));
        r.put("services_cpu_us_per_record_" + n + "inst", String.format("%.1f", p.servicesCpuNanos() / 1e3 / p.records()));
        if (p.jitCpuNanos() >= 0) {
            // the JIT compiler's share is warm-up: a long-running instance pays it once, not per record
            double steady = p.records() / (p.cpuSeconds() - p.jitCpuNanos() / 1e9);
            r.put("jit_cpu_s_" + n + "inst", String.format("%.2f", p.jitCpuNanos() / 1e9));
            r.put("cpu_us_per_record_excl_jit_" + n + "inst", String.format("%.1f", 1e6 / steady));
            r.put("fleet_ratio_excl_jit_" + n + "inst", String.format("%.3f", steady / raw));
        }
        // where an instance's CPU goes, per record, by thread (the verify threads' share holds the signature checks)
        p.threadCpuNanos().forEach((g, nanos) -> r.put("us_per_record_" + g.key + "_" + n + "inst",
                String.format("%.1f", nanos / 1e3 / p.records())));
        r.put("raw_verify_us", String.format("%.1f", 1e6 / raw));
    }

    private void latency(Map<String, String> r, GatewayLoad load, List<SimulatedGateways.Gateway> fleet, Progress progress,
            int from, int to) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[][] visibleAt = new long[fleet.size()][];
        for (int g = 0; g < fleet.size(); g++) {
            visibleAt[g] = new long[fleet.get(g).batches().size()];
        }
        CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> {
            try {
                while (!stop.get()) {
                    long[] seqs = progress.lastSeqs();
                    long now = System.currentTimeMillis();
                    for (int g = 0; g < seqs.length; g++) {
                        SimulatedGateways.Gateway gw = fleet.get(g);
                        for (int i = from; i < to && i < visibleAt[g].length; i++) {
                            if (visibleAt[g][i] == 0 && seqs[g] >= gw.firstSeq(i) + gw.size(i) - 1) {
                                visibleAt[g][i] = now;
                            }
                        }
                    }
                    Thread.sleep(POLL_MS);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        GatewayLoad.Published sent = load.batches(fleet, from, to, o.rate());
        long lastSend = System.currentTimeMillis();
        progress.awaitAll(fleet, to, 600);
        long drained = System.currentTimeMillis() - lastSend;
        Thread.sleep(2 * POLL_MS);
        stop.set(true);
        poller.get();
        List<Long> lat = new ArrayList<>();
        for (int g = 0; g < fleet.size(); g++) {
            for (int i = from; i < to && i < visibleAt[g].length; i++) {
                for (int k = 0; k < fleet.get(g).size(i); k++) {
                    lat.add(visibleAt[g][i] - sent.sentAtMs()[g][i]);
                }
            }
        }
        long[] v = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        long p50 = v[(int) Math.min(v.length - 1, Math.round(0.50 * (v.length - 1)))];
        long p99 = v[(int) Math.min(v.length - 1, Math.round(0.99 * (v.length - 1)))];
        boolean keptUp = sent.recordsPerSecond() >= 0.95 * o.rate() && drained <= 2_000;
        out.printf("latency at %d records/s offered from %d gateways: %d records sent at %.0f/s, all visible %d ms after"
                + " the last send; p50 %d ms, p99 %d ms, max %d ms (poll every %d ms)%n", o.rate(), fleet.size(),
                sent.records(), sent.recordsPerSecond(), drained, p50, p99, v[v.length - 1], POLL_MS);
        r.put("offered_rate", Integer.toString(o.rate()));
        r.put("gateways", Integer.toString(fleet.size()));
        r.put("achieved_rate", String.format("%.0f", sent.recordsPerSecond()));
        r.put("latency_records", Long.toString(sent.records()));
        r.put("e2e_p50_ms", Long.toString(p50));
        r.put("e2e_p99_ms", Long.toString(p99));
        r.put("e2e_max_ms", Long.toString(v[v.length - 1]));
        r.put("drain_ms", Long.toString(drained));
        r.put("kept_up", Boolean.toString(keptUp));
    }

    /**
     * Load at half the two instances' measured throughput (at most the offered rate), lag measured
     * for a few seconds, then kill -9 of instance a, restarted at once; the time until the lag
     * settled back at what it was before (and at most 2 s of load), watched for
     * {@code --recovery-seconds} after the kill.
     */
    private void recovery(Map<String, String> r, GatewayLoad load, List<SimulatedGateways.Gateway> fleet,
            Progress progress, FleetLag lag, FleetInstanceProcess a, int from, int to, double twoRate) throws Exception {
        int rate = (int) Math.max(1, Math.min(o.rate(), twoRate / 2));
        AtomicBoolean stop = new AtomicBoolean();
        int[] reached = {from};
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            try {
                for (int i = from; i < to && !stop.get(); i++) {
                    load.batches(fleet, i, i + 1, rate);
                    reached[0] = i + 1;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long before = 0;
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            before = Math.max(before, lag(lag));
            Thread.sleep(250);
        }
        long threshold = Math.max(before, 1);
        long kill = System.nanoTime();
        a.kill();
        // restarted at once, as systemd would; the lag is followed meanwhile (the other instance takes the killed
        // one's partitions if the session timeout expires before the restarted one is back)
        long[] restartedAt = {0};
        CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
            try {
                a.launch();
                restartedAt[0] = System.nanoTime();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long peak = 0;
        // the lag settled at a level once no later sample of the phase is above it: the first sample after
        // the last one above (-1 while the last sample is above)
        long recovered = 0;
        long within2s = 0;
        long twoSeconds = Math.max(threshold, 2L * rate);
        long limit = kill + (long) o.recoverySeconds() * 1_000_000_000L;
        StringBuilder trace = new StringBuilder();
        long lastTrace = 0;
        while (System.nanoTime() < limit && !publishing.isDone()) {
            long l = lag(lag);
            peak = Math.max(peak, l);
            long at = System.nanoTime() - kill;
            if (at - lastTrace >= 5_000_000_000L) {
                trace.append(String.format(" %.0fs:%d", at / 1e9, l));
                lastTrace = at;
            }
            recovered = l > threshold ? -1 : recovered < 0 ? at : recovered;
            within2s = l > twoSeconds ? -1 : within2s < 0 ? at : within2s;
            Thread.sleep(250);
        }
        long lagAtEnd = lag(lag);
        restart.get();
        long restarted = restartedAt[0];
        stop.set(true);
        publishing.get();
        progress.awaitAll(fleet, reached[0], 600);
        out.println("recovery: lag after the kill (every 5 s):" + trace + "; at the end " + lagAtEnd + "; at most "
                + twoSeconds + " (2 s of load) " + (within2s < 0 ? "not within the phase"
                        : String.format("%.1f s after the kill", within2s / 1e9)));
        out.printf("recovery at %d records/s: lag before the kill at most %d, peak %d; instance restarted %.1f s after"
                + " the kill; lag back to at most %d %s%n", rate, before, peak, (restarted - kill) / 1e9, threshold,
                recovered < 0 ? "not within the phase" : String.format("%.1f s after the kill", recovered / 1e9));
        r.put("recovery_rate", Integer.toString(rate));
        r.put("recovery_lag_before", Long.toString(before));
        r.put("recovery_lag_peak", Long.toString(peak));
        r.put("recovery_restart_ms", Long.toString((restarted - kill) / 1_000_000));
        r.put("recovery_ms", Long.toString(recovered < 0 ? -1 : recovered / 1_000_000));
        r.put("recovery_lag_end", Long.toString(lagAtEnd));
        r.put("recovery_2s_ms", Long.toString(within2s < 0 ? -1 : within2s / 1_000_000));
    }

    private static long lag(FleetLag lag) throws FleetLag.FleetStatusException {
        List<PartitionLag> all = new ArrayList<>(lag.lag("certigate-fleet-verify", List.of(FleetTopics.RECORDS)));
        all.addAll(lag.lag("certigate-fleet-store", List.of(FleetTopics.VERIFIED, FleetTopics.FINDINGS)));
        return all.stream().mapToLong(PartitionLag::lag).sum();
    }

    private static void awaitLag(FleetLag lag, long most, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (lag(lag) > most) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the fleet's consumer lag did not come down to " + most + " within "
                        + seconds + " s");
            }
            Thread.sleep(250);
        }
    }

    /**
     * CPU time so far of the brokers, Mosquitto and PostgreSQL: this JVM's descendants other than
     * the fleet instances, and PostgreSQL's server with its backends.
     */
    private long servicesCpuNanos(Set<Long> instances) throws java.io.IOException {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        ProcessHandle.current().descendants().forEach(h -> all.put(h.pid(), h));
        Path pid = postgres.resolve("data/postmaster.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).ifPresent(h -> {
                all.put(h.pid(), h);
                h.descendants().forEach(d -> all.put(d.pid(), d));
            });
        }
        return all.values().stream().filter(h -> !instances.contains(h.pid()))
                .mapToLong(h -> h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L)).sum();
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    /** Each gateway's highest stored seq, one index lookup per gateway. */
    private static final class Progress {
        private final Connection c;
        private final String[] ids;

        Progress(Connection c, String[] ids) {
            this.c = c;
            this.ids = ids;
        }

        synchronized long[] lastSeqs() throws SQLException {
            long[] seqs = new long[ids.length];
            Map<String, Integer> index = new LinkedHashMap<>();
            for (int i = 0; i < ids.length; i++) {
                index.put(ids[i], i);
            }
            Array array = c.createArrayOf("text", ids);
            try (PreparedStatement ps = c.prepareStatement(LAST_SEQS)) {
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seqs[index.get(rs.getString(1))] = rs.getLong(2);
                    }
                }
            }
            return seqs;
        }

        /** Waits until every gateway's rounds before {@code to} are stored. */
        void awaitAll(List<SimulatedGateways.Gateway> fleet, int to, int seconds) throws Exception {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (true) {
                long[] seqs = lastSeqs();
                boolean all = true;
                for (int g = 0; g < seqs.length && all; g++) {
                    SimulatedGateways.Gateway gw = fleet.get(g);
                    int last = Math.min(to, gw.batches().size()) - 1;
                    all = seqs[g] >= gw.firstSeq(last) + gw.size(last) - 1;
                }
                if (all) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("records sent were not all stored within " + seconds + " s");
                }
                Thread.sleep(POLL_MS);
            }
        }
    }
}
